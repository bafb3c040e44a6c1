package org.x86play.cpu.fpu;

/**
 * Exact 80-bit double-extended soft-float (SDM Vol. 1 §4.2, §4.8, §4.9, §8.1.5).
 * <p>
 * Values are passed as the architectural pair (se = sign &lt;&lt; 15 | biased exponent, sig = 64-bit
 * significand with explicit integer bit), exactly the m80 memory layout. One instance is owned by the
 * {@link Fpu}; it keeps its operands and result in fields so that no object is allocated per operation.
 * <p>
 * Protocol: {@link #begin(int)} with the control word, then one operation; read {@link #exc}
 * (IE/DE/ZE/OE/UE/PE in status-word bit positions), {@link #roundedUp} (C1 when inexact), {@link #abort}
 * (an unmasked IE/DE/ZE, or an unmasked OE/UE on a memory destination: nothing must be written) and the
 * result {@link #rSe}/{@link #rSig} (or {@link #rBits} for m32/m64/integer destinations).
 * <p>
 * Bit-exact: format conversions, add/sub/mul/div/sqrt (correctly rounded per PC and RC, with
 * tininess detected after rounding as on Intel hardware), FPREM/FPREM1, FRNDINT, FSCALE, FXTRACT,
 * compares, integer and BCD conversions, masked responses and the bias-adjusted results of unmasked
 * overflow/underflow (SDM §4.9.1.4-5).
 */
final class SoftFloat {
    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20;
    /** Operand classes. */
    static final int ZERO = 0, NORMAL = 1, DENORMAL = 2, INF = 3, QNAN = 4, SNAN = 5, UNSUPPORTED = 6;
    /** Destination formats for {@link #roundPack}. */
    static final int EXT = 0, SGL = 1, DBL = 2;
    /** Real indefinite (SDM Table 4-3). */
    static final int IND_SE = 0xFFFF;
    static final long IND_SIG = 0xC000000000000000L;
    static final long TOP = 0x8000000000000000L;
    /** Bias adjustment of unmasked overflow/underflow results on register destinations (SDM §4.9.1.4). */
    static final int BIAS_ADJUST = 24576;

    // ---- context set by begin() ----
    int rc, pc, masks;
    // ---- outputs ----
    int exc;
    boolean roundedUp, abort;
    int rSe;
    long rSig;
    long rBits;
    /** Set by m32/m64 loads when the memory source was denormal (DE is judged on the source format). */
    boolean srcDenormal;

    // ---- unpacked operands (value = sig * 2^(exp - 63), sig normalized) ----
    int aSign, aExp, bSign, bExp;
    long aSig, bSig;

    // ---- shiftRound scratch ----
    private boolean rInexact, rInc, rCarry;

    void begin(int cw) {
        masks = cw & 0x3F;
        rc = (cw >> 10) & 3;
        int p = (cw >> 8) & 3;
        pc = p == 0 ? 24 : p == 2 ? 53 : 64;
        exc = 0;
        roundedUp = false;
        abort = false;
        srcDenormal = false;
    }

    // =====================================================================================
    // Classification and unpacking
    // =====================================================================================

    static int classify(int se, long sig) {
        int e = se & 0x7FFF;
        if (e == 0x7FFF) {
            if (sig >= 0) return UNSUPPORTED;              // pseudo-infinity / pseudo-NaN
            if ((sig << 1) == 0) return INF;
            return (sig & 0x4000000000000000L) != 0 ? QNAN : SNAN;
        }
        if (e == 0) return sig == 0 ? ZERO : DENORMAL;     // includes pseudo-denormals
        return sig < 0 ? NORMAL : UNSUPPORTED;             // unnormal
    }

    static boolean isNaN(int cls) { return cls == QNAN || cls == SNAN; }

    void unpackA(int se, long sig) {
        aSign = (se >>> 15) & 1;
        int e = se & 0x7FFF;
        if (e == 0) {
            int z = Long.numberOfLeadingZeros(sig);
            aSig = sig << z;
            aExp = -16382 - z;
        } else {
            aSig = sig;
            aExp = e - 16383;
        }
    }

    void unpackB(int se, long sig) {
        bSign = (se >>> 15) & 1;
        int e = se & 0x7FFF;
        if (e == 0) {
            int z = Long.numberOfLeadingZeros(sig);
            bSig = sig << z;
            bExp = -16382 - z;
        } else {
            bSig = sig;
            bExp = e - 16383;
        }
    }

    static boolean uLess(long a, long b) { return (a ^ Long.MIN_VALUE) < (b ^ Long.MIN_VALUE); }

    // =====================================================================================
    // Results and masked responses
    // =====================================================================================

    void result(int se, long sig) { rSe = se; rSig = sig; }

    /** Invalid operation: masked → QNaN indefinite; unmasked → nothing written. */
    void invalid() {
        exc |= IE;
        if ((masks & IE) == 0) abort = true;
        else result(IND_SE, IND_SIG);
    }

    /** Denormal operand: returns true when the (unmasked) exception suppresses the operation. */
    boolean denormal() {
        exc |= DE;
        if ((masks & DE) == 0) { abort = true; return true; }
        return false;
    }

    /** NaN operand(s) of a two-operand operation (SDM Table 4-7, x87 column). */
    void propagateNaN(int aSe, long aSigIn, int ca, int bSe, long bSigIn, int cb) {
        if (ca == SNAN || cb == SNAN) {
            exc |= IE;
            if ((masks & IE) == 0) { abort = true; return; }
        }
        int se;
        long sig;
        if (isNaN(ca) && isNaN(cb)) {
            if (ca != cb) {          // one SNaN, one QNaN: the QNaN
                if (ca == QNAN) { se = aSe; sig = aSigIn; } else { se = bSe; sig = bSigIn; }
            } else {                 // both same kind: larger significand, then the positive one
                long ma = aSigIn, mb = bSigIn;
                if (uLess(ma, mb) || (ma == mb && (aSe & 0x8000) != 0 && (bSe & 0x8000) == 0)) {
                    se = bSe; sig = bSigIn;
                } else {
                    se = aSe; sig = aSigIn;
                }
            }
        } else if (isNaN(ca)) { se = aSe; sig = aSigIn; }
        else { se = bSe; sig = bSigIn; }
        result(se, sig | 0x4000000000000000L);
    }

    /** Handles NaN/unsupported operands of a two-operand op; true if the result is decided. */
    private boolean special2(int aSe, long aS, int ca, int bSe, long bS, int cb) {
        if (ca == UNSUPPORTED || cb == UNSUPPORTED) { invalid(); return true; }
        if (isNaN(ca) || isNaN(cb)) { propagateNaN(aSe, aS, ca, bSe, bS, cb); return true; }
        return false;
    }

    // =====================================================================================
    // Rounding (SDM §4.8.4) — the heart of exactness
    // =====================================================================================

    /** Shifts the 128-bit hi:lo right by n bits and rounds the kept part per RC for the given sign. */
    private long shiftRound(int sign, long hi, long lo, int n) {
        long keep;
        boolean rb, st;
        if (n <= 0) {
            keep = hi; rb = lo < 0; st = (lo << 1) != 0;
        } else if (n < 64) {
            keep = hi >>> n;
            rb = ((hi >>> (n - 1)) & 1) != 0;
            st = (hi & ((1L << (n - 1)) - 1)) != 0 || lo != 0;
        } else if (n == 64) {
            keep = 0; rb = hi < 0; st = (hi << 1) != 0 || lo != 0;
        } else {
            keep = 0; rb = false; st = hi != 0 || lo != 0;
        }
        boolean inc;
        switch (rc) {
            case 0: inc = rb && (st || (keep & 1) != 0); break;
            case 1: inc = sign != 0 && (rb || st); break;
            case 2: inc = sign == 0 && (rb || st); break;
            default: inc = false;
        }
        rInexact = rb || st;
        rInc = inc;
        long k = inc ? keep + 1 : keep;
        rCarry = inc && k == 0;
        return k;
    }

    /**
     * Rounds sign × 1.hi:lo × 2^e (hi normalized; lo holds further bits with sticky jammed into bit 0)
     * to p significand bits in the given format and packs it into rSe/rSig (EXT) or rBits (SGL/DBL).
     * Returns false (and sets abort) when an unmasked OE/UE forbids writing a memory destination.
     */
    boolean roundPack(int sign, int e, long hi, long lo, int p, int fmt, boolean regDest) {
        int emin = fmt == EXT ? -16382 : fmt == DBL ? -1022 : -126;
        int emax = 1 - emin;
        int bias = emax;
        int d = 0;
        if (e < emin) {
            boolean tiny = true;
            if (e == emin - 1) {        // tininess after rounding with unbounded exponent
                long k = shiftRound(sign, hi, lo, 64 - p);
                if (p == 64 ? rCarry : k == (1L << p)) tiny = false;
            }
            if (tiny) {
                if ((masks & UE) == 0) {
                    exc |= UE;
                    if (!regDest) { abort = true; return false; }
                    e += BIAS_ADJUST;
                } else {
                    d = emin - e;
                    if (d > 200) d = 200;
                }
            }
        }
        long keep = shiftRound(sign, hi, lo, 64 - p + d);
        boolean inexact = rInexact, inc = rInc;
        long sig64;
        int bexp;
        if (d > 0) {
            sig64 = keep << (64 - p);
            bexp = sig64 < 0 ? 1 : 0;
            if (inexact) exc |= UE;
        } else {
            if (p == 64 ? rCarry : keep == (1L << p)) { keep = 1L << (p - 1); e++; }
            if (e > emax) {
                exc |= OE;
                if ((masks & OE) == 0) {
                    if (!regDest) { abort = true; return false; }
                    e -= BIAS_ADJUST;
                } else {                      // masked response (SDM Table 4-10)
                    exc |= PE;
                    boolean toInf = rc == 0 || (rc == 1 && sign != 0) || (rc == 2 && sign == 0);
                    int maxExp = fmt == EXT ? 0x7FFF : fmt == DBL ? 0x7FF : 0xFF;
                    roundedUp = toInf;   // C1: ∞ is a magnitude increase, the largest finite one a decrease
                    if (toInf) { sig64 = TOP; bexp = maxExp; }
                    else { sig64 = p == 64 ? -1L : ((1L << p) - 1) << (64 - p); bexp = maxExp - 1; }
                    pack(sign, bexp, sig64, fmt);
                    return true;
                }
            }
            sig64 = keep << (64 - p);
            bexp = e + bias;
        }
        if (inexact) { exc |= PE; roundedUp = inc; }
        pack(sign, bexp, sig64, fmt);
        return true;
    }

    private void pack(int sign, int bexp, long sig64, int fmt) {
        if (fmt == EXT) {
            rSe = (sign << 15) | bexp;
            rSig = sig64;
        } else if (fmt == DBL) {
            rBits = ((long) sign << 63) | ((long) bexp << 52) | ((sig64 >>> 11) & 0xFFFFFFFFFFFFFL);
        } else {
            rBits = (sign << 31) | (bexp << 23) | (int) ((sig64 >>> 40) & 0x7FFFFF);
        }
    }

    /** Normalizes the 128-bit hi:lo (not both zero) and rounds it to the register format with PC. */
    private void normRound(int sign, int e, long hi, long lo, int p) {
        if (hi == 0) { hi = lo; lo = 0; e -= 64; }
        int z = Long.numberOfLeadingZeros(hi);
        if (z != 0) { hi = (hi << z) | (lo >>> (64 - z)); lo <<= z; e -= z; }
        roundPack(sign, e, hi, lo, p, EXT, true);
    }

    // =====================================================================================
    // Arithmetic (register destination, precision control applies: SDM §8.1.5.2)
    // =====================================================================================

    /** a + b (negB: a - b). */
    void add(int aSe, long aS, int bSe, long bS, boolean negB) {
        int ca = classify(aSe, aS), cb = classify(bSe, bS);
        if (special2(aSe, aS, ca, bSe, bS, cb)) return;
        if (negB) bSe ^= 0x8000;
        int sa = aSe >>> 15 & 1, sb = bSe >>> 15 & 1;
        if (ca == INF || cb == INF) {
            if (ca == INF && cb == INF && sa != sb) { invalid(); return; }
            if ((ca == DENORMAL || cb == DENORMAL || srcDenormal) && denormal()) return;
            if (ca == INF) result(aSe, aS); else result(bSe, bS);
            return;
        }
        if ((ca == DENORMAL || cb == DENORMAL || srcDenormal) && denormal()) return;
        if (ca == ZERO && cb == ZERO) {
            int s = sa == sb ? sa : (rc == 1 ? 1 : 0);
            result(s << 15, 0);
            return;
        }
        if (cb == ZERO) { unpackA(aSe, aS); roundPack(aSign, aExp, aSig, 0, pc, EXT, true); return; }
        if (ca == ZERO) { unpackA(bSe, bS); roundPack(aSign, aExp, aSig, 0, pc, EXT, true); return; }
        unpackA(aSe, aS);
        unpackB(bSe, bS);
        // make A the larger magnitude
        if (aExp < bExp || (aExp == bExp && uLess(aSig, bSig))) {
            int t = aSign; aSign = bSign; bSign = t;
            t = aExp; aExp = bExp; bExp = t;
            long l = aSig; aSig = bSig; bSig = l;
        }
        int dexp = aExp - bExp;
        long bHi, bLo;
        if (dexp == 0) { bHi = bSig; bLo = 0; }
        else if (dexp < 64) { bHi = bSig >>> dexp; bLo = bSig << (64 - dexp); }
        else if (dexp < 128) {
            bHi = 0;
            int s = dexp - 64;
            bLo = s == 0 ? bSig : (bSig >>> s) | ((bSig << (64 - s)) != 0 ? 1 : 0);
        } else { bHi = 0; bLo = 1; }
        int e = aExp;
        if (aSign == bSign) {
            long hi = aSig + bHi;
            long lo = bLo;
            if (uLess(hi, aSig)) {          // carry out of bit 63
                lo = (lo >>> 1) | (lo & 1) | (hi << 63);
                hi = (hi >>> 1) | TOP;
                e++;
            }
            roundPack(aSign, e, hi, lo, pc, EXT, true);
        } else {
            long lo = -bLo;
            long hi = aSig - bHi - (bLo != 0 ? 1 : 0);
            if (hi == 0 && lo == 0) { result((rc == 1 ? 1 : 0) << 15, 0); return; }
            normRound(aSign, e, hi, lo, pc);
        }
    }

    /** Unsigned 64×64→128 product; returns the high half, low half in {@link #mulLo}. */
    long mulLo;

    long mul128(long a, long b) {
        long a0 = a & 0xFFFFFFFFL, a1 = a >>> 32, b0 = b & 0xFFFFFFFFL, b1 = b >>> 32;
        long p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
        long mid = (p00 >>> 32) + (p01 & 0xFFFFFFFFL) + (p10 & 0xFFFFFFFFL);
        mulLo = a * b;
        return p11 + (p01 >>> 32) + (p10 >>> 32) + (mid >>> 32);
    }

    void mul(int aSe, long aS, int bSe, long bS) {
        int ca = classify(aSe, aS), cb = classify(bSe, bS);
        if (special2(aSe, aS, ca, bSe, bS, cb)) return;
        int s = ((aSe ^ bSe) >>> 15) & 1;
        if ((ca == INF && cb == ZERO) || (ca == ZERO && cb == INF)) { invalid(); return; }
        if ((ca == DENORMAL || cb == DENORMAL || srcDenormal) && denormal()) return;
        if (ca == INF || cb == INF) { result(s << 15 | 0x7FFF, TOP); return; }
        if (ca == ZERO || cb == ZERO) { result(s << 15, 0); return; }
        unpackA(aSe, aS);
        unpackB(bSe, bS);
        long hi = mul128(aSig, bSig), lo = mulLo;
        int e = aExp + bExp;
        if (hi < 0) e++;
        else { hi = (hi << 1) | (lo >>> 63); lo <<= 1; }
        roundPack(s, e, hi, lo, pc, EXT, true);
    }

    /** a / b. */
    void div(int aSe, long aS, int bSe, long bS) {
        int ca = classify(aSe, aS), cb = classify(bSe, bS);
        if (special2(aSe, aS, ca, bSe, bS, cb)) return;
        int s = ((aSe ^ bSe) >>> 15) & 1;
        if ((ca == INF && cb == INF) || (ca == ZERO && cb == ZERO)) { invalid(); return; }
        if (cb == ZERO && ca != INF) {           // x/0: #Z is reported without #D (observed on hardware)
            exc |= ZE;
            if ((masks & ZE) == 0) { abort = true; return; }
            result(s << 15 | 0x7FFF, TOP);
            return;
        }
        if ((ca == DENORMAL || cb == DENORMAL || srcDenormal) && denormal()) return;
        if (ca == INF) { result(s << 15 | 0x7FFF, TOP); return; }
        if (cb == INF || ca == ZERO) { result(s << 15, 0); return; }
        if (cb == ZERO) {
            exc |= ZE;
            if ((masks & ZE) == 0) { abort = true; return; }
            result(s << 15 | 0x7FFF, TOP);
            return;
        }
        unpackA(aSe, aS);
        unpackB(bSe, bS);
        int e = aExp - bExp;
        // restoring division of r (65-bit: rTop:r) by bSig, 65 quotient bits: 64 + round, then sticky
        long r = aSig;
        int rTop = 0;
        if (uLess(aSig, bSig)) { rTop = 1; r = aSig << 1; e--; }   // aSig*2 (>= bSig); bit 64 set
        long q = 0;
        for (int i = 0; i < 64; i++) {
            q <<= 1;
            if (rTop != 0 || !uLess(r, bSig)) { r -= bSig; q |= 1; }
            rTop = (int) (r >>> 63);
            r <<= 1;
        }
        long lo = 0;
        if (rTop != 0 || !uLess(r, bSig)) { r -= bSig; lo = TOP; }
        if (r != 0) lo |= 1;
        roundPack(s, e, q, lo, pc, EXT, true);
    }

    void sqrt(int aSe, long aS) {
        int ca = classify(aSe, aS);
        if (ca == UNSUPPORTED) { invalid(); return; }
        if (isNaN(ca)) { propagateNaN(aSe, aS, ca, aSe, aS, ca); return; }
        boolean neg = (aSe & 0x8000) != 0;
        if (ca == ZERO) { result(aSe, aS); return; }
        if (neg) { invalid(); return; }
        if (ca == INF) { result(aSe, aS); return; }
        if (ca == DENORMAL && denormal()) return;
        unpackA(aSe, aS);
        // N = sig * 2^k, k in {63,64} so that (exp - 63 - k) is even; sqrt = isqrt(N) * 2^((exp-63-k)/2)
        int k = ((aExp - 63 - 63) & 1) == 0 ? 63 : 64;
        long nHi = k == 64 ? aSig : aSig >>> 1;
        long nLo = k == 64 ? 0 : aSig << 63;
        long root = 0;
        for (int bit = 63; bit >= 0; bit--) {
            long c = root | (1L << bit);
            long h = mul128(c, c), l = mulLo;
            if (uLess(h, nHi) || (h == nHi && !uLess(nLo, l))) root = c;
        }
        long h = mul128(root, root), l = mulLo;
        long remLo = nLo - l;
        long remHi = nHi - h - (uLess(nLo, l) ? 1 : 0);
        long lo;
        if (remHi == 0 && remLo == 0) lo = 0;
        else if (remHi != 0 || uLess(root, remLo)) lo = TOP | 1;     // above the half-way point
        else lo = 1;
        roundPack(0, 63 + ((aExp - 63 - k) >> 1), root, lo, pc, EXT, true);
    }

    // =====================================================================================
    // Compare (SDM FCOM/FUCOM): returns 0 greater, 1 less, 2 equal, 3 unordered
    // =====================================================================================
    static final int GT = 0, LT = 1, EQ = 2, UN = 3;

    int compare(int aSe, long aS, int bSe, long bS, boolean quiet) {
        int ca = classify(aSe, aS), cb = classify(bSe, bS);
        if (ca == UNSUPPORTED || cb == UNSUPPORTED || isNaN(ca) || isNaN(cb)) {
            if (!quiet || ca == SNAN || cb == SNAN || ca == UNSUPPORTED || cb == UNSUPPORTED) {
                exc |= IE;
                if ((masks & IE) == 0) abort = true;
            }
            return UN;
        }
        if ((ca == DENORMAL || cb == DENORMAL || srcDenormal) && denormal()) return UN;
        if (ca == ZERO && cb == ZERO) return EQ;
        int sa = aSe >>> 15 & 1, sb = bSe >>> 15 & 1;
        if (ca == ZERO) return sb != 0 ? GT : LT;
        if (cb == ZERO) return sa != 0 ? LT : GT;
        if (sa != sb) return sa != 0 ? LT : GT;
        unpackA(aSe, aS);
        unpackB(bSe, bS);
        int mag;   // magnitude comparison
        if (ca == INF && cb == INF) mag = EQ;
        else if (ca == INF) mag = GT;
        else if (cb == INF) mag = LT;
        else if (aExp != bExp) mag = aExp > bExp ? GT : LT;
        else if (aSig == bSig) mag = EQ;
        else mag = uLess(aSig, bSig) ? LT : GT;
        if (mag == EQ || sa == 0) return mag;
        return mag == GT ? LT : GT;
    }

    // =====================================================================================
    // Integer conversions
    // =====================================================================================

    /** Exact conversion of a signed 64-bit integer into rSe/rSig. */
    void fromLong(long v) {
        if (v == 0) { result(0, 0); return; }
        int s = v < 0 ? 1 : 0;
        long m = v < 0 ? -v : v;
        int z = Long.numberOfLeadingZeros(m);
        result(s << 15 | (16383 + 63 - z), m << z);
    }

    /**
     * Rounds to a signed integer of the given width (16/32/64) per RC into rBits (two's complement).
     * Out of range, NaN, ∞ or unsupported: IE, masked result = integer indefinite (SDM §4.8.3.1).
     */
    void toInt(int se, long sig, int width) {
        int c = classify(se, sig);
        long indefinite = width == 64 ? Long.MIN_VALUE : width == 32 ? 0x80000000L : 0x8000L;
        if (c == ZERO) { rBits = 0; return; }
        if (c == INF || c == UNSUPPORTED || isNaN(c)) { intInvalid(indefinite); return; }
        unpackA(se, sig);
        long mag;
        boolean inexact = false, inc = false;
        if (aExp > 63) { intInvalid(indefinite); return; }
        if (aExp == 63) mag = aSig;
        else {
            mag = shiftRound(aSign, aSig, 0, 63 - aExp);
            inexact = rInexact; inc = rInc;
            if (rCarry) { intInvalid(indefinite); return; }
        }
        long limit = width == 64 ? Long.MIN_VALUE : 1L << (width - 1);   // |min| as unsigned
        if (uLess(limit, mag) || (mag == limit && aSign == 0)) { intInvalid(indefinite); return; }
        rBits = aSign != 0 ? -mag : mag;
        if (inexact) { exc |= PE; roundedUp = inc; }
    }

    private void intInvalid(long indefinite) {
        exc |= IE;
        if ((masks & IE) == 0) abort = true;
        rBits = indefinite;
    }

    /** FRNDINT: round to an integral value per RC (PC does not apply). */
    void roundInt(int se, long sig) {
        int c = classify(se, sig);
        if (c == UNSUPPORTED) { invalid(); return; }
        if (isNaN(c)) { propagateNaN(se, sig, c, se, sig, c); return; }
        if (c == ZERO || c == INF) { result(se, sig); return; }
        if (c == DENORMAL && denormal()) return;
        unpackA(se, sig);
        if (aExp >= 63) { result(se, sig); return; }
        long k = shiftRound(aSign, aSig, 0, 63 - aExp);
        if (rInexact) { exc |= PE; roundedUp = rInc; }
        if (rCarry) { result(aSign << 15 | (16383 + 64), TOP); return; }
        if (k == 0) { result(aSign << 15, 0); return; }
        int z = Long.numberOfLeadingZeros(k);
        result(aSign << 15 | (16383 + 63 - z), k << z);
    }

    // =====================================================================================
    // m32 / m64 conversions
    // =====================================================================================

    /** Exact widening of an m32 value (SNaNs stay signaling; srcDenormal set for denormals). */
    void fromSingle(int v) {
        int s = v >>> 31, e = (v >>> 23) & 0xFF;
        long f = v & 0x7FFFFF;
        if (e == 0xFF) { result(s << 15 | 0x7FFF, TOP | (f << 40)); return; }
        if (e == 0) {
            if (f == 0) { result(s << 15, 0); return; }
            srcDenormal = true;
            int z = Long.numberOfLeadingZeros(f);
            result(s << 15 | (16383 - 126 - (z - 40)), f << z);
            return;
        }
        result(s << 15 | (e - 127 + 16383), TOP | (f << 40));
    }

    void fromDouble(long v) {
        int s = (int) (v >>> 63), e = (int) (v >>> 52) & 0x7FF;
        long f = v & 0xFFFFFFFFFFFFFL;
        if (e == 0x7FF) { result(s << 15 | 0x7FFF, TOP | (f << 11)); return; }
        if (e == 0) {
            if (f == 0) { result(s << 15, 0); return; }
            srcDenormal = true;
            int z = Long.numberOfLeadingZeros(f);
            result(s << 15 | (16383 - 1022 - (z - 11)), f << z);
            return;
        }
        result(s << 15 | (e - 1023 + 16383), TOP | (f << 11));
    }

    /** Narrowing store to m32 (fmt SGL) or m64 (fmt DBL) per RC; result in rBits. */
    void toFloat(int se, long sig, int fmt) {
        int c = classify(se, sig);
        int s = se >>> 15 & 1;
        boolean dbl = fmt == DBL;
        switch (c) {
            case ZERO:
                rBits = dbl ? (long) s << 63 : s << 31;
                return;
            case INF:
                rBits = dbl ? ((long) s << 63) | 0x7FF0000000000000L : (s << 31) | 0x7F800000;
                return;
            case UNSUPPORTED:
                exc |= IE;
                if ((masks & IE) == 0) { abort = true; return; }
                rBits = dbl ? 0xFFF8000000000000L : 0xFFC00000;
                return;
            case SNAN:
                exc |= IE;
                if ((masks & IE) == 0) { abort = true; return; }
                // fall through: store the quieted NaN
            case QNAN: {
                long q = sig | 0x4000000000000000L;
                rBits = dbl ? ((long) s << 63) | 0x7FF0000000000000L | ((q >>> 11) & 0xFFFFFFFFFFFFFL)
                        : (s << 31) | 0x7F800000 | (int) ((q >>> 40) & 0x7FFFFF);
                return;
            }
            default:
                unpackA(se, sig);
                roundPack(aSign, aExp, aSig, 0, dbl ? 53 : 24, fmt, false);
        }
    }
}
