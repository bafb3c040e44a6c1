package org.x86play.conformance;

import static org.x86play.conformance.CaseBuilder.*;

import java.util.ArrayList;
import java.util.List;

/**
 * Short straight-line sequences of flag-producing and flag-consuming register instructions. They
 * exercise what single instructions cannot: an instruction reading flags that an earlier one left
 * behind (the emulator evaluates EFLAGS lazily). A flag is "undefined" after an instruction whose
 * SDM "Flags Affected" says so, until an instruction defines it again; instructions that would read
 * an undefined flag are not chosen, and the flags still undefined at the end are not compared.
 */
final class SequenceForms {
    private SequenceForms() {}

    private static final int[] CC_READS = {
        OF, OF, CF, CF, ZF, ZF, CF | ZF, CF | ZF, SF, SF, PF, PF, SF | OF, SF | OF, ZF | SF | OF, ZF | SF | OF};

    static List<DiffForm> all() {
        List<DiffForm> f = new ArrayList<>();
        for (int n : new int[] {2, 3, 6}) {
            final int len = n;
            f.add(new DiffForm("sequence of " + n + " flag instructions", false, c -> sequence(c, len)));
        }
        return f;
    }

    private static void sequence(CaseBuilder c, int count) {
        int undef = 0;
        for (int i = 0; i < count; i++) {
            for (int tries = 0; ; tries++) {
                int mark = c.c.codeLen;
                int[] rdu = emit(c); // {reads, defines, undefined}
                if ((rdu[0] & undef) == 0 || tries > 50) {
                    undef = (undef & ~rdu[1]) | rdu[2];
                    break;
                }
                c.c.codeLen = mark; // would read an undefined flag: choose another instruction
            }
        }
        c.c.undefFlags = undef;
    }

    /** Emits one random instruction; returns the flags it reads, defines, and leaves undefined. */
    private static int[] emit(CaseBuilder c) {
        int bits = c.pick(8, 16, 32, 32);
        switch (c.rnd.nextInt(14)) {
            case 0: case 1: case 2: { // ALU r,r
                int op = c.rnd.nextInt(8);
                c.osize(bits);
                c.b(op * 8 + (bits == 8 ? 0 : 1));
                c.modrmReg(bits == 8 ? c.reg8() : c.reg(), bits == 8 ? c.reg8() : c.reg());
                return alu(op);
            }
            case 3: { // ALU r,imm8
                int op = c.rnd.nextInt(8);
                c.osize(bits);
                c.b(bits == 8 ? 0x80 : 0x83);
                c.modrmReg(op, bits == 8 ? c.reg8() : c.reg());
                c.imm(8, c.val(8));
                return alu(op);
            }
            case 4: { // INC/DEC: CF is preserved
                c.osize(bits);
                c.b(bits == 8 ? 0xFE : 0xFF);
                c.modrmReg(c.rnd.nextInt(2), bits == 8 ? c.reg8() : c.reg());
                return new int[] {0, ARITH & ~CF, 0};
            }
            case 5: { // NEG / NOT
                boolean neg = c.chance(60);
                c.osize(bits);
                c.b(bits == 8 ? 0xF6 : 0xF7);
                c.modrmReg(neg ? 3 : 2, bits == 8 ? c.reg8() : c.reg());
                return neg ? new int[] {0, ARITH, 0} : new int[] {0, 0, 0};
            }
            case 6: { // SETcc
                int cc = c.rnd.nextInt(16);
                c.b(0x0F, 0x90 + cc);
                c.modrmReg(0, c.reg8());
                return new int[] {CC_READS[cc], 0, 0};
            }
            case 7: { // CMOVcc
                int cc = c.rnd.nextInt(16);
                c.b(0x0F, 0x40 + cc);
                c.modrmReg(c.reg(), c.reg());
                return new int[] {CC_READS[cc], 0, 0};
            }
            case 8: { // CLC STC CMC LAHF SAHF
                int k = c.rnd.nextInt(5);
                c.b(new int[] {0xF8, 0xF9, 0xF5, 0x9F, 0x9E}[k]);
                if (k == 2) return new int[] {CF, CF, 0};
                if (k == 3) return new int[] {SF | ZF | AF | PF | CF, 0, 0};
                if (k == 4) return new int[] {0, SF | ZF | AF | PF | CF, 0};
                return new int[] {0, CF, 0};
            }
            case 9: { // shift/rotate by 1
                int ext = c.pick(0, 1, 2, 3, 4, 5, 7);
                c.osize(bits);
                c.b(bits == 8 ? 0xD0 : 0xD1);
                c.modrmReg(ext, bits == 8 ? c.reg8() : c.reg());
                if (ext <= 1) return new int[] {0, CF | OF, 0};           // ROL/ROR: only CF, OF
                if (ext <= 3) return new int[] {CF, CF | OF, 0};          // RCL/RCR read CF
                return new int[] {0, CF | OF | SF | ZF | PF, AF};         // SHL/SHR/SAR: AF undefined
            }
            case 10: { // BT r32, imm8: CF defined, ZF unaffected, OF SF AF PF undefined
                c.osize(bits == 8 ? 32 : bits);
                c.b(0x0F, 0xBA);
                c.modrmReg(4, c.reg());
                c.imm(8, c.rnd.nextInt(256));
                return new int[] {0, CF, OF | SF | AF | PF};
            }
            case 11: { // ADC/SBB r32, imm8 chains
                int op = c.pick(2, 3);
                c.b(0x83);
                c.modrmReg(op, c.reg());
                c.imm(8, c.val(8));
                return alu(op);
            }
            case 12: { // XADD / CMPXCHG r,r
                c.osize(bits);
                c.b(0x0F, (c.chance(50) ? 0xC0 : 0xB0) + (bits == 8 ? 0 : 1));
                c.modrmReg(bits == 8 ? c.reg8() : c.reg(), bits == 8 ? c.reg8() : c.reg());
                return new int[] {0, ARITH, 0};
            }
            default: { // MUL/IMUL r: CF OF defined, SF ZF AF PF undefined
                c.osize(bits);
                c.b(bits == 8 ? 0xF6 : 0xF7);
                c.modrmReg(c.pick(4, 5), bits == 8 ? c.reg8() : c.reg());
                return new int[] {0, CF | OF, SF | ZF | AF | PF};
            }
        }
    }

    private static int[] alu(int op) {
        int reads = (op == 2 || op == 3) ? CF : 0;
        int undef = (op == 1 || op == 4 || op == 6) ? AF : 0;
        return new int[] {reads, ARITH, undef};
    }
}
