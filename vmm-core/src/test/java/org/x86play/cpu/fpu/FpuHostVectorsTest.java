package org.x86play.cpu.fpu;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;

/**
 * Expectations recorded from a real x87 (the build host, gcc -m32 inline assembly): behaviours the SDM
 * leaves implementation-specific or undocumented.
 */
class FpuHostVectorsTest {

    @Test
    void fldcwReservedBits() {
        X87 x = new X87();
        x.fldcw(0);
        assertEquals(0x0040, x.fpu.getControlWord());
        x.fldcw(0xFFFF);
        assertEquals(0x1F7F, x.fpu.getControlWord());
    }

    @Test
    void nanSelection() {
        X87 x = new X87();
        x.fldX(0xFFFF, 0xC000000000000001L);
        x.fldX(0x7FFF, 0xC000000000000001L);
        x.exec(0xDE, 0xC1);
        assertEquals(0x7FFF, x.stSe(0));                 // equal significands: the positive one
        x.exec(0xDD, 0xD8);
        x.fldX(0xFFFF, 0xC000000000000002L);
        x.fldX(0x7FFF, 0xC000000000000001L);
        x.exec(0xDE, 0xC1);
        assertEquals(0xFFFF, x.stSe(0));                 // larger significand
        assertEquals(0xC000000000000002L, x.stSig(0));
        x.exec(0xDB, 0xE3);
        x.fldX(0x7FFF, 0x8000000000000005L);             // SNaN
        x.fldX(0xFFFF, 0xC000000000000001L);             // QNaN
        x.exec(0xDE, 0xC1);
        assertEquals(0xFFFF, x.stSe(0));
        assertEquals(0xC000000000000001L, x.stSig(0));
        assertEquals(Fpu.IE, x.sw() & 0x3F);
    }

    @Test
    void fpremPartialReduction() {
        X87 x = new X87();
        long[][] v = {
            {0x3FFF + 200, 0xD000000000000123L, 0x409D, 0x80048745D1745D18L},
            {0x409D, 0x80048745D1745D18L, 0x405D, 0xC5CADE26152832C8L},
            {0x405D, 0xC5CADE26152832C8L, 0x401B, 0x8135220B27D04CF0L},
            {0x3FFF + 100, 0xD000000000000123L, 0x403E, 0xE000243A2E8BA2EAL},
        };
        for (long[] c : v) {
            x.exec(0xDB, 0xE3);
            x.fldX(0x3FFF, 0xB000000000000001L);
            x.fldX((int) c[0], c[1]);
            x.exec(0xD9, 0xF8);
            assertEquals(Long.toHexString(c[2]) + ":" + Long.toHexString(c[3]),
                    Long.toHexString(x.stSe(0)) + ":" + Long.toHexString(x.stSig(0)));
            assertEquals(Fpu.C2, x.sw() & Fpu.CC);
        }
        x.exec(0xDB, 0xE3);
        x.fldD(2.0);
        x.fldD(7.0);
        x.exec(0xD9, 0xF5);                              // FPREM1 7/2 → -1, Q = 4
        assertEquals(Fpu.C0, x.sw() & Fpu.CC);
        assertEquals(-1.0, x.fpu.getStDouble(0));
    }

    @Test
    void fnstenvProtectedImage() {
        X87 x = new X87();
        x.cpu.cr0 |= Cpu.CR0_PE;
        x.cpu.seg[Cpu.CS].selector = 0x23;
        x.cpu.instructionStart = 0x565B029F;
        x.exec(0xD9, 0xE8);                              // FLD1
        x.memAt(0xD9, 6, 0x3000, true);
        int[] expect = {0xFFFF037F, 0xFFFF3800, 0xFFFF3FFF, 0x565B029F, 0x01E80023, 0, 0xFFFF0000};
        for (int i = 0; i < 7; i++) assertEquals(expect[i], x.r32(0x3000 + 4 * i), "dword " + i);
    }

    @Test
    void fldenvRecomputesEs() {
        X87 x = new X87();
        x.cpu.cr0 |= Cpu.CR0_PE;
        x.memAt(0xD9, 6, 0x3000, true);
        x.w16(0x3000, 0x037E);
        x.w16(0x3004, 0x0001);
        x.memAt(0xD9, 4, 0x3000, true);
        assertEquals(0x8081, x.sw());
        x.exec(0xDB, 0xE3);
        x.memAt(0xD9, 6, 0x3000, true);
        x.w16(0x3004, 0x8080);
        x.memAt(0xD9, 4, 0x3000, true);
        assertEquals(0, x.sw());
    }

    @Test
    void miscFlags() {
        X87 x = new X87();
        // PC = 01 (reserved) behaves as 64-bit
        x.fldcw(0x017F);
        x.fldX(0x3FFF, 0x8000000000000401L);
        x.exec(0xD9, 0xE8);
        x.exec(0xDE, 0xC1);
        assertEquals(0x8000000000000200L, x.stSig(0));
        // FXAM of an empty register reports the sign of its stale content in C1
        x.exec(0xDB, 0xE3);
        x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xE0);
        x.exec(0xDD, 0xD8);
        x.exec(0xD9, 0xF6);                              // FDECSTP: ST0 is the freed -1.0 again
        x.exec(0xD9, 0xE5);
        assertEquals(0x4300, x.sw() & ~0x3800);
        // FSCALE overflow: +inf, OE PE, C1 = 1 (rounded up); FSCALE to an exact denormal: no flags
        x.exec(0xDB, 0xE3);
        x.fldD(1e10);
        x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xFD);
        assertEquals(0x7FFF, x.stSe(0));
        assertEquals(Fpu.OE | Fpu.PE | Fpu.C1, x.sw() & (0x3F | Fpu.C1));
        x.exec(0xDB, 0xE3);
        x.fldD(-16400);
        x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xFD);
        assertEquals(0, x.stSe(0));
        assertEquals(0x0000200000000000L, x.stSig(0));
        assertEquals(0, x.sw() & 0x3F);
        // FBSTP -0.3 → negative zero BCD, PE
        x.exec(0xDB, 0xE3);
        x.fldD(-0.3);
        x.mem(0xDF, 6);
        assertEquals(0, x.r64(X87.M));
        assertEquals(0x8000, x.r16(X87.M + 8));
        assertEquals(Fpu.PE, x.sw() & 0x3F);
        // FST m32 of an extended denormal: UE PE (no DE)
        x.exec(0xDB, 0xE3);
        x.fldX(0, 0x100);
        x.mem(0xD9, 3);
        assertEquals(Fpu.UE | Fpu.PE, x.sw() & 0x3F);
        // FSQRT of an unnormal: invalid
        x.exec(0xDB, 0xE3);
        x.fldX(0x3FFF, 0x4000000000000000L);
        x.exec(0xD9, 0xFA);
        assertEquals(0xFFFF, x.stSe(0));
        assertEquals(Fpu.IE, x.sw() & 0x3F);
        // unmasked overflow, register destination: bias-adjusted exact result, no PE
        x.exec(0xDB, 0xE3);
        x.fldcw(0x0377);
        x.fldX(0x7FFE, -1L);
        x.fldX(0x7FFE, -1L);
        x.exec(0xDE, 0xC1);
        assertEquals(0xB888, x.sw());
        assertEquals(0x1FFF, x.stSe(0));
        assertEquals(-1L, x.stSig(0));
    }

    @Test
    void transcendentalSpecialValues() {
        X87 x = new X87();
        x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xEE);
        x.exec(0xD9, 0xF3);                              // FPATAN(1, 0) = π/2
        assertEquals(0x3FFF, x.stSe(0));
        assertEquals(0xC90FDAA22168C235L, x.stSig(0));
        assertEquals(Fpu.PE, x.sw() & 0x3F);
        x.exec(0xDB, 0xE3);
        x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xF0);                              // F2XM1(1) = 1, PE
        assertEquals(0x3FFF, x.stSe(0));
        assertEquals(Long.MIN_VALUE, x.stSig(0));
        assertEquals(Fpu.PE, x.sw() & 0x3F);
        x.exec(0xDB, 0xE3);
        x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xF1);                              // 1 · log2(1) = +0, no PE
        assertEquals(0, x.stSe(0));
        assertEquals(0, x.sw() & 0x3F);
        x.exec(0xDB, 0xE3);
        x.fldX(0, 0x100);
        x.exec(0xD9, 0xFE);                              // FSIN of a denormal: x, DE UE PE
        assertEquals(0x100, x.stSig(0));
        assertEquals(Fpu.DE | Fpu.UE | Fpu.PE, x.sw() & 0x3F);
    }

    /** Results of the build host's x87 (round to nearest, 64-bit precision). */
    @Test
    void transcendentalResultsMatchTheHost() {
        X87 x = new X87();
        Object[][] cases = {
            // {opcode byte 2, ST0 input (double or null for FLDPI), ST1 input or null, expected se, expected sig}
            {0xFE, null, null, 0xBFBF, 0x8000000000000000L},           // fsin(pi) = -2^-64 (66-bit pi)
            {0xFF, null, null, 0xBFFF, 0x8000000000000000L},           // fcos(pi) = -1
            {0xFE, 1.0, null, 0x3FFE, 0xD76AA47848677021L},
            {0xFF, 1.0, null, 0x3FFE, 0x8A51407DA8345C92L},
            {0xFE, 3.0, null, 0x3FFC, 0x9081C36DB6AADA79L},
            {0xFE, 1e10, null, 0xBFFD, 0xF99A63C49C6F2B1AL},
            {0xF3, 1.0, 1.0, 0x3FFE, 0xC90FDAA22168C235L},             // fpatan(1, 1) = pi/4
            {0xF0, 0.5, null, 0x3FFD, 0xD413CCCFE7799211L},            // f2xm1(0.5)
            {0xF9, 0.25, 1.0, 0x3FFD, 0xA4D3C25E68DC57F2L},            // fyl2xp1(0.25) · 1
        };
        for (Object[] c : cases) {
            x.exec(0xDB, 0xE3);
            if (c[2] != null) x.fldD((Double) c[2]);
            if (c[1] == null) x.exec(0xD9, 0xEB); else x.fldD((Double) c[1]);
            x.exec(0xD9, (Integer) c[0]);
            assertEquals(Integer.toHexString((Integer) c[3]) + ":" + Long.toHexString((Long) c[4]),
                    Integer.toHexString(x.stSe(0)) + ":" + Long.toHexString(x.stSig(0)), "op " + Integer.toHexString((Integer) c[0]) + " " + c[1]);
        }
        x.exec(0xDB, 0xE3);
        x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xE9);                              // FLDL2T
        x.exec(0xD9, 0xF1);                              // 1 · log2(log2(10))
        assertEquals(0x3FFF, x.stSe(0));
        assertEquals(0xDDB2DBEC0456F846L, x.stSig(0));
    }
}
