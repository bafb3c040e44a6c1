package org.x86play.cpu.fpu;

import java.math.BigInteger;
import org.x86play.cpu.Cpu;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

/** Test driver: a real-mode CPU (linear == physical) and helpers that issue x87 instructions. */
final class X87 {
    static final int M = 0x1000;          // scratch memory operand
    final Cpu cpu = new Cpu(new PhysicalMemory(1 << 20), new IoBus());
    final Fpu fpu = cpu.fpu;

    X87() { exec(0xDB, 0xE3); }           // FNINIT

    void exec(int op, int modrm) { fpu.execute(op, modrm, M, true); }
    /** Memory form with reg field r, operand at M. */
    void mem(int op, int r) { fpu.execute(op, r << 3, M, true); }
    void memAt(int op, int r, int lin, boolean op32) { fpu.execute(op, r << 3, lin, op32); }

    void w8(int a, int v) { cpu.memory.write8(a, v); }
    void w16(int a, int v) { cpu.memory.write16(a, v); }
    void w32(int a, int v) { cpu.memory.write32(a, v); }
    void w64(int a, long v) { w32(a, (int) v); w32(a + 4, (int) (v >>> 32)); }
    int r8(int a) { return cpu.memory.read8(a); }
    int r16(int a) { return cpu.memory.read16(a); }
    int r32(int a) { return cpu.memory.read32(a); }
    long r64(int a) { return (r32(a) & 0xFFFFFFFFL) | ((long) r32(a + 4) << 32); }

    int sw() { return fpu.getStatusWord(); }
    void fldcw(int cw) { w16(M, cw); mem(0xD9, 5); }
    void fnclex() { exec(0xDB, 0xE2); }
    /** PC code 0/2/3 → 24/53/64; rc 0..3; all exceptions masked. */
    void mode(int pc, int rc) { fldcw(0x7F | ((pc == 24 ? 0 : pc == 53 ? 2 : 3) << 8) | (rc << 10)); }

    void fldD(double d) { w64(M, Double.doubleToRawLongBits(d)); mem(0xDD, 0); }
    void fldF(float f) { w32(M, Float.floatToRawIntBits(f)); mem(0xD9, 0); }
    void fldX(int se, long sig) { w64(M, sig); w16(M + 8, se); mem(0xDB, 5); }
    double fstpD() { mem(0xDD, 3); return Double.longBitsToDouble(r64(M)); }
    long fstpDBits() { mem(0xDD, 3); return r64(M); }
    int fstpFBits() { mem(0xD9, 3); return r32(M); }
    /** FSTP m80: returns {se, sig}. */
    long[] fstpX() { mem(0xDB, 7); return new long[] {r16(M + 8), r64(M)}; }
    int stSe(int i) { return fpu.getStSe(i); }
    long stSig(int i) { return fpu.getStSig(i); }

    // ---- exact reference arithmetic on rationals ----

    /** Exact value of an extended (finite, nonzero) as sign and num/den. */
    static BigInteger[] rational(int se, long sig) {
        int e = se & 0x7FFF;
        if (e == 0) e = 1;
        int k = e - 16383 - 63;
        BigInteger m = new BigInteger(Long.toUnsignedString(sig));
        if (k >= 0) return new BigInteger[] {m.shiftLeft(k), BigInteger.ONE};
        return new BigInteger[] {m, BigInteger.ONE.shiftLeft(-k)};
    }

    /**
     * Rounds sign × num/den (num > 0) to p bits with rounding control rc into an extended value
     * (normal range only). Returns {se, sig, inexact(0/1), roundedUp(0/1)}.
     */
    static long[] round(int sign, BigInteger num, BigInteger den, int p, int rc) {
        int e = num.bitLength() - den.bitLength();
        int c = e >= 0 ? num.compareTo(den.shiftLeft(e)) : num.shiftLeft(-e).compareTo(den);
        if (c < 0) e--;
        int shift = p - 1 - e;
        BigInteger n2 = shift >= 0 ? num.shiftLeft(shift) : num;
        BigInteger d2 = shift >= 0 ? den : den.shiftLeft(-shift);
        BigInteger[] qr = n2.divideAndRemainder(d2);
        BigInteger q = qr[0];
        boolean inexact = qr[1].signum() != 0;
        int half = qr[1].shiftLeft(1).compareTo(d2);
        boolean inc;
        switch (rc) {
            case 0: inc = half > 0 || (half == 0 && q.testBit(0)); break;
            case 1: inc = sign != 0 && inexact; break;
            case 2: inc = sign == 0 && inexact; break;
            default: inc = false;
        }
        if (inc) q = q.add(BigInteger.ONE);
        if (q.bitLength() > p) { q = q.shiftRight(1); e++; }
        long sig = q.shiftLeft(64 - p).longValue();
        return new long[] {(sign << 15) | (e + 16383), sig, inexact ? 1 : 0, inc ? 1 : 0};
    }
}
