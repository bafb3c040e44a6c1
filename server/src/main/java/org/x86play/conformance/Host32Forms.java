package org.x86play.conformance;

import static org.x86play.conformance.CaseBuilder.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Forms that 64-bit mode cannot run (invalid there, or with a different stack width), checked
 * against the 32-bit build of the host harness: BCD adjustments, INC/DEC 40-4F, 32-bit PUSH/POP,
 * PUSHAD/POPAD, PUSHFD/POPFD, ENTER/LEAVE, CALL/RET, INTO, BOUND, and 16-bit addressing (0x67:
 * ModRM forms, string instructions on SI/DI/CX, XLAT, LOOP/JCXZ on CX, LEA).
 * The stack is the host's real one, so only the ESP change and values that travel through the
 * stack into registers are compared.
 */
final class Host32Forms {
    private Host32Forms() {}

    static List<DiffForm> all() {
        List<DiffForm> f = new ArrayList<>();
        bcd(f);
        incDec(f);
        singleStep(f);
        stack(f);
        controlTransfer(f);
        checks(f);
        addressSize16(f);
        add(f, "lea r32,m (16-bit addressing)", c -> {
            c.b(0x67, 0x8D);
            int mod = c.rnd.nextInt(3), rm = c.rnd.nextInt(8);
            c.b(mod << 6 | c.reg() << 3 | rm);
            if (mod == 1) c.b(c.rnd.nextInt(256));
            if (mod == 2 || (mod == 0 && rm == 6)) c.imm(16, c.val(16));
        });
        return f;
    }

    private static void add(List<DiffForm> f, String name, Consumer<CaseBuilder> g) {
        f.add(new DiffForm(name, false, true, g));
    }

    // ------------------------------------------------------------------ 16-bit addressing (0x67 in 32-bit code)

    private static void addressSize16(List<DiffForm> f) {
        add(f, "add m32,r32 (a16)", c -> {
            c.b(0x67, 0x01);
            int g = c.reg();
            int off = c.modrmMem16(g, 4);
            c.memPut(off, 32, c.val(32));
        });
        add(f, "mov r16,m16 (a16)", c -> {
            c.b(0x67, 0x66, 0x8B);
            c.modrmMem16(c.reg(), 2);
        });
        add(f, "movzx r32,m8 / inc m8 (a16)", c -> {
            c.b(0x67);
            if (c.chance(50)) { c.b(0x0F, 0xB6); c.modrmMem16(c.reg(), 1); }
            else { c.b(0xFE); c.modrmMem16(0, 1); }
        });
        add(f, "shl m16,cl (a16)", c -> {
            c.b(0x67, 0x66, 0xD3);
            int off = c.modrmMem16(4, 2);
            c.memPut(off, 16, c.val(16));
            c.set(8, ECX, c.count(16));
            // CL is free to hold the count: 16-bit addressing uses only BX, BP, SI and DI.
            c.c.undefFlags = IntegerForms.shiftUndefined(4, 16, c.get(8, ECX));
        });
        String[] names = {"movsb", "stosw", "lodsd", "scasb", "cmpsw"};
        int[][] ops = {{0xA4, 8, 1}, {0xAB, 16, 2}, {0xAD, 32, 4}, {0xAE, 8, 1}, {0xA7, 16, 2}};
        for (int k = 0; k < names.length; k++) {
            final int[] op = ops[k];
            final boolean cmp = k >= 3;
            add(f, "rep " + names[k] + " (a16: si/di/cx)", c -> IntegerForms.stringCase(c, op[0], op[1], op[2], 1, cmp, true));
            add(f, names[k] + " (a16)", c -> IntegerForms.stringCase(c, op[0], op[1], op[2], 0, cmp, true));
        }
        add(f, "repne scasb (a16)", c -> IntegerForms.stringCase(c, 0xAE, 8, 1, 2, true, true));
        add(f, "xlat (a16: bx)", c -> {
            c.b(0x67, 0xD7);
            c.mem();
            c.c.lowBlock = true;
            c.set(16, EBX, DiffCase.LOW_BLOCK_ADDR);
        });
        add(f, "loop/loope/loopne/jcxz (a16: cx)", c -> {
            c.b(0x67, 0xE0 + c.rnd.nextInt(4));
            c.set(16, ECX, c.pick(0, 1, 2, 0xFFFF, c.rnd.nextInt(0x10000)));
            c.branchDisp(8);
        });
    }

    // ------------------------------------------------------------------ DAA DAS AAA AAS AAM AAD

    private static void bcd(List<DiffForm> f) {
        // DAA/DAS: "The OF flag is undefined." AAA/AAS: "The OF, SF, ZF, and PF flags are undefined."
        add(f, "daa", c -> { c.b(0x27); c.c.undefFlags = OF; });
        add(f, "das", c -> { c.b(0x2F); c.c.undefFlags = OF; });
        add(f, "aaa", c -> { c.b(0x37); c.c.undefFlags = OF | SF | ZF | PF; });
        add(f, "aas", c -> { c.b(0x3F); c.c.undefFlags = OF | SF | ZF | PF; });
        // AAM/AAD: "The OF, AF, and CF flags are undefined." AAM with imm8 = 0 raises #DE.
        add(f, "aam imm8", c -> { c.b(0xD4, c.chance(60) ? 10 : c.chance(15) ? 0 : c.rnd.nextInt(256)); c.c.undefFlags = OF | AF | CF; });
        add(f, "aad imm8", c -> { c.b(0xD5, c.chance(60) ? 10 : c.rnd.nextInt(256)); c.c.undefFlags = OF | AF | CF; });
        add(f, "add al,r8; daa (bcd sum)", c -> {
            c.set(8, EAX, bcdByte(c));
            int r = c.regExcept(1 << EAX);
            c.set(8, r, bcdByte(c));
            c.b(0x00, 0xC0 | r << 3, 0x27); // add al, r8
            c.c.undefFlags = OF;
        });
        add(f, "sub al,r8; das (bcd difference)", c -> {
            c.set(8, EAX, bcdByte(c));
            int r = c.regExcept(1 << EAX);
            c.set(8, r, bcdByte(c));
            c.b(0x28, 0xC0 | r << 3, 0x2F); // sub al, r8
            c.c.undefFlags = OF;
        });
    }

    private static int bcdByte(CaseBuilder c) {
        return c.chance(80) ? c.rnd.nextInt(10) << 4 | c.rnd.nextInt(10) : c.rnd.nextInt(256);
    }

    // ------------------------------------------------------------------ single-step trap

    /**
     * POPFD setting TF: the trap comes after the instruction that follows POPFD (SDM Vol. 3
     * §17.3.1.4), so the first INC retires and the second does not; #DB on both sides (Linux: SIGTRAP).
     */
    private static void singleStep(List<DiffForm> f) {
        add(f, "popfd (TF=1); inc; inc (#DB after the first inc)", c -> {
            int r = c.reg();
            c.set(32, r, (c.rnd.nextInt() & (ARITH | DF)) | 0x302);
            int a = c.regExcept(1 << r), b = c.regExcept(1 << r | 1 << a);
            c.b(0x50 + r, 0x9D, 0x40 + a, 0x40 + b);
        });
    }

    // ------------------------------------------------------------------ INC/DEC 40-4F

    private static void incDec(List<DiffForm> f) {
        add(f, "inc r32 (40+r)", c -> c.b(0x40 + c.reg()));
        add(f, "dec r32 (48+r)", c -> c.b(0x48 + c.reg()));
        add(f, "inc r16 (66 40+r)", c -> c.b(0x66, 0x40 + c.reg()));
        add(f, "dec r16 (66 48+r)", c -> c.b(0x66, 0x48 + c.reg()));
    }

    // ------------------------------------------------------------------ PUSH POP PUSHAD POPAD PUSHFD POPFD ENTER LEAVE

    private static void stack(List<DiffForm> f) {
        add(f, "push r32", c -> c.b(0x50 + c.rnd.nextInt(8)));
        add(f, "push r32; pop r32", c -> c.b(0x50 + c.reg(), 0x58 + c.reg()));
        add(f, "push imm32/imm8; pop r32", c -> {
            if (c.chance(50)) { c.b(0x68); c.imm(32, c.val(32)); } else { c.b(0x6A, c.val(8)); }
            c.b(0x58 + c.reg());
        });
        add(f, "push m32; pop r32", c -> {
            c.b(0xFF);
            int off = c.modrmMem(6, 4, 0);
            c.memPut(off, 32, c.val(32));
            c.b(0x58 + c.reg());
        });
        add(f, "push r32; pop m32", c -> {
            c.b(0x50 + c.reg(), 0x8F);
            c.modrmMem(0, 4, 0);
        });
        add(f, "push esp; pop r32; sub r32,esp", c -> {
            int r = c.reg();
            c.b(0x54, 0x58 + r, 0x29, 0xE0 | r); // the pushed ESP is the value before the push
        });
        add(f, "pushfd; pop r32", c -> c.b(0x9C, 0x58 + c.reg()));
        add(f, "push r32; popfd", c -> {
            // IF=1, IOPL=0, no TF/NT/AC: CPL 3 (host) and CPL 0 (emulator) load the same; ID may toggle.
            int r = c.reg();
            c.set(32, r, (c.rnd.nextInt() & (ARITH | DF)) | 0x202 | (c.chance(50) ? 1 << 21 : 0));
            c.b(0x50 + r, 0x9D, 0x9C, 0x58 + r); // push; popfd; pushfd; pop: the flags image round trip
        });
        add(f, "pushad; pop x3; lea esp,[esp+4]; pop x4", c -> {
            c.b(0x60);
            int[] order = permutation(c);
            for (int i = 0; i < 3; i++) c.b(0x58 + order[i]);
            c.b(0x8D, 0x64, 0x24, 0x04); // skip the ESP image
            for (int i = 3; i < 7; i++) c.b(0x58 + order[i]);
        });
        add(f, "push x8; popad", c -> {
            for (int i = 0; i < 8; i++) { // at most 32 bytes in all: imm32 pushes only while they fit
                if (c.c.codeLen + 5 + (7 - i) * 2 + 1 <= 32 && c.chance(50)) { c.b(0x68); c.imm(32, c.val(32)); }
                else if (c.chance(50)) c.b(0x6A, c.val(8));
                else c.b(0x50 + c.reg());
            }
            c.b(0x61);
        });
        add(f, "pushaw; popaw (66)", c -> c.b(0x66, 0x60, 0x66, 0x61));
        add(f, "enter imm16,level; leave", c -> {
            // Nested frames copy frame pointers from [EBP-4*i]: point EBP into the memory block.
            c.mem();
            c.c.regs[EBP] = DiffCase.BLOCK_ADDR + 128 + 4 * c.rnd.nextInt(32);
            c.b(0xC8);
            c.imm(16, c.pick(0, 4, 16, c.rnd.nextInt(0x1000)));
            c.b(c.chance(60) ? 0 : c.rnd.nextInt(32));
            c.b(0xC9);
        });
        add(f, "enter; mov r32,[ebp-4*k]; leave", c -> {
            c.mem();
            c.c.regs[EBP] = DiffCase.BLOCK_ADDR + 128 + 4 * c.rnd.nextInt(32);
            int level = 1 + c.rnd.nextInt(4);
            c.b(0xC8);
            c.imm(16, 8);
            c.b(level);
            int k = 1 + c.rnd.nextInt(level - 1 + 1);
            int r = c.regExcept(1 << EBP);
            c.b(0x8B, 0x45 | r << 3, -4 * k); // the copied outer frame pointers (not the new EBP itself)
            if (k == level) c.c.undefRegs |= 1 << r; // [ebp-4*level] is the new frame's own EBP: a stack address
            c.b(0xC9);
        });
    }

    /** A random order of the seven registers other than ESP. */
    private static int[] permutation(CaseBuilder c) {
        int[] r = {EAX, ECX, EDX, EBX, EBP, ESI, EDI};
        for (int i = r.length - 1; i > 0; i--) {
            int j = c.rnd.nextInt(i + 1), t = r[i];
            r[i] = r[j];
            r[j] = t;
        }
        return r;
    }

    // ------------------------------------------------------------------ CALL RET JMP (targets: the harness's stubs)

    private static void controlTransfer(List<DiffForm> f) {
        add(f, "call rel32 (to the next instruction); pop r32", c -> {
            c.b(0xE8, 0, 0, 0, 0, 0x58 + c.reg()); // the return address is CODE_ADDR + 5 on both sides
        });
        add(f, "call rel32", c -> { c.b(0xE8); c.branchDisp(32); });
        add(f, "call r32 / jmp r32", c -> {
            int r = c.reg();
            c.c.regs[r] = DiffCase.CODE_ADDR + DiffCase.TAKEN_OFF;
            c.b(0xFF, (c.chance(50) ? 0xD0 : 0xE0) | r); // FF /2, FF /4
            taken(c);
        });
        add(f, "call m32 / jmp m32", c -> {
            c.b(0xFF);
            int off = c.modrmMem(c.chance(50) ? 2 : 4, 4, 0);
            c.memPut(off, 32, DiffCase.CODE_ADDR + DiffCase.TAKEN_OFF);
            taken(c);
        });
        add(f, "push imm32; ret / ret imm16", c -> {
            c.b(0x68);
            c.imm(32, DiffCase.CODE_ADDR + DiffCase.TAKEN_OFF);
            if (c.chance(50)) c.b(0xC3); else { c.b(0xC2); c.imm(16, c.rnd.nextInt(64) * 4 - 128); }
            taken(c);
        });
    }

    /** The instruction always transfers to the "taken" stub. */
    private static void taken(CaseBuilder c) {
        c.c.branch = true;
        c.c.branchRel = DiffCase.TAKEN_OFF - c.c.codeLen;
    }

    // ------------------------------------------------------------------ INTO BOUND

    private static void checks(List<DiffForm> f) {
        add(f, "into", c -> c.b(0xCE)); // #OF iff OF = 1 (a trap: EIP after the instruction)
        for (int bits : new int[] {16, 32}) {
            add(f, "bound r" + bits + ",m" + bits + "&" + bits, c -> {
                if (bits == 16) c.b(0x66);
                c.b(0x62);
                int r = c.reg();
                int lo = c.val(bits), hi = c.chance(70) ? lo + c.rnd.nextInt(100) : c.val(bits);
                int v = c.chance(50) ? lo + c.rnd.nextInt(120) - 10 : c.val(bits);
                c.set(bits, r, v);
                int off = c.modrmMem(r, 2 * bits / 8, 1 << r);
                c.memPut(off, bits, lo);
                c.memPut(off + bits / 8, bits, hi);
            });
        }
    }
}
