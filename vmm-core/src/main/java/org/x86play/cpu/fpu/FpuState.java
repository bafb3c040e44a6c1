package org.x86play.cpu.fpu;

import org.x86play.cpu.Cpu;

/**
 * Memory images of the x87 state: FNSTENV/FLDENV (SDM Vol. 1 §8.1.10, Figures 8-9 to 8-12: 14-byte
 * 16-bit and 28-byte 32-bit layouts, real-mode and protected-mode variants), FNSAVE/FRSTOR (environment
 * followed by ST(0)..ST(7) as m80) and FXSAVE/FXRSTOR (SDM Vol. 2A Table 3-53, legacy layout, no XMM).
 * <p>
 * Stores write memory before changing any FPU state; loads read every byte before committing, so a
 * page fault in the middle leaves the FPU unchanged.
 */
final class FpuState {
    private FpuState() {}

    private static boolean realLayout(Cpu cpu) {
        return !cpu.isProtected() || cpu.isV86();
    }

    static int envSize(boolean op32) { return op32 ? 28 : 14; }

    static void writeEnv(Fpu f, Cpu cpu, int lin, boolean op32) {
        int tag = f.getTagWord(), sw = f.getStatusWord();
        boolean real = realLayout(cpu);
        int ip = (f.fcs << 4) + f.fip, dp = (f.fds << 4) + f.fdp;
        if (op32) {
            cpu.writeLinear32(lin, 0xFFFF0000 | f.cw);
            cpu.writeLinear32(lin + 4, 0xFFFF0000 | sw);
            cpu.writeLinear32(lin + 8, 0xFFFF0000 | tag);
            if (real) {
                cpu.writeLinear32(lin + 12, 0xFFFF0000 | (ip & 0xFFFF));
                cpu.writeLinear32(lin + 16, ((ip >>> 16) << 12) | (f.fop & 0x7FF));
                cpu.writeLinear32(lin + 20, 0xFFFF0000 | (dp & 0xFFFF));
                cpu.writeLinear32(lin + 24, (dp >>> 16) << 12);
            } else {
                cpu.writeLinear32(lin + 12, f.fip);
                cpu.writeLinear32(lin + 16, (f.fcs & 0xFFFF) | ((f.fop & 0x7FF) << 16));
                cpu.writeLinear32(lin + 20, f.fdp);
                cpu.writeLinear32(lin + 24, 0xFFFF0000 | (f.fds & 0xFFFF));
            }
        } else {
            cpu.writeLinear16(lin, f.cw);
            cpu.writeLinear16(lin + 2, sw);
            cpu.writeLinear16(lin + 4, tag);
            if (real) {
                cpu.writeLinear16(lin + 6, ip & 0xFFFF);
                cpu.writeLinear16(lin + 8, (((ip >>> 16) & 0xF) << 12) | (f.fop & 0x7FF));
                cpu.writeLinear16(lin + 10, dp & 0xFFFF);
                cpu.writeLinear16(lin + 12, ((dp >>> 16) & 0xF) << 12);
            } else {
                cpu.writeLinear16(lin + 6, f.fip & 0xFFFF);
                cpu.writeLinear16(lin + 8, f.fcs & 0xFFFF);
                cpu.writeLinear16(lin + 10, f.fdp & 0xFFFF);
                cpu.writeLinear16(lin + 12, f.fds & 0xFFFF);
            }
        }
    }

    // scratch for loads (committed only after every read succeeded)
    private static int eCw, eSw, eTag, eFip, eFcs, eFdp, eFds, eFop;

    private static void readEnv(Cpu cpu, int lin, boolean op32) {
        boolean real = realLayout(cpu);
        if (op32) {
            eCw = cpu.readLinear16(lin);
            eSw = cpu.readLinear16(lin + 4);
            eTag = cpu.readLinear16(lin + 8);
            int a = cpu.readLinear32(lin + 12), b = cpu.readLinear32(lin + 16);
            int c = cpu.readLinear32(lin + 20), d = cpu.readLinear32(lin + 24);
            if (real) {
                eFip = (a & 0xFFFF) | ((b >>> 12) & 0xFFFF) << 16;
                eFop = b & 0x7FF;
                eFcs = 0;
                eFdp = (c & 0xFFFF) | ((d >>> 12) & 0xFFFF) << 16;
                eFds = 0;
            } else {
                eFip = a;
                eFcs = b & 0xFFFF;
                eFop = (b >>> 16) & 0x7FF;
                eFdp = c;
                eFds = d & 0xFFFF;
            }
        } else {
            eCw = cpu.readLinear16(lin);
            eSw = cpu.readLinear16(lin + 2);
            eTag = cpu.readLinear16(lin + 4);
            int a = cpu.readLinear16(lin + 6), b = cpu.readLinear16(lin + 8);
            int c = cpu.readLinear16(lin + 10), d = cpu.readLinear16(lin + 12);
            if (real) {
                eFip = (a & 0xFFFF) | ((b >>> 12) & 0xF) << 16;
                eFop = b & 0x7FF;
                eFcs = 0;
                eFdp = (c & 0xFFFF) | ((d >>> 12) & 0xF) << 16;
                eFds = 0;
            } else {
                eFip = a & 0xFFFF;
                eFcs = b & 0xFFFF;
                eFop = -1;                 // not stored in the 16-bit protected-mode layout
                eFdp = c & 0xFFFF;
                eFds = d & 0xFFFF;
            }
        }
    }

    private static void commitEnv(Fpu f) {
        f.cw = (eCw & 0x1F7F) | 0x40;
        f.sw = eSw & ~0x3800;
        f.top = (eSw >> 11) & 7;
        int empty = 0;
        for (int r = 0; r < 8; r++) if (((eTag >> (2 * r)) & 3) == 3) empty |= 1 << r;
        f.tagEmpty = empty;
        f.fip = eFip;
        f.fcs = eFcs;
        f.fdp = eFdp;
        f.fds = eFds;
        if (eFop >= 0) f.fop = eFop;
        f.updateEs();
    }

    /** FNSTENV: store the environment, then mask all exceptions (SDM Vol. 2A FSTENV). */
    static void fnstenv(Fpu f, Cpu cpu, int lin, boolean op32) {
        writeEnv(f, cpu, lin, op32);
        f.cw |= 0x3F;
        f.updateEs();
    }

    static void fldenv(Fpu f, Cpu cpu, int lin, boolean op32) {
        readEnv(cpu, lin, op32);
        commitEnv(f);
    }

    /** FNSAVE: environment + ST(0)..ST(7), then FNINIT. */
    static void fnsave(Fpu f, Cpu cpu, int lin, boolean op32) {
        writeEnv(f, cpu, lin, op32);
        int a = lin + envSize(op32);
        for (int i = 0; i < 8; i++, a += 10) {
            int r = f.p(i);
            long s = f.regSig[r];
            cpu.writeLinear32(a, (int) s);
            cpu.writeLinear32(a + 4, (int) (s >>> 32));
            cpu.writeLinear16(a + 8, f.regSe[r]);
        }
        f.fninit();
    }

    static void frstor(Fpu f, Cpu cpu, int lin, boolean op32) {
        readEnv(cpu, lin, op32);
        int a = lin + envSize(op32);
        for (int i = 0; i < 8; i++, a += 10) {
            long lo = cpu.readLinear32(a) & 0xFFFFFFFFL;
            f.tmpSig[i] = lo | ((long) cpu.readLinear32(a + 4) << 32);
            f.tmpSe[i] = cpu.readLinear16(a + 8) & 0xFFFF;
        }
        commitEnv(f);
        for (int i = 0; i < 8; i++) {
            int r = f.p(i);
            f.regSig[r] = f.tmpSig[i];
            f.regSe[r] = f.tmpSe[i];
        }
    }

    static void fxsave(Fpu f, Cpu cpu, int lin) {
        cpu.writeLinear16(lin, f.cw);
        cpu.writeLinear16(lin + 2, f.getStatusWord());
        cpu.writeLinear16(lin + 4, ~f.tagEmpty & 0xFF);           // abridged tag, byte 5 reserved (0)
        cpu.writeLinear16(lin + 6, f.fop & 0x7FF);
        cpu.writeLinear32(lin + 8, f.fip);
        cpu.writeLinear32(lin + 12, f.fcs & 0xFFFF);
        cpu.writeLinear32(lin + 16, f.fdp);
        cpu.writeLinear32(lin + 20, f.fds & 0xFFFF);
        cpu.writeLinear32(lin + 24, 0x1F80);                      // MXCSR default (no SSE)
        cpu.writeLinear32(lin + 28, 0);                           // MXCSR_MASK 0: default mask
        int a = lin + 32;
        for (int i = 0; i < 8; i++, a += 16) {
            int r = f.p(i);
            long s = f.regSig[r];
            cpu.writeLinear32(a, (int) s);
            cpu.writeLinear32(a + 4, (int) (s >>> 32));
            cpu.writeLinear32(a + 8, f.regSe[r] & 0xFFFF);
            cpu.writeLinear32(a + 12, 0);
        }
    }

    static void fxrstor(Fpu f, Cpu cpu, int lin) {
        int cwv = cpu.readLinear16(lin), swv = cpu.readLinear16(lin + 2);
        int tag = cpu.readLinear8(lin + 4);
        int fop = cpu.readLinear16(lin + 6);
        int fip = cpu.readLinear32(lin + 8), fcs = cpu.readLinear16(lin + 12);
        int fdp = cpu.readLinear32(lin + 16), fds = cpu.readLinear16(lin + 20);
        int a = lin + 32;
        for (int i = 0; i < 8; i++, a += 16) {
            long lo = cpu.readLinear32(a) & 0xFFFFFFFFL;
            f.tmpSig[i] = lo | ((long) cpu.readLinear32(a + 4) << 32);
            f.tmpSe[i] = cpu.readLinear16(a + 8) & 0xFFFF;
        }
        f.cw = (cwv & 0x1F7F) | 0x40;
        f.sw = swv & ~0x3800;
        f.top = (swv >> 11) & 7;
        f.tagEmpty = ~tag & 0xFF;
        f.fop = fop & 0x7FF;
        f.fip = fip;
        f.fcs = fcs & 0xFFFF;
        f.fdp = fdp;
        f.fds = fds & 0xFFFF;
        for (int i = 0; i < 8; i++) {
            int r = f.p(i);
            f.regSig[r] = f.tmpSig[i];
            f.regSe[r] = f.tmpSe[i];
        }
        f.updateEs();
    }
}
