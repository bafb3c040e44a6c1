package org.x86play.cpu.fpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Load/store conversions: m32, m64, m80, integers, BCD; NaN/∞/denormal handling. */
class FpuConversionTest {

    @Test
    void m32RoundTripsIncludingSpecials() {
        X87 x = new X87();
        Random rnd = new Random(1);
        for (int n = 0; n < 2000; n++) {
            int bits = n < 8 ? new int[] {0, 0x80000000, 0x7F800000, 0xFF800000, 1, 0x807FFFFF, 0x7FC00001, 0x7F800001}[n] : rnd.nextInt();
            x.fnclex();
            x.w32(X87.M, bits);
            x.mem(0xD9, 0);
            int exp = (bits >>> 23) & 0xFF, frac = bits & 0x7FFFFF;
            boolean snan = exp == 0xFF && frac != 0 && (frac & 0x400000) == 0;
            boolean den = exp == 0 && frac != 0;
            assertEquals(snan ? Fpu.IE : den ? Fpu.DE : 0, x.sw() & 0x3F, Integer.toHexString(bits));
            int back = x.fstpFBits();
            assertEquals(snan ? bits | 0x400000 : bits, back, Integer.toHexString(bits));
        }
    }

    @Test
    void m64RoundTripsAndDoubleToFloatRounding() {
        X87 x = new X87();
        Random rnd = new Random(2);
        for (int n = 0; n < 2000; n++) {
            long bits = rnd.nextLong();
            if (n % 7 == 0) bits &= 0x800FFFFFFFFFFFFFL;       // denormals
            x.w64(X87.M, bits);
            x.mem(0xDD, 0);
            long back = x.fstpDBits();
            double d = Double.longBitsToDouble(bits);
            boolean snan = Double.isNaN(d) && (bits & 0x0008000000000000L) == 0;
            assertEquals(snan ? bits | 0x0008000000000000L : bits, back, Long.toHexString(bits));
            // FST m32 with RC = nearest equals Java's (float) conversion (including float denormals)
            if (!Double.isNaN(d)) {
                double small = Math.scalb(d, -Math.getExponent(d) + (rnd.nextInt(300) - 150));
                if (Double.isNaN(small) || Double.isInfinite(small) || small == 0) continue;
                x.fldD(small);
                assertEquals(Float.floatToRawIntBits((float) small), x.fstpFBits(), "" + small);
            }
        }
    }

    @Test
    void storeRoundingModesToSingle() {
        X87 x = new X87();
        double v = 1.0 + Math.scalb(1.0, -30);          // between two floats
        int nearest = Float.floatToRawIntBits(1.0f), up = nearest + 1;
        int[] expect = {nearest, nearest, up, nearest};
        for (int rc = 0; rc < 4; rc++) {
            x.mode(64, rc);
            x.fnclex();
            x.fldD(v);
            assertEquals(expect[rc], x.fstpFBits(), "rc" + rc);
            assertEquals(Fpu.PE, x.sw() & 0x3F);
            assertEquals(rc == 2, (x.sw() & Fpu.C1) != 0);
        }
        x.mode(64, 0);
        x.fldD(1e300);                                   // overflow to single: OE PE, +inf
        x.fnclex();
        assertEquals(0x7F800000, x.fstpFBits());
        assertEquals(Fpu.OE | Fpu.PE, x.sw() & 0x3F);
        x.fldD(1e-50);                                   // underflow to zero: UE PE
        x.fnclex();
        assertEquals(0, x.fstpFBits());
        assertEquals(Fpu.UE | Fpu.PE, x.sw() & 0x3F);
    }

    @Test
    void unmaskedOverflowOnMemoryStoreLeavesMemoryAndStack() {
        X87 x = new X87();
        x.fldcw(0x0377);                                 // OE unmasked
        x.fldD(1e300);
        x.w32(X87.M, 0x12345678);
        x.mem(0xD9, 3);                                  // FSTP m32
        assertEquals(0x12345678, x.r32(X87.M));
        assertFalse(x.fpu.isStEmpty(0));
        assertEquals(Fpu.OE | Fpu.ES, x.sw() & (0x3F | Fpu.ES));
    }

    @Test
    void m80RoundTripIsExactIncludingOddEncodings() {
        X87 x = new X87();
        long[][] vals = {{0x7FFF, 0x8000000000000001L}, {0x0000, 0x8000000000000000L}, {0x4000, 0x0000000000000001L},
                {0xFFFF, 0xC000000000000000L}, {0x0000, 1}, {0x3FFF, 0x8000000000000000L}};
        for (long[] v : vals) {
            x.fnclex();
            x.fldX((int) v[0], v[1]);
            assertEquals(0, x.sw() & 0x3F);              // FLD m80 raises nothing, even for an SNaN
            long[] back = x.fstpX();
            assertEquals(v[0], back[0]);
            assertEquals(v[1], back[1]);
        }
    }

    @Test
    void integerLoadsAndStores() {
        X87 x = new X87();
        Random rnd = new Random(3);
        for (int n = 0; n < 500; n++) {
            long v = n < 4 ? new long[] {0, Long.MIN_VALUE, Long.MAX_VALUE, -1}[n] : rnd.nextLong() >> rnd.nextInt(64);
            x.w64(X87.M, v);
            x.mem(0xDF, 5);                              // FILD m64
            x.mem(0xDF, 7);                              // FISTP m64
            assertEquals(v, x.r64(X87.M));
            int i = (int) v;
            x.w32(X87.M, i);
            x.mem(0xDB, 0);
            x.mem(0xDB, 3);
            assertEquals(i, x.r32(X87.M));
            short s = (short) v;
            x.w16(X87.M, s);
            x.mem(0xDF, 0);
            x.mem(0xDF, 3);
            assertEquals(s & 0xFFFF, x.r16(X87.M));
        }
        // out of range → IE, integer indefinite
        x.fnclex();
        x.fldD(40000.0);
        x.mem(0xDF, 3);
        assertEquals(0x8000, x.r16(X87.M));
        assertEquals(Fpu.IE, x.sw() & 0x3F);
        x.fnclex();
        x.fldD(-32768.4);
        x.mem(0xDF, 3);
        assertEquals(0x8000, x.r16(X87.M));
        assertEquals(Fpu.PE, x.sw() & 0x3F);
        // FISTTP is SSE3: #UD on P6
        assertThrows(org.x86play.cpu.CpuFault.class, () -> x.mem(0xDF, 1));
        assertThrows(org.x86play.cpu.CpuFault.class, () -> x.mem(0xDB, 1));
        assertThrows(org.x86play.cpu.CpuFault.class, () -> x.mem(0xDD, 1));
    }

    @Test
    void bcdRoundTripAndIndefinite() {
        X87 x = new X87();
        Random rnd = new Random(4);
        for (int n = 0; n < 200; n++) {
            long v = Math.floorMod(rnd.nextLong(), 1000000000000000000L);
            if (n == 0) v = 999999999999999999L;
            boolean neg = rnd.nextBoolean();
            long packed = 0;
            long t = v;
            for (int k = 0; k < 16; k++) { packed |= (t % 10) << (4 * k); t /= 10; }
            int hi = (int) ((t % 10) | ((t / 10) % 10) << 4) | (neg ? 0x8000 : 0);
            x.w64(X87.M, packed);
            x.w16(X87.M + 8, hi);
            x.mem(0xDF, 4);                              // FBLD
            assertEquals(neg ? -(double) v : (double) v, x.fpu.getStDouble(0), 1.0);
            x.w64(X87.M, 0);
            x.mem(0xDF, 6);                              // FBSTP
            assertEquals(packed, x.r64(X87.M));
            assertEquals(hi, x.r16(X87.M + 8));
        }
        x.fnclex();
        x.fldD(1e18);
        x.mem(0xDF, 6);
        assertEquals(0xC000000000000000L, x.r64(X87.M));
        assertEquals(0xFFFF, x.r16(X87.M + 8));
        assertEquals(Fpu.IE, x.sw() & 0x3F);
        x.fnclex();
        x.fldD(-12.5);                                   // rounds to even: -12
        x.mem(0xDF, 6);
        assertEquals(0x12, x.r64(X87.M));
        assertEquals(0x8000, x.r16(X87.M + 8));
        assertEquals(Fpu.PE, x.sw() & 0x3F);
    }

    @Test
    void constantsRoundPerRc() {
        X87 x = new X87();
        long[] pi = {0xC90FDAA22168C235L, 0xC90FDAA22168C234L, 0xC90FDAA22168C235L, 0xC90FDAA22168C234L};
        long[] l2t = {0xD49A784BCD1B8AFEL, 0xD49A784BCD1B8AFEL, 0xD49A784BCD1B8AFFL, 0xD49A784BCD1B8AFEL};
        for (int rc = 0; rc < 4; rc++) {
            x.mode(64, rc);
            x.exec(0xD9, 0xEB);
            assertEquals(0x4000, x.stSe(0));
            assertEquals(pi[rc], x.stSig(0), "pi rc" + rc);
            x.exec(0xD9, 0xE9);
            assertEquals(l2t[rc], x.stSig(0), "l2t rc" + rc);
            x.exec(0xD9, 0xEA);
            assertEquals(rc == 0 || rc == 2 ? 0xB8AA3B295C17F0BCL : 0xB8AA3B295C17F0BBL, x.stSig(0));
            x.exec(0xD9, 0xEC);
            assertEquals(0x3FFD, x.stSe(0));
            x.exec(0xD9, 0xED);
            assertEquals(0x3FFE, x.stSe(0));
            x.exec(0xD9, 0xE8);
            assertEquals(1.0, x.fpu.getStDouble(0));
            x.exec(0xD9, 0xEE);
            assertEquals(0, x.stSe(0));
            assertEquals(0, x.stSig(0));
            assertEquals(0, x.sw() & 0x3F);
            x.exec(0xDB, 0xE3);
        }
    }
}
