package org.x86play.cpu.decoder;

/**
 * Operand forms of the opcode table, named as in the SDM Vol. 2 Appendix A opcode maps
 * (E = ModRM r/m, G = ModRM reg, I = immediate, J = relative offset, O = moffs, S = Sreg, ...;
 * b = byte, w = word, d = dword, v = word or dword by operand size, z = Iz).
 * The decoder uses them to know which immediates follow; the disassembler to print operands.
 */
public final class Operand {
    private Operand() {}

    public static final int NONE = 0,
            Eb = 1, Ev = 2, Ew = 3, Ed = 4, Gb = 5, Gv = 6, Gw = 7, Gd = 8,
            Ib = 9, Iz = 10, Iw = 11, Ibs = 12, Jb = 13, Jz = 14, Sw = 15, Cd = 16, Dd = 17, Rd = 18,
            Ap = 19, Mp = 20, M = 21, Ma = 22, Mq = 23, Ob = 24, Ov = 25, ONE = 26, CL = 27, DX = 28,
            Xb = 29, Xv = 30, Yb = 31, Yv = 32, Ib2 = 33, Ms = 34, Mx = 35,
            /** AL..BH: REG8 + register number. */
            REG8 = 40,
            /** AX/EAX..DI/EDI by operand size: REGV + register number. */
            REGV = 48,
            /** ES..GS: SEG + Sreg number. */
            SEG = 56,
            /** Fixed 16-bit AX (IN/OUT use eAX, this is for AX-only forms). */
            AX = 64;

    /** Bytes of immediate data this form takes from the instruction stream. */
    public static int immediateBytes(int form, boolean op32, boolean addr32) {
        switch (form) {
            case Ib: case Ibs: case Jb: case Ib2: return 1;
            case Iw: return 2;
            case Iz: case Jz: return op32 ? 4 : 2;
            case Ap: return op32 ? 6 : 4;
            case Ob: case Ov: return addr32 ? 4 : 2;
            default: return 0;
        }
    }
}
