package org.x86play.cpu.fpu;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;

/** Reset/FNINIT state, condition codes, FXAM, FCOMI, FCMOV, stack faults, state images. */
class FpuControlTest {

    @Test
    void resetStateFollowsTable9_1() {
        X87 x = new X87();
        x.cpu.reset();
        assertEquals(0x0040, x.fpu.getControlWord());
        assertEquals(0, x.fpu.getStatusWord());
        assertEquals(0x5555, x.fpu.getTagWord());
        x.exec(0xDB, 0xE3);
        assertEquals(0x037F, x.fpu.getControlWord());
        assertEquals(0xFFFF, x.fpu.getTagWord());
    }

    @Test
    void compareConditionCodes() {
        X87 x = new X87();
        double[][] cases = {{1, 2}, {2, 1}, {3, 3}, {Double.NaN, 1}, {-0.0, 0.0}, {Double.NEGATIVE_INFINITY, -1e308}};
        int[] cc = {Fpu.C0, 0, Fpu.C3, Fpu.C0 | Fpu.C2 | Fpu.C3, Fpu.C3, Fpu.C0};
        for (int k = 0; k < cases.length; k++) {
            x.fnclex();
            x.fldD(cases[k][1]);
            x.fldD(cases[k][0]);
            x.exec(0xD8, 0xD1);                          // FCOM ST1
            assertEquals(cc[k], x.sw() & Fpu.CC, "fcom " + k);
            assertEquals(Double.isNaN(cases[k][0]) ? Fpu.IE : 0, x.sw() & Fpu.IE);
            x.fnclex();
            x.exec(0xDD, 0xE1);                          // FUCOM ST1: QNaN is quiet
            assertEquals(cc[k], x.sw() & Fpu.CC);
            assertEquals(0, x.sw() & Fpu.IE);
            x.exec(0xDB, 0xF1);                          // FCOMI
            int f = x.cpu.getEflags();
            int expect = k == 0 || k == 5 ? Cpu.CF : k == 1 ? 0 : k == 2 || k == 4 ? Cpu.ZF : Cpu.ZF | Cpu.PF | Cpu.CF;
            assertEquals(expect, f & (Cpu.ZF | Cpu.PF | Cpu.CF), "fcomi " + k);
            x.exec(0xDE, 0xD9);                          // FCOMPP
            assertTrue(x.fpu.isStEmpty(0) && x.fpu.isStEmpty(1));
        }
        // FICOM m16, FTST
        x.fldD(5.0);
        x.w16(X87.M, 7);
        x.mem(0xDE, 2);
        assertEquals(Fpu.C0, x.sw() & Fpu.CC);
        x.exec(0xD9, 0xE4);
        assertEquals(0, x.sw() & Fpu.CC);
    }

    @Test
    void fxamClasses() {
        X87 x = new X87();
        x.exec(0xD9, 0xE5);                              // empty
        assertEquals(Fpu.C3 | Fpu.C0, x.sw() & (Fpu.C3 | Fpu.C2 | Fpu.C0));
        Object[][] cases = {
            {0x7FFF, 0xC000000000000000L, Fpu.C0}, {0x7FFF, 0x8000000000000000L, Fpu.C2 | Fpu.C0},
            {0x3FFF, 0x8000000000000000L, Fpu.C2}, {0x0000, 0L, Fpu.C3}, {0x0000, 1L, Fpu.C3 | Fpu.C2},
            {0x3FFF, 0x4000000000000000L, 0}, {0x8000, 0L, Fpu.C3 | Fpu.C1},
        };
        for (Object[] c : cases) {
            x.fldX((Integer) c[0], (Long) c[1]);
            x.exec(0xD9, 0xE5);
            assertEquals((int) (Integer) c[2], x.sw() & Fpu.CC, Integer.toHexString((Integer) c[0]));
            x.exec(0xDD, 0xD8);
        }
    }

    @Test
    void fcmovReadsEflags() {
        X87 x = new X87();
        x.fldD(2.0);
        x.fldD(1.0);
        x.cpu.setEflags(Cpu.CF);
        x.exec(0xDA, 0xC1);                              // FCMOVB ST0, ST1
        assertEquals(2.0, x.fpu.getStDouble(0));
        x.exec(0xD9, 0xE8);
        x.exec(0xDB, 0xC9);                              // FCMOVNE: ZF = 0 → move ST1 (2.0)
        assertEquals(2.0, x.fpu.getStDouble(0));
        x.cpu.setEflags(Cpu.ZF);
        x.exec(0xD9, 0xE8);
        x.exec(0xDB, 0xC9);                              // ZF = 1 → no move
        assertEquals(1.0, x.fpu.getStDouble(0));
    }

    @Test
    void stackOverflowAndUnderflow() {
        X87 x = new X87();
        for (int i = 0; i < 8; i++) x.exec(0xD9, 0xE8);
        x.exec(0xD9, 0xEE);                              // ninth push: overflow
        assertEquals(Fpu.IE | Fpu.SF | Fpu.C1, x.sw() & (0x3F | Fpu.SF | Fpu.C1));
        assertEquals(0xFFFF, x.stSe(0));                 // masked: QNaN indefinite
        assertEquals(0xC000000000000000L, x.stSig(0));
        x.exec(0xDB, 0xE3);
        x.exec(0xD8, 0xC1);                              // FADD ST0, ST1 on an empty stack: underflow
        assertEquals(Fpu.IE | Fpu.SF, x.sw() & (0x3F | Fpu.SF | Fpu.C1));
        assertEquals(0xFFFF, x.stSe(0));
        // unmasked underflow: no change, ES set, #MF at the next waiting instruction
        x.exec(0xDB, 0xE3);
        x.fldcw(0x037E);
        x.exec(0xDE, 0xC1);
        assertEquals(0, x.fpu.getTop());
        assertTrue(x.fpu.isStEmpty(0));
        assertEquals(Fpu.IE | Fpu.SF | Fpu.ES | Fpu.B, x.sw() & 0xFFFF & ~0x3800 & ~Fpu.CC);
        x.cpu.cr0 |= Cpu.CR0_NE;
        CpuFault f = assertThrows(CpuFault.class, () -> x.exec(0xD9, 0xE8));
        assertEquals(CpuFault.MF, f.vector);
        x.exec(0xDB, 0xE3);                              // FNINIT does not wait
        x.exec(0xD9, 0xE8);
    }

    @Test
    void fxchFreeIncDec() {
        X87 x = new X87();
        x.fldD(1.0);
        x.fldD(2.0);
        x.exec(0xD9, 0xC9);
        assertEquals(1.0, x.fpu.getStDouble(0));
        assertEquals(2.0, x.fpu.getStDouble(1));
        x.exec(0xD9, 0xF7);                              // FINCSTP
        assertEquals(2.0, x.fpu.getStDouble(0));
        x.exec(0xD9, 0xF6);
        x.exec(0xDD, 0xC1);                              // FFREE ST1
        assertTrue(x.fpu.isStEmpty(1));
        assertEquals(6, x.fpu.getTop());
        assertEquals(0xCFFF, x.fpu.getTagWord());        // physical 6 valid, 7 freed, rest empty
    }

    private static void fillState(X87 x) {
        x.fldcw(0x0A7F);
        x.fldD(1.5);
        x.fldD(-0.0);
        x.fldX(0x7FFF, 0xC000000000000001L);
        x.fldX(0x0000, 5);
        x.exec(0xD9, 0xE8);
        x.fldD(3.25);
        x.w16(X87.M, 3);
        x.mem(0xDE, 1);                                  // FIMUL m16: records FOP / data pointer
    }

    private static int[] snapshot(X87 x) {
        int[] s = new int[8 * 3 + 4];
        for (int i = 0; i < 8; i++) {
            s[3 * i] = x.stSe(i);
            s[3 * i + 1] = (int) x.stSig(i);
            s[3 * i + 2] = (int) (x.stSig(i) >>> 32);
        }
        s[24] = x.fpu.getControlWord();
        s[25] = x.fpu.getStatusWord();
        s[26] = x.fpu.getTagWord();
        s[27] = x.fpu.getFop();
        return s;
    }

    @Test
    void fsaveFrstorRoundTripAllLayouts() {
        for (int mode = 0; mode < 4; mode++) {
            X87 x = new X87();
            boolean op32 = (mode & 1) != 0;
            if ((mode & 2) != 0) x.cpu.cr0 |= Cpu.CR0_PE;   // protected-mode layout
            fillState(x);
            int[] before = snapshot(x);
            int fip = x.fpu.getFip(), fdp = x.fpu.getFdp(), fcs = x.fpu.getFcs();
            assertEquals(0xF000, fcs);
            x.memAt(0xDD, 6, 0x2000, op32);              // FNSAVE → FNINIT
            assertEquals(0x037F, x.fpu.getControlWord());
            assertEquals(0xFFFF, x.fpu.getTagWord());
            assertEquals(before[24], x.r16(0x2000));
            assertEquals(before[26], x.r16(0x2000 + (op32 ? 8 : 4)));
            x.memAt(0xDD, 4, 0x2000, op32);              // FRSTOR
            if (mode == 2) before[27] = 0;               // the 16-bit protected layout has no opcode field
            assertArrayEquals(before, snapshot(x), "mode " + mode);
            assertEquals(X87.M, x.fpu.getFdp() + (x.fpu.getFds() << 4));
            assertEquals(fdp, x.fpu.getFdp());
            if ((mode & 2) == 0) {                       // real-mode layout keeps the 20/32-bit linear IP
                assertEquals((fcs << 4) + fip, x.fpu.getFip());
                assertEquals(0, x.fpu.getFcs());
            } else {
                assertEquals(fip, x.fpu.getFip());
                assertEquals(fcs, x.fpu.getFcs());
            }
        }
    }

    @Test
    void fstenvMasksExceptionsAndFldenvRestores() {
        X87 x = new X87();
        x.cpu.cr0 |= Cpu.CR0_PE;
        fillState(x);
        x.fpu.setStatusWord(x.sw() | Fpu.ZE);
        x.memAt(0xD9, 6, 0x3000, true);                  // FNSTENV (32-bit protected layout)
        assertEquals(0x0A7F | 0x3F, x.fpu.getControlWord());
        assertEquals(0xFFFF0A7F, x.r32(0x3000));
        assertEquals(((0x6 << 8) | (1 << 3)) << 16, x.r32(0x3010) & 0xFFFF0000);   // FOP of FIMUL m16 (DE /1)
        assertEquals(X87.M, x.r32(0x3014));
        x.exec(0xDB, 0xE3);
        x.memAt(0xD9, 4, 0x3000, true);                  // FLDENV
        assertEquals(0x0A7F, x.fpu.getControlWord());
        assertEquals(Fpu.ZE, x.sw() & 0x3F);
    }

    @Test
    void fxsaveFxrstorRoundTrip() {
        X87 x = new X87();
        fillState(x);
        x.fpu.setStatusWord(x.sw() | Fpu.PE);
        int[] before = snapshot(x);
        x.fpu.fxsave(0x4000);
        assertEquals(before[24], x.r16(0x4000));
        assertEquals(before[25], x.r16(0x4002));
        assertEquals(0xFC, x.r8(0x4004) & 0xFF);         // 6 pushes: physical 2..7 valid
        assertEquals(0x1F80, x.r32(0x4018));
        assertEquals(3.25 * 3, x.fpu.getStDouble(0));
        x.exec(0xDB, 0xE3);
        x.fpu.fxrstor(0x4000);
        assertArrayEquals(before, snapshot(x));
        assertThrows(CpuFault.class, () -> x.fpu.fxsave(0x4008));
    }

    @Test
    void fnstswAxAndUndefinedOpcodes() {
        X87 x = new X87();
        x.cpu.reg[Cpu.EAX] = 0x12340000;
        x.exec(0xD9, 0xE8);
        x.exec(0xDF, 0xE0);
        assertEquals(0x12343800, x.cpu.reg[Cpu.EAX]);
        int[][] ud = {{0xD9, 0xD1}, {0xD9, 0xE2}, {0xD9, 0xEF}, {0xDA, 0xE8}, {0xDB, 0xE5}, {0xDB, 0xF8}, {0xDD, 0xF0}, {0xDE, 0xD8}, {0xDF, 0xE1}};
        for (int[] u : ud) {
            CpuFault f = assertThrows(CpuFault.class, () -> x.exec(u[0], u[1]));
            assertEquals(CpuFault.UD, f.vector);
        }
    }
}
