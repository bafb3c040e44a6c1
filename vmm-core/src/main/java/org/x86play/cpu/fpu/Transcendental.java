package org.x86play.cpu.fpu;

import static org.x86play.cpu.fpu.SoftFloat.*;

/**
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1 (SDM Vol. 2A instruction pages).
 * <p>
 * The core functions are evaluated in double-double arithmetic ({@link DoubleDouble}, ~100 correct
 * bits) and rounded once to the 64-bit register format per RC, so results are normally the correctly
 * rounded value (hardware guarantees "within 1 ulp"; expect occasional 1-ulp differences from a real
 * x87, and up to a few ulps for FYL2X/FYL2XP1 whose result is a product). FSIN/FCOS/FSINCOS/FPTAN
 * reduce the argument exactly by π/2 taken from the same 66-bit π as the hardware (SDM Vol. 1
 * §8.3.10), so results near multiples of π match the x87 rather than the true function.
 * Stack faults, NaN/∞/zero/denormal special cases (exact results such as ±π, ±π/2, ±π/4, ±3π/4, ±0,
 * ±∞, -1 rounded per RC) and the C2 out-of-range rule (|x| ≥ 2^63) follow the SDM. Precision
 * control does not apply. Uses java.math.BigInteger for argument reduction when |x| ≥ π/4.
 */
final class Transcendental {
    private Transcendental() {}

    private static final double LN2 = 0.6931471805599453;
    // double-double constants (hi, lo)
    private static final double LN2_H = Double.longBitsToDouble(0x3FE62E42FEFA39EFL), LN2_L = Double.longBitsToDouble(0x3C7ABC9E3B39803FL);
    private static final double LOG2E_H = Double.longBitsToDouble(0x3FF71547652B82FEL), LOG2E_L = Double.longBitsToDouble(0x3C7777D0FFDA0D24L);
    private static final double PI_H = Double.longBitsToDouble(0x400921FB54442D18L), PI_L = Double.longBitsToDouble(0x3CA1A62633145C07L);
    /** The x87's 66-bit π (SDM Vol. 1 §8.3.10) as an integer: π66 = P66 × 2^-64, so π66/2 = P66 × 2^-65. */
    private static final java.math.BigInteger P66 = new java.math.BigInteger("3243F6A8885A308D3", 16);
    // 128-bit significands (hi, lo) of π and 3π/4 (exponent 0x4000), log2(e) (0x3FFF), ln 2 (0x3FFE)
    private static final long PI_HI = 0xC90FDAA22168C234L, PI_LO = 0xC4C6628B80DC1CD1L;
    private static final long PI34_HI = 0x96CBE3F9990E91A7L, PI34_LO = 0x9394C9E8A0A5159CL;
    private static final long L2E_HI = 0xB8AA3B295C17F0BBL, L2E_LO = 0xBE87FED0691D3E88L;
    private static final long LN2_HI = 0xB17217F7D1CF79ABL, LN2_LO = 0xC9E3B39803F2F6AFL;

    // ---- double conversions ----

    /** Extended → double, round to nearest even (overflow → ∞, far underflow → 0). */
    static double toDouble(int se, long sig) {
        return toDoubleScaled(se, sig, 0);
    }

    /** Extended × 2^-scale → double, round to nearest. */
    static double toDoubleScaled(int se, long sig, int scale) {
        int c = classify(se, sig);
        boolean neg = (se & 0x8000) != 0;
        if (c == ZERO) return neg ? -0.0 : 0.0;
        if (c == INF) return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        if (c == QNAN || c == SNAN || c == UNSUPPORTED) return Double.NaN;
        int e = se & 0x7FFF;
        int exp;
        if (e == 0) { int z = Long.numberOfLeadingZeros(sig); sig <<= z; exp = -16382 - z; }
        else exp = e - 16383;
        exp -= scale;
        long k = sig >>> 11;
        long rem = sig & 0x7FF;
        if (rem > 0x400 || (rem == 0x400 && (k & 1) != 0)) k++;
        double d = scalb((double) k, exp - 52);
        return neg ? -d : d;
    }

    /** x × 2^n without Math.scalb (kept to the TeaVM-supported subset). */
    static double scalb(double x, int n) {
        if (n > 3000) n = 3000;
        if (n < -3000) n = -3000;
        while (n > 1000) { x *= pow2(1000); n -= 1000; }
        while (n < -1000) { x *= pow2(-1000); n += 1000; }
        return x * pow2(n);
    }

    private static double pow2(int n) {
        return Double.longBitsToDouble((long) (n + 1023) << 52);
    }

    private static void fromDouble(SoftFloat sf, double d) {
        boolean keep = sf.srcDenormal;
        sf.fromDouble(Double.doubleToRawLongBits(d));
        sf.srcDenormal = keep;
    }

    /** Exact-constant result (hi:lo significand at biased exponent se) rounded to 64 bits per RC. */
    private static void constant(SoftFloat sf, int sign, int se, long hi, long lo) {
        int exc = sf.exc;
        boolean up = sf.roundedUp;
        sf.roundPack(sign, se - 16383, hi, lo, 64, EXT, true);
        sf.exc = exc | PE;
        sf.roundedUp = up;
    }

    /** An inexact denormal result also signals underflow (masked response). */
    private static void tiny(SoftFloat sf, int se, long sig) {
        if ((se & 0x7FFF) == 0 && sig != 0) sf.exc |= UE;
    }

    /** The result is reported inexact even when the rounding was exact; a tiny one then underflows. */
    private static void forcePe(SoftFloat sf) {
        sf.exc |= PE;
        if ((sf.rSe & 0x7FFF) == 0 && sf.rSig != 0) sf.exc |= UE;
    }

    private static void inexact(SoftFloat sf) {
        sf.exc |= PE;
        sf.roundedUp = false;
    }

    // ---- FSIN (0), FCOS (1), FPTAN (2), FSINCOS (3) ----

    static void ftrig(Fpu f, int kind) {
        boolean pushes = kind >= 2;
        if (f.empty(0)) {
            if (!f.stackFault(false)) {
                f.set(0, IND_SE, IND_SIG);
                if (pushes) f.push(IND_SE, IND_SIG);
                f.sw &= ~Fpu.C2;
            }
            return;
        }
        if (pushes && !f.empty(7)) {
            if (!f.stackFault(true)) {
                f.set(0, IND_SE, IND_SIG);
                f.push(IND_SE, IND_SIG);
                f.sw &= ~Fpu.C2;
            }
            return;
        }
        SoftFloat sf = f.sf;
        sf.begin(f.cw);
        int se = f.se(0);
        long sig = f.sig(0);
        int c = classify(se, sig);
        int r1Se, r2Se;
        long r1Sig, r2Sig;
        if (c == UNSUPPORTED || c == INF) {
            sf.invalid();
            r1Se = r2Se = IND_SE; r1Sig = r2Sig = IND_SIG;
        } else if (isNaN(c)) {
            sf.propagateNaN(se, sig, c, se, sig, c);
            r1Se = r2Se = sf.rSe; r1Sig = r2Sig = sf.rSig;
        } else if (c != ZERO && (se & 0x7FFF) >= 16383 + 63) {
            f.sw = (f.sw & ~Fpu.C1) | Fpu.C2;           // out of range: operand unchanged
            return;
        } else if (c == ZERO) {
            r1Se = se; r1Sig = sig;                       // sin(±0) = tan(±0) = ±0
            r2Se = 0x3FFF; r2Sig = TOP;                   // cos(0) = 1; FPTAN pushes 1
            if (kind == 1) { r1Se = 0x3FFF; r1Sig = TOP; }
        } else {
            if (c == DENORMAL) sf.denormal();
            int e = (se & 0x7FFF) - 16383;
            if (e < -40) {
                // sin x = x - x³/6, tan x = x + x³/3, cos x = 1 - x²/2: the correction lies far below
                // the last bit, so only its direction matters for rounding
                int xs = (se >>> 15) & 1;
                sf.unpackA(se, sig);
                int ae = sf.aExp;
                long as = sf.aSig;
                boolean up = false;
                if (kind == 1) {
                    sf.roundPack(0, -1, -1L, -1L, 64, EXT, true);
                    r1Se = sf.rSe; r1Sig = sf.rSig;
                } else {
                    if (kind == 2) sf.roundPack(xs, ae, as, 1, 64, EXT, true);
                    else if (as == TOP) sf.roundPack(xs, ae - 1, -1L, -1L, 64, EXT, true);
                    else sf.roundPack(xs, ae, as - 1, -1L, 64, EXT, true);
                    r1Se = sf.rSe; r1Sig = sf.rSig;
                    up = sf.roundedUp;
                    if (kind == 3) sf.roundPack(0, -1, -1L, -1L, 64, EXT, true);
                    else sf.result(0x3FFF, TOP);
                }
                r2Se = sf.rSe; r2Sig = sf.rSig;
                if (kind != 1) sf.roundedUp = up;
            } else {
                trigCore(f, se, sig, kind);
                r1Se = f.tmpSe[0]; r1Sig = f.tmpSig[0];
                r2Se = f.tmpSe[1]; r2Sig = f.tmpSig[1];
            }
        }
        if (c == DENORMAL || c == NORMAL) { tiny(sf, r1Se, r1Sig); tiny(sf, r2Se, r2Sig); }
        if (!f.finish()) return;
        f.sw &= ~Fpu.C2;
        f.set(0, r1Se, r1Sig);
        if (pushes) f.push(r2Se, r2Sig);
    }

    // ---- FPATAN: ST(1) = atan2(ST(1), ST(0)), pop ----

    static void fpatan(Fpu f) {
        if (f.empty(0) || f.empty(1)) {
            if (!f.stackFault(false)) { f.set(1, IND_SE, IND_SIG); f.pop(); }
            return;
        }
        SoftFloat sf = f.sf;
        sf.begin(f.cw);
        sf.pc = 64;
        int xSe = f.se(0), ySe = f.se(1);
        long xSig = f.sig(0), ySig = f.sig(1);
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        int ys = (ySe >>> 15) & 1;
        boolean xNeg = (xSe & 0x8000) != 0;
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) sf.invalid();
        else if (isNaN(cx) || isNaN(cy)) sf.propagateNaN(ySe, ySig, cy, xSe, xSig, cx);
        else if ((cx == DENORMAL || cy == DENORMAL) && sf.denormal()) { /* suppressed */ }
        else if (cy == ZERO) {
            if (xNeg) constant(sf, ys, 0x4000, PI_HI, PI_LO); else sf.result(ySe & 0x8000, 0);
        } else if (cy == INF) {
            if (cx == INF) {
                if (xNeg) constant(sf, ys, 0x4000, PI34_HI, PI34_LO); else constant(sf, ys, 0x3FFE, PI_HI, PI_LO);
            } else constant(sf, ys, 0x3FFF, PI_HI, PI_LO);
        } else if (cx == ZERO) {
            constant(sf, ys, 0x3FFF, PI_HI, PI_LO);
        } else if (cx == INF) {
            if (xNeg) constant(sf, ys, 0x4000, PI_HI, PI_LO); else sf.result(ySe & 0x8000, 0);
        } else {
            atanCore(f, xSe, xSig, ySe, ySig);
        }
        if (!f.finish()) return;
        f.set(1, sf.rSe, sf.rSig);
        f.pop();
    }

    // ---- F2XM1: ST(0) = 2^ST(0) - 1 ----

    static void f2xm1(Fpu f) {
        if (f.empty(0)) {
            if (!f.stackFault(false)) f.set(0, IND_SE, IND_SIG);
            return;
        }
        SoftFloat sf = f.sf;
        sf.begin(f.cw);
        sf.pc = 64;
        int se = f.se(0);
        long sig = f.sig(0);
        int c = classify(se, sig);
        if (c == UNSUPPORTED) sf.invalid();
        else if (isNaN(c)) sf.propagateNaN(se, sig, c, se, sig, c);
        else if (c == ZERO) sf.result(se, sig);
        else if (c == INF) {
            if ((se & 0x8000) != 0) sf.result(0xBFFF, TOP); else sf.result(se, sig);
        } else if (c == DENORMAL && sf.denormal()) { /* suppressed */ }
        else if ((se & 0x7FFF) < 16383 - 900) {
            sf.mul(se, sig, 0x3FFE, LN2_HI + (LN2_LO < 0 ? 1 : 0));   // 2^x - 1 = x·ln 2 to 64 bits
            inexact(sf);
        } else if ((se & 0x7FFF) < 16383 + 6) {
            exp2m1Core(f, se, sig);
        } else {                                     // outside the documented domain: double precision
            fromDouble(sf, StrictMath.expm1(toDouble(se, sig) * LN2));
            inexact(sf);
        }
        if (f.finish()) f.set(0, sf.rSe, sf.rSig);
    }

    // ---- FYL2X: ST(1) = ST(1) · log2(ST(0)); FYL2XP1: ST(1) = ST(1) · log2(ST(0) + 1); pop ----

    static void fyl2x(Fpu f, boolean plus1) {
        if (f.empty(0) || f.empty(1)) {
            if (!f.stackFault(false)) { f.set(1, IND_SE, IND_SIG); f.pop(); }
            return;
        }
        SoftFloat sf = f.sf;
        sf.begin(f.cw);
        sf.pc = 64;
        int xSe = f.se(0), ySe = f.se(1);
        long xSig = f.sig(0), ySig = f.sig(1);
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        int ys = (ySe >>> 15) & 1, xs = (xSe >>> 15) & 1;
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) sf.invalid();
        else if (isNaN(cx) || isNaN(cy)) sf.propagateNaN(xSe, xSig, cx, ySe, ySig, cy);
        else if (!plus1) fyl2xSpecial(f, sf, xSe, xSig, cx, ySe, ySig, cy, xs, ys);
        else fyl2xp1Special(f, sf, xSe, xSig, cx, ySe, ySig, cy, xs, ys);
        if (!f.finish()) return;
        f.set(1, sf.rSe, sf.rSig);
        f.pop();
    }

    private static void fyl2xSpecial(Fpu f, SoftFloat sf, int xSe, long xSig, int cx, int ySe, long ySig, int cy, int xs, int ys) {
        if (cx != ZERO && xs != 0) { sf.invalid(); return; }
        if (cx == ZERO) {
            if (cy == ZERO) { sf.invalid(); return; }
            if (cy != INF) {                             // #Z without #D, as for division by zero
                sf.exc |= ZE;
                if ((sf.masks & ZE) == 0) { sf.abort = true; return; }
            }
            sf.result((ys ^ 1) << 15 | 0x7FFF, TOP);
            return;
        }
        if (cx == INF) {
            if (cy == ZERO) { sf.invalid(); return; }
            if (cy == DENORMAL && sf.denormal()) return;
            sf.result(ys << 15 | 0x7FFF, TOP);
            return;
        }
        if ((cx == DENORMAL || cy == DENORMAL) && sf.denormal()) return;
        int cmp1 = sf.compare(xSe, xSig, 0x3FFF, TOP, true);    // x vs 1
        if (cy == INF) {
            if (cmp1 == EQ) { sf.invalid(); return; }
            sf.result((cmp1 == LT ? ys ^ 1 : ys) << 15 | 0x7FFF, TOP);
            return;
        }
        if (cy == ZERO) {
            sf.result((cmp1 == LT ? ys ^ 1 : ys) << 15, 0);
            return;
        }
        log2Core(f, xSe, xSig, false);
        if (f.dd.hi == 0) { sf.result(ys << 15, 0); return; }   // y · log2(1) = ±0, exact
        mulByY(f, ySe, ySig);
        forcePe(sf);                                             // hardware: PE unless x = 1
    }

    private static void fyl2xp1Special(Fpu f, SoftFloat sf, int xSe, long xSig, int cx, int ySe, long ySig, int cy, int xs, int ys) {
        if (cx == INF) {
            if (xs != 0 || cy == ZERO) { sf.invalid(); return; }
            if (cy == DENORMAL && sf.denormal()) return;
            sf.result(ys << 15 | 0x7FFF, TOP);
            return;
        }
        if (cx == ZERO) {
            if (cy == INF) { sf.invalid(); return; }
            if (cy == DENORMAL && sf.denormal()) return;
            sf.result((xs ^ ys) << 15, 0);
            return;
        }
        if ((cx == DENORMAL || cy == DENORMAL) && sf.denormal()) return;
        if (cy == INF) { sf.result((xs ^ ys) << 15 | 0x7FFF, TOP); return; }
        if (cy == ZERO) { sf.result((xs ^ ys) << 15, 0); return; }
        if (xs != 0 && sf.compare(xSe, xSig, 0xBFFF, TOP, true) != GT) {
            // outside the domain (SDM: undefined); a real x87 raises nothing here
            sf.result(xSe, xSig);
            sf.exc |= PE;
            return;
        }
        if ((xSe & 0x7FFF) < 16383 - 900) {
            // log2(1 + x) = x · log2(e) to far beyond 64 bits; y·log2(e) first keeps the
            // intermediate out of the denormal range
            // intermediate: m = (y's significand) · log2(e); then m · x · 2^ey rounded once
            sf.unpackB(ySe, ySig);
            int ey = sf.bExp;
            sf.mul(0x3FFF, sf.bSig, 0x3FFF, L2E_HI + (L2E_LO < 0 ? 1 : 0));
            sf.unpackA(sf.rSe, sf.rSig);
            int me = sf.aExp;
            long ms = sf.aSig;
            sf.unpackB(xSe, xSig);
            long hi = sf.mul128(ms, sf.bSig), lo = sf.mulLo;
            int e = me + sf.bExp + ey;
            if (hi < 0) e++;
            else { hi = (hi << 1) | (lo >>> 63); lo <<= 1; }
            sf.roundPack(xs ^ ys, e, hi, lo, 64, EXT, true);
            sf.exc |= PE;
            return;
        }
        if ((xSe & 0x7FFF) >= 16383 - 1) {
            // |x| >= 1/2 (outside the documented domain): log2 of the rounded 1 + x
            sf.add(0x3FFF, TOP, xSe, xSig, false);
            log2Core(f, sf.rSe, sf.rSig, false);
        } else {
            log2Core(f, xSe, xSig, true);
        }
        mulByY(f, ySe, ySig);
        forcePe(sf);
    }

    // =====================================================================================
    // Double-double cores
    // =====================================================================================

    /** Loads the significand of (se, sig) into dd as a value in [1, 2); returns the unbiased exponent. */
    private static int toDd(DoubleDouble dd, int se, long sig) {
        int e = se & 0x7FFF;
        if (e == 0) { int z = Long.numberOfLeadingZeros(sig); sig <<= z; e = -16382 - z; }
        else e -= 16383;
        dd.add((double) (sig >>> 11) * 0x1p-52, 0, (double) (sig & 0x7FF) * 0x1p-63, 0);
        return e;
    }

    /** Rounds (hi + lo) × 2^scale once to the register format (64 bits, RC) into sf.rSe/rSig. */
    static void ddToExt(SoftFloat sf, double hi, double lo, int scale) {
        ddToExt(sf, hi, lo, scale, false);
    }

    /**
     * As above; smaller: the true value is a hair smaller in magnitude than hi + lo (a correction term
     * below double-double precision), which decides directed rounding when hi + lo is representable.
     */
    static void ddToExt(SoftFloat sf, double hi, double lo, int scale, boolean smaller) {
        if (hi == 0 && lo == 0) { sf.result(0, 0); return; }
        if (hi == 0) { hi = lo; lo = 0; }
        int sign = 0;
        if (hi < 0) { sign = 1; hi = -hi; lo = -lo; }
        long hb = Double.doubleToRawLongBits(hi);
        int eh = (int) (hb >>> 52) & 0x7FF;
        long mh = hb & 0xFFFFFFFFFFFFFL;
        if (eh == 0) { int z = Long.numberOfLeadingZeros(mh) - 11; mh <<= z; eh = 1 - z; } else mh |= 1L << 52;
        long nHi = mh << 11, nLo = 0;                  // bit 127 of nHi:nLo weighs 2^(eh - 1023)
        if (lo != 0) {
            long lb = Double.doubleToRawLongBits(lo);
            boolean neg = lb < 0;
            int el = (int) (lb >>> 52) & 0x7FF;
            long ml = lb & 0xFFFFFFFFFFFFFL;
            if (el == 0) { int z = Long.numberOfLeadingZeros(ml) - 11; ml <<= z; el = 1 - z; } else ml |= 1L << 52;
            int p = 75 - (eh - el);                    // bit position of ml's LSB
            long aHi, aLo;
            if (p >= 64) { aHi = ml << Math.min(p - 64, 11); aLo = 0; }
            else if (p > 0) { aHi = ml >>> (64 - p); aLo = ml << p; }
            else if (p == 0) { aHi = 0; aLo = ml; }
            else if (p > -64) { aHi = 0; aLo = (ml >>> -p) | ((ml << (64 + p)) != 0 ? 1 : 0); }
            else { aHi = 0; aLo = 1; }
            if (!neg) {
                long l = nLo + aLo;
                long h = nHi + aHi + (SoftFloat.uLess(l, nLo) ? 1 : 0);
                if (SoftFloat.uLess(h, nHi)) {        // carry out: renormalize
                    l = (l >>> 1) | (l & 1) | (h << 63);
                    h = (h >>> 1) | Long.MIN_VALUE;
                    eh++;
                }
                nHi = h; nLo = l;
            } else {
                long l = nLo - aLo;
                long h = nHi - aHi - (SoftFloat.uLess(nLo, aLo) ? 1 : 0);
                nHi = h; nLo = l;
            }
        }
        if (smaller) {                                 // subtract one unit of 2^-127 relative
            if (nLo == 0) nHi--;
            nLo--;
        }
        int e = eh - 1023 + scale;
        if (nHi == 0) { nHi = nLo; nLo = 0; e -= 64; }
        if (nHi == 0) { sf.result(0, 0); return; }
        int z = Long.numberOfLeadingZeros(nHi);
        if (z != 0) { nHi = (nHi << z) | (nLo >>> (64 - z)); nLo <<= z; e -= z; }
        sf.roundPack(sign, e, nHi, nLo, 64, EXT, true);
    }

    /**
     * sin/cos/tan of a finite |x| in [2^-40, 2^63): results in f.tmpSe/tmpSig[0] (and [1]: cos for
     * FSINCOS, 1.0 for FPTAN). Reduction: x - k·π66/2 computed exactly.
     */
    private static void trigCore(Fpu f, int se, long sig, int kind) {
        DoubleDouble dd = f.dd;
        SoftFloat sf = f.sf;
        int sign = (se >>> 15) & 1;
        int e = toDd(dd, se, sig);
        int quadrant = 0;
        double rh, rl;
        if (e < -1 || (e == -1 && SoftFloat.uLess(sig, 0xC90FDAA22168C234L))) {     // |x| < π/4
            rh = dd.hi * scalb(1.0, e);
            rl = dd.lo * scalb(1.0, e);
        } else {
            java.math.BigInteger x = new java.math.BigInteger(1, bytes(sig)).shiftLeft(e + 2);   // |x| · 2^65
            java.math.BigInteger[] qr = x.divideAndRemainder(P66);
            java.math.BigInteger q = qr[0], r = qr[1];
            if (r.shiftLeft(1).compareTo(P66) > 0) { q = q.add(java.math.BigInteger.ONE); r = r.subtract(P66); }
            quadrant = q.intValue() & 3;
            long top = r.shiftRight(53).longValue();
            long bot = r.subtract(java.math.BigInteger.valueOf(top).shiftLeft(53)).longValue();
            dd.add((double) top * 0x1p-12, 0, (double) bot * 0x1p-65, 0);
            rh = dd.hi; rl = dd.lo;
        }
        // Taylor series of sin r and cos r, |r| <= π/4 (1 + 2^-60)
        dd.mul(rh, rl, rh, rl);
        double r2h = dd.hi, r2l = dd.lo;
        double sh = rh, sl = rl, th = rh, tl = rl;
        for (int n = 3; n < 60; n += 2) {
            dd.mul(th, tl, r2h, r2l);
            dd.div(dd.hi, dd.lo, -(double) (n - 1) * n, 0);
            th = dd.hi; tl = dd.lo;
            dd.add(sh, sl, th, tl);
            sh = dd.hi; sl = dd.lo;
            if (Math.abs(th) < Math.abs(sh) * 1e-36) break;
        }
        double ch = 1, cl = 0;
        th = 1; tl = 0;
        for (int n = 2; n < 60; n += 2) {
            dd.mul(th, tl, r2h, r2l);
            dd.div(dd.hi, dd.lo, -(double) (n - 1) * n, 0);
            th = dd.hi; tl = dd.lo;
            dd.add(ch, cl, th, tl);
            ch = dd.hi; cl = dd.lo;
            if (Math.abs(th) < 1e-36) break;
        }
        double sinH, sinL, cosH, cosL;
        switch (quadrant) {
            case 0: sinH = sh; sinL = sl; cosH = ch; cosL = cl; break;
            case 1: sinH = ch; sinL = cl; cosH = -sh; cosL = -sl; break;
            case 2: sinH = -sh; sinL = -sl; cosH = -ch; cosL = -cl; break;
            default: sinH = -ch; sinL = -cl; cosH = sh; cosL = sl; break;
        }
        if (sign != 0) { sinH = -sinH; sinL = -sinL; }
        switch (kind) {
            case 0: ddToExt(sf, sinH, sinL, 0); break;
            case 1: ddToExt(sf, cosH, cosL, 0); break;
            case 2: dd.div(sinH, sinL, cosH, cosL); ddToExt(sf, dd.hi, dd.lo, 0); break;
            default: ddToExt(sf, sinH, sinL, 0); break;
        }
        f.tmpSe[0] = sf.rSe; f.tmpSig[0] = sf.rSig;
        if (kind == 3) {
            boolean up = sf.roundedUp;
            ddToExt(sf, cosH, cosL, 0);
            sf.roundedUp = up;
            f.tmpSe[1] = sf.rSe; f.tmpSig[1] = sf.rSig;
        } else {
            f.tmpSe[1] = 0x3FFF; f.tmpSig[1] = TOP;
        }
    }

    private static byte[] bytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (56 - 8 * i));
        return b;
    }

    /** 2^x - 1 = expm1(x · ln 2) for 2^-60 <= |x| < 64. */
    private static void exp2m1Core(Fpu f, int se, long sig) {
        DoubleDouble dd = f.dd;
        int e = toDd(dd, se, sig);
        double xh = dd.hi * scalb(1.0, e), xl = dd.lo * scalb(1.0, e);
        if ((se & 0x8000) != 0) { xh = -xh; xl = -xl; }
        dd.mul(xh, xl, LN2_H, LN2_L);
        double th = dd.hi, tl = dd.lo, sh = th, sl = tl, ph = th, pl = tl;
        for (int n = 2; n < 400; n++) {
            dd.mul(ph, pl, th, tl);
            dd.div(dd.hi, dd.lo, n, 0);
            ph = dd.hi; pl = dd.lo;
            dd.add(sh, sl, ph, pl);
            sh = dd.hi; sl = dd.lo;
            if (Math.abs(ph) < Math.abs(sh) * 1e-36) break;
        }
        ddToExt(f.sf, sh, sl, 0);
    }

    /**
     * log2(x) (plus1: log2(1 + x)) of a finite x > 0 (plus1: x > -1, |x| >= 2^-900) in double-double,
     * left in f.dd. ln m = 2 atanh((m - 1) / (m + 1)) with m in [√½, √2).
     */
    private static void log2Core(Fpu f, int xSe, long xSig, boolean plus1) {
        DoubleDouble dd = f.dd;
        int e = toDd(dd, xSe, xSig);
        double mh = dd.hi, ml = dd.lo;
        double nh, nl, deh, del;                         // numerator and denominator of s
        if (!plus1) {
            if (mh > 1.4142135623730951) { mh *= 0.5; ml *= 0.5; e++; }
            dd.add(mh, ml, -1, 0); nh = dd.hi; nl = dd.lo;
            dd.add(mh, ml, 1, 0); deh = dd.hi; del = dd.lo;
        } else {
            double sc = scalb(1.0, e);
            mh *= sc; ml *= sc;
            if ((xSe & 0x8000) != 0) { mh = -mh; ml = -ml; }
            nh = mh; nl = ml;
            dd.add(mh, ml, 2, 0); deh = dd.hi; del = dd.lo;
            e = 0;
        }
        dd.div(nh, nl, deh, del);
        double sh = dd.hi, sl = dd.lo;
        dd.mul(sh, sl, sh, sl);
        double s2h = dd.hi, s2l = dd.lo;
        double sumH = sh, sumL = sl, ph = sh, pl = sl;
        for (int k = 1; k < 200; k++) {
            dd.mul(ph, pl, s2h, s2l);
            ph = dd.hi; pl = dd.lo;
            dd.div(ph, pl, 2 * k + 1, 0);
            double th = dd.hi, tl = dd.lo;
            dd.add(sumH, sumL, th, tl);
            sumH = dd.hi; sumL = dd.lo;
            if (Math.abs(th) < Math.abs(sumH) * 1e-36) break;
        }
        dd.mul(sumH * 2, sumL * 2, LOG2E_H, LOG2E_L);   // log2(m)
        dd.add(dd.hi, dd.lo, e, 0);
    }

    /** Rounds y × f.dd (y finite nonzero) to the register format. */
    private static void mulByY(Fpu f, int ySe, long ySig) {
        DoubleDouble dd = f.dd;
        double lh = dd.hi, ll = dd.lo;
        int ey = toDd(dd, ySe, ySig);
        double yh = dd.hi, yl = dd.lo;
        if ((ySe & 0x8000) != 0) { yh = -yh; yl = -yl; }
        dd.mul(lh, ll, yh, yl);
        ddToExt(f.sf, dd.hi, dd.lo, ey);
    }

    /** atan2(y, x) for finite nonzero x and y, into sf.rSe/rSig. */
    private static void atanCore(Fpu f, int xSe, long xSig, int ySe, long ySig) {
        DoubleDouble dd = f.dd;
        SoftFloat sf = f.sf;
        int ys = (ySe >>> 15) & 1;
        boolean xNeg = (xSe & 0x8000) != 0;
        int ex = toDd(dd, xSe, xSig);
        double mxh = dd.hi, mxl = dd.lo;
        int ey = toDd(dd, ySe, ySig);
        double myh = dd.hi, myl = dd.lo;
        boolean swap = ey > ex || (ey == ex && SoftFloat.uLess(xSig, ySig));   // |y| > |x|
        int d = swap ? ex - ey : ey - ex;                 // t = small/large = m × 2^d, d <= 0
        double ah, al;
        if (d < -900) {
            if (!swap && !xNeg) {                         // atan(t) = t to far beyond 64 bits
                sf.div(ySe & 0x7FFF, ySig, xSe & 0x7FFF, xSig);
                if ((sf.exc & PE) == 0) {                 // exact quotient: atan(t) = t - t³/3 is a hair less
                    sf.unpackA(sf.rSe, sf.rSig);
                    if (sf.aSig == TOP) sf.roundPack(0, sf.aExp - 1, -1L, -1L, 64, EXT, true);
                    else sf.roundPack(0, sf.aExp, sf.aSig - 1, -1L, 64, EXT, true);
                }
                sf.rSe |= ys << 15;
                forcePe(sf);
                return;
            }
            ah = 0; al = 0;
        } else {
            if (swap) dd.div(mxh, mxl, myh, myl); else dd.div(myh, myl, mxh, mxl);
            double sc = scalb(1.0, d);
            atanSeries(dd, dd.hi * sc, dd.lo * sc);
            ah = dd.hi; al = dd.lo;
        }
        if (swap) { dd.add(PI_H * 0.5, PI_L * 0.5, -ah, -al); ah = dd.hi; al = dd.lo; }
        if (xNeg) { dd.add(PI_H, PI_L, -ah, -al); ah = dd.hi; al = dd.lo; }
        if (ys != 0) { ah = -ah; al = -al; }
        ddToExt(sf, ah, al, 0, !swap && !xNeg);          // atan t < t
        forcePe(sf);
    }

    /** atan(t) for 0 < t <= 1: three half-angle reductions t / (1 + sqrt(1 + t²)), then the series. */
    private static void atanSeries(DoubleDouble dd, double th, double tl) {
        for (int i = 0; i < 3; i++) {
            dd.mul(th, tl, th, tl);
            dd.add(dd.hi, dd.lo, 1, 0);
            dd.sqrt(dd.hi, dd.lo);
            dd.add(dd.hi, dd.lo, 1, 0);
            dd.div(th, tl, dd.hi, dd.lo);
            th = dd.hi; tl = dd.lo;
        }
        dd.mul(th, tl, th, tl);
        double t2h = -dd.hi, t2l = -dd.lo;
        double sumH = th, sumL = tl, ph = th, pl = tl;
        for (int k = 1; k < 100; k++) {
            dd.mul(ph, pl, t2h, t2l);
            ph = dd.hi; pl = dd.lo;
            dd.div(ph, pl, 2 * k + 1, 0);
            double qh = dd.hi, ql = dd.lo;
            dd.add(sumH, sumL, qh, ql);
            sumH = dd.hi; sumL = dd.lo;
            if (Math.abs(qh) < Math.abs(sumH) * 1e-36) break;
        }
        dd.hi = sumH * 8;
        dd.lo = sumL * 8;
    }
}
