package org.x86play.cpu.fpu;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exactness of the 80-bit soft-float against exact rational arithmetic (BigInteger) and Java doubles. */
class FpuArithmeticTest {
    private static final int[] PCS = {24, 53, 64};

    private static long randSig(Random r) { return r.nextLong() | Long.MIN_VALUE; }

    private static int randSe(Random r, int spread) {
        return (r.nextBoolean() ? 0x8000 : 0) | (16383 + r.nextInt(2 * spread + 1) - spread);
    }

    /** Reference for op 0 add, 1 sub, 2 mul, 3 div on extended operands. */
    private static long[] reference(int op, int aSe, long aSig, int bSe, long bSig, int p, int rc) {
        BigInteger[] a = X87.rational(aSe, aSig), b = X87.rational(bSe, bSig);
        int sa = aSe >>> 15 & 1, sb = bSe >>> 15 & 1;
        if (op == 1) sb ^= 1;
        BigInteger num, den;
        int sign;
        if (op <= 1) {
            BigInteger an = a[0].multiply(b[1]), bn = b[0].multiply(a[1]);
            den = a[1].multiply(b[1]);
            BigInteger sum = (sa == 0 ? an : an.negate()).add(sb == 0 ? bn : bn.negate());
            if (sum.signum() == 0) return null;
            sign = sum.signum() < 0 ? 1 : 0;
            num = sum.abs();
        } else if (op == 2) {
            num = a[0].multiply(b[0]); den = a[1].multiply(b[1]); sign = sa ^ sb;
        } else {
            num = a[0].multiply(b[1]); den = a[1].multiply(b[0]); sign = sa ^ sb;
        }
        return X87.round(sign, num, den, p, rc);
    }

    @Test
    void randomExtendedArithmeticIsCorrectlyRoundedForEveryPcAndRc() {
        Random rnd = new Random(1234);
        X87 x = new X87();
        int checked = 0;
        for (int n = 0; n < 1600; n++) {
            int op = n & 3, pc = PCS[(n >> 2) % 3], rc = (n >> 4) & 3;
            int aSe = randSe(rnd, 60), bSe = randSe(rnd, op <= 1 ? 70 : 60);
            long aSig = randSig(rnd), bSig = randSig(rnd);
            if ((n & 0x40) != 0 && op <= 1) { bSe = (aSe & 0x7FFF) | (rnd.nextBoolean() ? 0x8000 : 0); }   // cancellation
            x.mode(pc, rc);
            x.fldX(aSe, aSig);
            x.fldX(bSe, bSig);          // ST0 = b, ST1 = a
            x.fnclex();
            // DE F8+1 FDIVP ST1,ST0 computes ST1 = ST1 / ST0 (a/b); similarly FSUBP (E8+1), FADDP, FMULP
            int modrm = op == 0 ? 0xC1 : op == 1 ? 0xE9 : op == 2 ? 0xC9 : 0xF9;
            x.exec(0xDE, modrm);
            long[] ref = reference(op, aSe, aSig, bSe, bSig, pc, rc);
            String what = "op" + op + " pc" + pc + " rc" + rc + " a=" + Integer.toHexString(aSe) + ":" + Long.toHexString(aSig)
                    + " b=" + Integer.toHexString(bSe) + ":" + Long.toHexString(bSig);
            if (ref == null) {
                assertEquals(rc == 1 ? 0x8000 : 0, x.stSe(0), what);
                assertEquals(0, x.stSig(0), what);
            } else {
                assertEquals(Long.toHexString(ref[0]) + ":" + Long.toHexString(ref[1]),
                        Long.toHexString(x.stSe(0)) + ":" + Long.toHexString(x.stSig(0)), what);
                assertEquals(ref[2] != 0, (x.sw() & Fpu.PE) != 0, "PE " + what);
                assertEquals(ref[3] != 0, (x.sw() & Fpu.C1) != 0, "C1 " + what);
            }
            x.exec(0xDD, 0xD8);         // FSTP ST0
            checked++;
        }
        assertEquals(1600, checked);
    }

    @Test
    void randomSquareRootsAreCorrectlyRounded() {
        Random rnd = new Random(99);
        X87 x = new X87();
        for (int n = 0; n < 400; n++) {
            int pc = PCS[n % 3], rc = (n >> 2) & 3;
            int se = randSe(rnd, 100) & 0x7FFF;
            long sig = randSig(rnd);
            if ((n & 32) != 0) sig &= 0xFFFFFFFF00000000L;     // some exact squares-ish inputs
            x.mode(pc, rc);
            x.fldX(se, sig);
            x.fnclex();
            x.exec(0xD9, 0xFA);   // FSQRT
            // reference: sqrt(m·2^k) = isqrt(m·2^(k+2t))·2^-t with a sticky half bit
            int k = se - 16383 - 63;
            int t = (140 - k) >> 1;
            if (((k + 2 * t) & 1) != 0) t++;
            BigInteger m = new BigInteger(Long.toUnsignedString(sig));
            BigInteger big = m.shiftLeft(k + 2 * t);
            BigInteger r = big.sqrt();
            boolean exact = r.multiply(r).equals(big);
            BigInteger num = r.shiftLeft(1).add(exact ? BigInteger.ZERO : BigInteger.ONE);
            long[] ref = X87.round(0, num, BigInteger.ONE.shiftLeft(t + 1), pc, rc);
            String what = "pc" + pc + " rc" + rc + " x=" + Integer.toHexString(se) + ":" + Long.toHexString(sig);
            assertEquals(Long.toHexString(ref[0]) + ":" + Long.toHexString(ref[1]),
                    Long.toHexString(x.stSe(0)) + ":" + Long.toHexString(x.stSig(0)), what);
            assertEquals(ref[2] != 0, (x.sw() & Fpu.PE) != 0, "PE " + what);
            assertEquals(ref[3] != 0, (x.sw() & Fpu.C1) != 0, "C1 " + what);
            x.exec(0xDD, 0xD8);
        }
    }

    @Test
    void doublePrecisionControlMatchesJavaDoubles() {
        Random rnd = new Random(7);
        X87 x = new X87();
        x.mode(53, 0);
        for (int n = 0; n < 500; n++) {
            double a = Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(400) - 200) * (rnd.nextBoolean() ? 1 : -1);
            double b = Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(400) - 200) * (rnd.nextBoolean() ? 1 : -1);
            int op = n % 5;
            x.fldD(a);
            if (op == 4) {
                x.exec(0xD9, 0xFA);
                double got = x.fstpD();
                if (a >= 0) assertEquals(Math.sqrt(a), got, "sqrt " + a);
                else assertTrue(Double.isNaN(got));
                x.fnclex();
                continue;
            }
            x.w64(X87.M, Double.doubleToRawLongBits(b));
            x.mem(0xDC, op == 0 ? 0 : op == 1 ? 4 : op == 2 ? 1 : 6);     // FADD/FSUB/FMUL/FDIV m64
            double expect = op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b : a / b;
            assertEquals(Double.doubleToRawLongBits(expect), x.fstpDBits(), "op" + op + " " + a + " " + b);
        }
    }

    @Test
    void denormalResultsAndUnderflowFlags() {
        X87 x = new X87();
        x.mode(64, 0);
        // smallest normal / 2 = exact denormal: UE not raised when exact and masked
        x.fldX(0x0001, Long.MIN_VALUE);
        x.fldX(0x4000, Long.MIN_VALUE);          // 2.0
        x.fnclex();
        x.exec(0xDE, 0xF9);                      // FDIVP: ST1/ST0
        assertEquals(0, x.stSe(0));
        assertEquals(0x4000000000000000L, x.stSig(0));
        assertEquals(0, x.sw() & (Fpu.UE | Fpu.PE));
        // (min normal + 1ulp) / 2: inexact denormal → UE + PE
        x.fldX(0x0001, Long.MIN_VALUE | 1);
        x.fldX(0x4000, Long.MIN_VALUE);
        x.fnclex();
        x.exec(0xDE, 0xF9);
        assertEquals(0, x.stSe(0));
        assertEquals(0x4000000000000000L, x.stSig(0));   // tie rounds to even
        assertEquals(Fpu.UE | Fpu.PE, x.sw() & (Fpu.UE | Fpu.PE));
        // denormal operand raises DE; denormal + denormal stays exact
        x.fnclex();
        x.exec(0xD9, 0xC0);                       // FLD ST0
        x.exec(0xDE, 0xC1);                       // FADDP
        assertEquals(1, x.stSe(0));               // 2 × 0x4000.. = 0x8000.. → min normal
        assertEquals(Long.MIN_VALUE, x.stSig(0));
        assertEquals(Fpu.DE, x.sw() & 0x3F);
    }

    @Test
    void maskedOverflowFollowsRoundingControl() {
        X87 x = new X87();
        long max = -1L;
        for (int rc = 0; rc < 4; rc++) {
            x.mode(64, rc);
            x.fldX(0x7FFE, max);
            x.fldX(0x7FFE, max);
            x.fnclex();
            x.exec(0xDE, 0xC1);                   // FADDP → overflow
            boolean inf = rc == 0 || rc == 2;
            assertEquals(inf ? 0x7FFF : 0x7FFE, x.stSe(0), "rc" + rc);
            assertEquals(inf ? Long.MIN_VALUE : max, x.stSig(0), "rc" + rc);
            assertEquals(Fpu.OE | Fpu.PE, x.sw() & 0x3F);
            assertEquals(inf, (x.sw() & Fpu.C1) != 0);  // C1: rounded up (∞)
            x.exec(0xDD, 0xD8);
        }
    }

    @Test
    void unmaskedOverflowDeliversBiasAdjustedResultAndPendsException() {
        X87 x = new X87();
        x.fldcw(0x0377);                          // OE unmasked
        x.fldX(0x7FFE, Long.MIN_VALUE);
        x.fldX(0x4000, Long.MIN_VALUE);
        x.exec(0xDE, 0xC9);                       // FMULP: 2^16384 → 2^(16384-24576)
        assertEquals(0x7FFF - 24576, x.stSe(0));
        assertEquals(Fpu.OE | Fpu.ES | Fpu.B, x.sw() & (0x3F | Fpu.ES | Fpu.B));
        // next waiting instruction: #MF with CR0.NE = 1
        x.cpu.cr0 |= org.x86play.cpu.Cpu.CR0_NE;
        org.x86play.cpu.CpuFault f = assertThrows(org.x86play.cpu.CpuFault.class, () -> x.exec(0xD9, 0xE8));
        assertEquals(org.x86play.cpu.CpuFault.MF, f.vector);
        assertThrows(org.x86play.cpu.CpuFault.class, () -> x.fpu.fwait());
        // FNSTSW AX does not wait
        x.exec(0xDF, 0xE0);
        assertEquals(x.sw(), x.cpu.reg[0] & 0xFFFF);
        x.fnclex();
        x.exec(0xD9, 0xE8);                       // FLD1 now fine
        assertEquals(0x3FFF, x.stSe(0));
    }

    @Test
    void ferrWithoutNumericErrorBit() {
        X87 x = new X87();
        boolean[] seen = new boolean[1];
        x.fpu.ferrListener = on -> seen[0] = on;
        x.fldcw(0x037B);                          // ZE unmasked
        x.fldD(1.0);
        x.fldD(0.0);
        x.exec(0xDE, 0xF9);                       // 1/0, unmasked: nothing written, no pop
        assertEquals(2, 8 - Integer.bitCount(x.fpu.tagEmpty));
        assertEquals(0, x.stSe(0));               // ST0 still 0.0
        assertFalse(seen[0]);
        x.fpu.fwait();                            // CR0.NE = 0 → FERR#
        assertTrue(seen[0]);
        x.fnclex();
        assertFalse(seen[0]);
    }

    @Test
    void fpremMatchesJavaRemainders() {
        Random rnd = new Random(5);
        X87 x = new X87();
        for (int n = 0; n < 300; n++) {
            double a = Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(200) - 20) * (rnd.nextBoolean() ? 1 : -1);
            double b = Math.scalb(rnd.nextDouble() + 0.5, rnd.nextInt(40) - 20) * (rnd.nextBoolean() ? 1 : -1);
            boolean ieee = (n & 1) != 0;
            x.fldD(b);
            x.fldD(a);
            int iterations = 0;
            do {
                x.exec(0xD9, ieee ? 0xF5 : 0xF8);
                iterations++;
            } while ((x.sw() & Fpu.C2) != 0 && iterations < 100);
            double expect = ieee ? Math.IEEEremainder(a, b) : a % b;
            assertEquals(Double.doubleToRawLongBits(expect), Double.doubleToRawLongBits(x.fpu.getStDouble(0)),
                    (ieee ? "fprem1 " : "fprem ") + a + " " + b);
            if (iterations == 1 && Math.abs(a / b) < 1e15) {
                long q = (long) (ieee ? Math.rint(a / b) : (a / b));   // quotient low bits (exact division small)
                double qq = (a - expect) / b;
                long qi = Math.round(Math.abs(qq));
                int cc = x.sw();
                int bits = ((cc & Fpu.C0) != 0 ? 4 : 0) | ((cc & Fpu.C3) != 0 ? 2 : 0) | ((cc & Fpu.C1) != 0 ? 1 : 0);
                if (Math.abs(qq) < 1e12) assertEquals(qi & 7, bits, "Q bits " + a + " " + b + " q=" + q);
            }
            x.exec(0xDD, 0xD8);
            x.exec(0xDD, 0xD8);
        }
    }

    @Test
    void frndintAndFistHonourRoundingControl() {
        X87 x = new X87();
        double[] vals = {2.5, -2.5, 3.5, 0.4, -0.4, 1e10 + 0.5, -7.75, 123456789.123, 0.5, -0.5};
        for (int rc = 0; rc < 4; rc++) {
            x.mode(64, rc);
            for (double v : vals) {
                double expect = rc == 0 ? Math.rint(v) : rc == 1 ? Math.floor(v) : rc == 2 ? Math.ceil(v) : (v < 0 ? Math.ceil(v) : Math.floor(v));
                x.fldD(v);
                x.exec(0xD9, 0xFC);
                assertEquals(Double.doubleToRawLongBits(expect), Double.doubleToRawLongBits(x.fpu.getStDouble(0)), "rc" + rc + " " + v);
                x.exec(0xDD, 0xD8);
                x.fldD(v);
                x.mem(0xDB, 3);                   // FISTP m32
                int expectInt = Math.abs(expect) > Integer.MAX_VALUE ? Integer.MIN_VALUE : (int) expect;   // indefinite
                assertEquals(expectInt, x.r32(X87.M), "fistp rc" + rc + " " + v);
            }
        }
    }

    @Test
    void fscaleAndFxtract() {
        X87 x = new X87();
        Random rnd = new Random(3);
        for (int n = 0; n < 100; n++) {
            double a = (rnd.nextDouble() + 0.1) * (rnd.nextBoolean() ? 1 : -1);
            double s = rnd.nextInt(200) - 100 + rnd.nextDouble() * (rnd.nextBoolean() ? 1 : -1);
            x.fldD(s);
            x.fldD(a);
            x.exec(0xD9, 0xFD);
            assertEquals(Math.scalb(a, (int) s), x.fpu.getStDouble(0), "fscale " + a + " " + s);
            x.exec(0xDD, 0xD8);
            x.exec(0xDD, 0xD8);
            x.fldD(a);
            x.exec(0xD9, 0xF4);                   // FXTRACT
            assertEquals(Math.getExponent(a), x.fpu.getStDouble(1));
            assertEquals(a / Math.scalb(1.0, Math.getExponent(a)), x.fpu.getStDouble(0));
            x.exec(0xDD, 0xD8);
            x.exec(0xDD, 0xD8);
        }
    }

    @Test
    void transcendentalsAreCloseToStrictMath() {
        X87 x = new X87();
        Random rnd = new Random(11);
        for (int n = 0; n < 100; n++) {
            double v = (rnd.nextDouble() - 0.5) * 6;
            x.fldD(v);
            x.exec(0xD9, 0xFE);                   // FSIN
            assertEquals(StrictMath.sin(v), x.fpu.getStDouble(0), 1e-15);
            x.exec(0xD9, 0xFF);                   // FCOS of sin
            assertEquals(StrictMath.cos(StrictMath.sin(v)), x.fpu.getStDouble(0), 1e-15);
            x.exec(0xDD, 0xD8);
            double y = rnd.nextDouble() * 10 + 0.01;
            x.fldD(v);                            // ST1 = v
            x.fldD(y);                            // ST0 = y
            x.exec(0xD9, 0xF1);                   // FYL2X: v·log2(y)
            assertEquals(v * Math.log(y) / Math.log(2), x.fpu.getStDouble(0), 1e-13 * Math.max(1, Math.abs(v * Math.log(y))));
            x.exec(0xDD, 0xD8);
            x.fldD(v);
            x.fldD(y);
            x.exec(0xD9, 0xF3);                   // FPATAN: atan2(v, y)
            assertEquals(StrictMath.atan2(v, y), x.fpu.getStDouble(0), 1e-15);
            x.exec(0xDD, 0xD8);
        }
        x.fldD(0.5);
        x.exec(0xD9, 0xF0);                       // F2XM1
        assertEquals(Math.sqrt(2) - 1, x.fpu.getStDouble(0), 1e-15);
        x.exec(0xD9, 0xF2);                       // FPTAN pushes 1.0
        assertEquals(1.0, x.fpu.getStDouble(0));
        assertEquals(Math.tan(Math.sqrt(2) - 1), x.fpu.getStDouble(1), 1e-15);
        // out of range: C2 set, operand unchanged
        x.fldX(0x403F, Long.MIN_VALUE);            // 2^64
        x.exec(0xD9, 0xFE);
        assertTrue((x.sw() & Fpu.C2) != 0);
        assertEquals(0x403F, x.stSe(0));
    }
}
