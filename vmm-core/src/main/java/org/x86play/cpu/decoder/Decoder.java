package org.x86play.cpu.decoder;

import org.x86play.cpu.CpuFault;

/**
 * Decodes one instruction into an {@link Instruction}, driven by {@link OpcodeTable}
 * (SDM Vol. 2 ch. 2: prefixes, opcode, ModRM, SIB, displacement, immediate).
 * Raises #UD for invalid opcodes/forms and misplaced LOCK, #GP(0) beyond 15 bytes (SDM Vol. 2 §2.3.11).
 */
public final class Decoder {
    private Decoder() {}

    public static final int MAX_LENGTH = 15;

    /** Exec ids that are {@link Instruction#attention} instructions (see there). */
    private static final boolean[] ATTENTION = new boolean[256];
    static {
        int[] ops = {Op.MOV_SE, Op.POP_SEG, Op.LSEG, Op.IN, Op.OUT, Op.INS, Op.OUTS, Op.HLT, Op.CLI, Op.STI,
                Op.POPF, Op.INT, Op.INT3, Op.INTO, Op.INT1, Op.IRET, Op.JMPF, Op.CALLF, Op.JMPF_E, Op.CALLF_E,
                Op.RETF, Op.LLDT, Op.LTR, Op.LGDT, Op.LIDT, Op.LMSW, Op.INVLPG, Op.CLTS, Op.MOV_CR_R,
                Op.MOV_R_DR, Op.MOV_DR_R, Op.RDTSC, Op.RDMSR, Op.WRMSR, Op.SYSENTER, Op.SYSEXIT, Op.RSM,
                // x87: an unmasked exception with CR0.NE = 0 raises FERR# (IRQ 13)
                Op.ESC, Op.WAIT, Op.FXRSTOR};
        for (int op : ops) ATTENTION[op] = true;
    }
    private static final int DS = 3, SS = 2;

    /** Decodes the instruction at {@code eip}; {@code code32} is the code segment's D bit. */
    public static void decode(CodeSource src, int eip, boolean code32, Instruction in) {
        in.clear();
        boolean op32 = code32, addr32 = code32;
        int n = 0;
        int b;
        OpcodeRow row;
        // Prefixes (SDM Vol. 2 §2.1.1): any number, any order, limited only by the length limit.
        while (true) {
            if (n >= MAX_LENGTH) throw CpuFault.gp(0);
            b = src.fetch8(eip + n++);
            switch (b) {
                case 0x26: in.segOverride = 0; continue;
                case 0x2E: in.segOverride = 1; continue;
                case 0x36: in.segOverride = 2; continue;
                case 0x3E: in.segOverride = 3; continue;
                case 0x64: in.segOverride = 4; continue;
                case 0x65: in.segOverride = 5; continue;
                case 0x66: op32 = !code32; continue;
                case 0x67: addr32 = !code32; continue;
                case 0xF0: in.lock = true; continue;
                case 0xF2: case 0xF3: in.rep = b; continue;
                default: break;
            }
            break;
        }
        int opcode = b;
        if (b == 0x0F) {
            if (n >= MAX_LENGTH) throw CpuFault.gp(0);
            opcode = 0x100 | src.fetch8(eip + n++);
        }
        in.opcode = opcode;
        in.op32 = op32;
        in.addr32 = addr32;
        row = OpcodeTable.primary[opcode];
        if (row == null) throw CpuFault.ud();
        if ((row.attrs & OpcodeRow.MODRM) != 0) {
            if (n >= MAX_LENGTH) throw CpuFault.gp(0);
            int m = src.fetch8(eip + n++);
            in.modrm = m;
            in.mod = m >> 6;
            in.reg = (m >> 3) & 7;
            in.rm = m & 7;
            if ((row.attrs & OpcodeRow.GROUP) != 0) {
                row = OpcodeTable.group[(opcode << 3) | in.reg];
                if (row == null) throw CpuFault.ud();
            }
            if ((row.attrs & OpcodeRow.MOD_REG) != 0) in.mod = 3;
            if (in.mod != 3) {
                in.mem = true;
                n = addr32 ? modrm32(src, eip, n, in) : modrm16(src, eip, n, in);
                in.memSeg = in.segOverride >= 0 ? in.segOverride : in.memSeg;
            } else if ((row.attrs & OpcodeRow.MEM_ONLY) != 0) {
                throw CpuFault.ud();
            } else {
                in.memSeg = in.segOverride >= 0 ? in.segOverride : DS;
            }
        } else {
            in.memSeg = in.segOverride >= 0 ? in.segOverride : DS;
        }
        if (in.lock && ((row.attrs & OpcodeRow.LOCKABLE) == 0 || !in.mem)) throw CpuFault.ud();
        n = immediate(src, eip, n, row.op1, in, op32, addr32);
        n = immediate(src, eip, n, row.op2, in, op32, addr32);
        n = immediate(src, eip, n, row.op3, in, op32, addr32);
        in.length = n;
        in.row = row;
        in.exec = row.exec;
        in.sub = row.sub;
        in.attrs = row.attrs;
        in.attention = ATTENTION[row.exec & 0xFF];
        in.size = (row.attrs & OpcodeRow.BYTE) != 0 ? 0 : (row.attrs & OpcodeRow.WORD) != 0 ? 1 : op32 ? 2 : 1;
        in.fast = FastForm.of(in);
    }

    private static int fetch(CodeSource src, int eip, int n) {
        if (n >= MAX_LENGTH) throw CpuFault.gp(0);
        return src.fetch8(eip + n);
    }

    private static int fetchN(CodeSource src, int eip, int n, int bytes) {
        int v = 0;
        for (int i = 0; i < bytes; i++) v |= fetch(src, eip, n + i) << (i << 3);
        return v;
    }

    /** 16-bit addressing forms (SDM Vol. 2 Table 2-1). */
    private static int modrm16(CodeSource src, int eip, int n, Instruction in) {
        int seg = DS;
        switch (in.rm) {
            case 0: in.base = 3; in.index = 6; break;            // BX+SI
            case 1: in.base = 3; in.index = 7; break;            // BX+DI
            case 2: in.base = 5; in.index = 6; seg = SS; break;  // BP+SI
            case 3: in.base = 5; in.index = 7; seg = SS; break;  // BP+DI
            case 4: in.base = 6; break;                          // SI
            case 5: in.base = 7; break;                          // DI
            case 6: if (in.mod != 0) { in.base = 5; seg = SS; } break; // BP, or disp16
            default: in.base = 3; break;                         // BX
        }
        in.memSeg = seg;
        if (in.mod == 1) {
            in.disp = (byte) fetch(src, eip, n);
            return n + 1;
        }
        if (in.mod == 2 || (in.mod == 0 && in.rm == 6)) {
            in.disp = (short) fetchN(src, eip, n, 2);
            return n + 2;
        }
        return n;
    }

    /** 32-bit addressing forms with SIB (SDM Vol. 2 Tables 2-2, 2-3). */
    private static int modrm32(CodeSource src, int eip, int n, Instruction in) {
        int seg = DS;
        boolean disp32 = false;
        if (in.rm == 4) {
            int sib = fetch(src, eip, n++);
            int ss = sib >> 6, idx = (sib >> 3) & 7, base = sib & 7;
            if (idx != 4) { in.index = idx; in.scale = ss; }
            if (base == 5 && in.mod == 0) {
                disp32 = true;
            } else {
                in.base = base;
                if (base == 4 || base == 5) seg = SS;
            }
        } else if (in.rm == 5 && in.mod == 0) {
            disp32 = true;
        } else {
            in.base = in.rm;
            if (in.rm == 5) seg = SS;
        }
        in.memSeg = seg;
        if (in.mod == 1) {
            in.disp = (byte) fetch(src, eip, n);
            return n + 1;
        }
        if (in.mod == 2 || disp32) {
            in.disp = fetchN(src, eip, n, 4);
            return n + 4;
        }
        return n;
    }

    private static int immediate(CodeSource src, int eip, int n, int form, Instruction in, boolean op32, boolean addr32) {
        switch (form) {
            case Operand.Ib: in.imm = fetch(src, eip, n); return n + 1;
            case Operand.Ibs: case Operand.Jb: in.imm = (byte) fetch(src, eip, n); return n + 1;
            case Operand.Ib2: in.imm2 = fetch(src, eip, n); return n + 1;
            case Operand.Iw: in.imm = fetchN(src, eip, n, 2); return n + 2;
            case Operand.Iz:
                in.imm = fetchN(src, eip, n, op32 ? 4 : 2);
                return n + (op32 ? 4 : 2);
            case Operand.Jz:
                in.imm = op32 ? fetchN(src, eip, n, 4) : (short) fetchN(src, eip, n, 2);
                return n + (op32 ? 4 : 2);
            case Operand.Ob: case Operand.Ov:
                in.imm = fetchN(src, eip, n, addr32 ? 4 : 2);
                return n + (addr32 ? 4 : 2);
            case Operand.Ap: {
                int ob = op32 ? 4 : 2;
                in.imm = fetchN(src, eip, n, ob);
                in.imm2 = fetchN(src, eip, n + ob, 2);
                return n + ob + 2;
            }
            default: return n;
        }
    }
}
