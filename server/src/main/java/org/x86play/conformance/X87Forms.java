package org.x86play.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * x87 instruction forms of the host-differential suite. Each case starts from an FXSAVE image
 * (random control word — usually all exceptions masked —, TOP, a partly filled stack of
 * "interesting" extended values: zeros, denormals, normals, extremes, infinities, NaNs) and
 * compares the FXSAVE image afterwards. Undefined condition-code bits come from the
 * "FPU Flags Affected" section of each instruction (SDM Vol. 2).
 */
final class X87Forms {
    private X87Forms() {}

    static final int C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
    static final int C023 = C0 | C2 | C3, CALL = C0 | C1 | C2 | C3;
    /** An undefined result: its exception flags (IE..PE, ES, B) and condition codes are not compared either. */
    static final int UNDEF_RESULT_FLAGS = 0x3F | 0x80 | 0x8000 | CALL;

    /** How a form uses the stack: how many valid registers it reads and how many it pushes. */
    private static final class Stack {
        final int reads, pushes;
        Stack(int reads, int pushes) { this.reads = reads; this.pushes = pushes; }
    }

    interface Body { void emit(CaseBuilder c); }

    static List<DiffForm> all() {
        List<DiffForm> f = new ArrayList<>();
        arithmetic(f);
        loadsAndStores(f);
        compares(f);
        unaryAndControl(f);
        addressSize16(f);
        return f;
    }

    /** x87 memory operands with 16-bit addressing (0x67 in 32-bit code; the 32-bit host harness). */
    private static void addressSize16(List<DiffForm> f) {
        f.add(new DiffForm("x87 fld m64fp (a16)", true, true, c -> {
            fxImage(c, 0, 1);
            c.b(0x67, 0xDD);
            int off = c.modrmMem16(0, 8);
            long v = f64(c);
            c.memPut(off, 32, (int) v);
            c.memPut(off + 4, 32, (int) (v >>> 32));
            c.c.undefFsw |= C023;
        }));
        f.add(new DiffForm("x87 fstp m80fp (a16)", true, true, c -> {
            fxImage(c, 1, 0);
            c.b(0x67, 0xDB);
            c.modrmMem16(7, 10);
            c.c.undefFsw |= C023;
        }));
        f.add(new DiffForm("x87 fiadd m16int (a16)", true, true, c -> {
            fxImage(c, 1, 0);
            c.b(0x67, 0xDE);
            int off = c.modrmMem16(0, 2);
            c.memPut(off, 16, c.val(16));
            c.c.undefFsw |= C023;
        }));
    }

    private static void form(List<DiffForm> f, String name, int reads, int pushes, int undefC, Body body) {
        form(f, name, reads, pushes, undefC, 0, body);
    }

    /** @param ulps tolerance of register results (transcendental instructions are only "within 1 ulp") */
    private static void form(List<DiffForm> f, String name, int reads, int pushes, int undefC, int ulps, Body body) {
        f.add(new DiffForm("x87 " + name, true, c -> {
            fxImage(c, reads, pushes);
            body.emit(c);
            c.c.undefFsw |= undefC;
            c.c.fpuUlps = ulps;
        }));
    }

    // ------------------------------------------------------------------ state

    /** Builds the initial FXSAVE image: FCW, FSW (TOP, C bits), tags and ST(0..7). */
    static void fxImage(CaseBuilder c, int reads, int pushes) {
        byte[] fx = new byte[512];
        int fcw;
        if (c.chance(60)) fcw = 0x037F;
        else fcw = 0x0040 | (c.chance(80) ? 0x3F : c.rnd.nextInt(64)) | c.pick(0, 2, 3, 3) << 8 | c.rnd.nextInt(4) << 10;
        int top = c.rnd.nextInt(8);
        int fsw = top << 11 | (c.rnd.nextInt() & CALL);
        int depth;
        if (c.chance(85)) depth = Math.min(8 - pushes, reads + c.rnd.nextInt(Math.max(1, 9 - pushes - reads)));
        else depth = c.rnd.nextInt(9);
        if (depth < 0) depth = 0;
        int tags = 0;
        for (int i = 0; i < depth; i++) tags |= 1 << ((top + i) & 7);
        put16(fx, 0, fcw);
        put16(fx, 2, fsw);
        fx[4] = (byte) tags;
        HostHarness.put32(fx, 24, 0x1F80); // MXCSR: defaults (SSE state is not under test)
        for (int i = 0; i < 8; i++) {
            long[] v = f80(c);
            putF80(fx, 32 + 16 * i, v);
        }
        c.c.fx = fx;
    }

    /** Marks one random exception flag as raised and unmasked in the image: ES and B set (pending #MF). */
    private static void pending(CaseBuilder c) {
        int flag = 1 << c.rnd.nextInt(6);
        byte[] fx = c.c.fx;
        int fcw = (fx[0] & 0xFF | (fx[1] & 0xFF) << 8) & ~flag;
        int fsw = (fx[2] & 0xFF | (fx[3] & 0xFF) << 8) | flag | 0x80 | 0x8000;
        put16(fx, 0, fcw);
        put16(fx, 2, fsw);
    }

    private static void ignoreEnvPointers(CaseBuilder c, int off) {
        if (c.c.memIgnore == null) c.c.memIgnore = new boolean[DiffCase.BLOCK_SIZE];
        for (int k = 12; k < 28; k++) c.c.memIgnore[off + k] = true;
        for (int k = 2; k < 12; k += 4) { c.c.memIgnore[off + k] = true; c.c.memIgnore[off + k + 1] = true; }
    }

    /** A random but consistent 28-byte protected-mode environment: FCW, FSW (ES/B iff an unmasked flag), full tag word. */
    private static void environment(CaseBuilder c, int off) {
        int fcw = 0x0040 | (c.chance(70) ? 0x3F : c.rnd.nextInt(64)) | c.pick(0, 2, 3, 3) << 8 | c.rnd.nextInt(4) << 10;
        int flags = c.chance(25) ? c.rnd.nextInt(128) & 0x7F : 0;
        if ((flags & 0x3F & ~fcw) != 0) flags |= 0x80 | 0x8000; else flags &= 0x7F & ~0x80;
        int fsw = c.rnd.nextInt(8) << 11 | (c.rnd.nextInt() & CALL) | flags;
        int ftw = c.rnd.nextInt(0x10000);
        byte[] m = c.mem();
        put16(m, off, fcw);
        put16(m, off + 4, fsw);
        put16(m, off + 8, ftw);
    }

    /** True when ST(i) of the image is a finite value with |x| < 2^(exp-0x3FFF) (or exactly ±1.0 for 0x3FFF). */
    static boolean within(byte[] fx, int i, int exp) {
        int se = (fx[32 + 16 * i + 8] & 0xFF | (fx[32 + 16 * i + 9] & 0xFF) << 8) & 0x7FFF;
        if (se < exp) return true;
        if (exp != 0x3FFF || se != exp) return false;
        for (int k = 0; k < 8; k++) if ((fx[32 + 16 * i + k] & 0xFF) != (k == 7 ? 0x80 : 0)) return false;
        return true;
    }

    static void put16(byte[] b, int o, int v) { b[o] = (byte) v; b[o + 1] = (byte) (v >> 8); }

    static void putF80(byte[] b, int o, long[] v) {
        for (int i = 0; i < 8; i++) b[o + i] = (byte) (v[0] >> 8 * i);
        put16(b, o + 8, (int) v[1]);
    }

    /** A random extended-precision value {mantissa, sign|exponent} from an interesting class. */
    static long[] f80(CaseBuilder c) {
        long sign = c.chance(50) ? 0x8000 : 0;
        long m;
        int e;
        switch (c.rnd.nextInt(15)) {
            case 14: // formats the 387 and later no longer support (SDM Vol. 1 §8.2.2, Table 8-3)
                switch (c.rnd.nextInt(3)) {
                    case 0: m = c.rnd.nextLong() >>> 1; e = 1 + c.rnd.nextInt(0x7FFE); break;                // unnormal
                    case 1: m = Long.MIN_VALUE | c.rnd.nextLong(); e = 0; break;                            // pseudo-denormal
                    default: m = c.chance(30) ? 0 : c.rnd.nextLong() >>> 1; e = 0x7FFF; break;              // pseudo-inf/NaN
                }
                break;
            case 0: m = 0; e = 0; break;                                             // zero
            case 1: m = c.rnd.nextLong() >>> 1 >>> c.rnd.nextInt(60); e = 0;         // denormal
                if (m == 0) m = 1; break;
            case 2: m = Long.MIN_VALUE; e = 0x7FFF; break;                          // infinity
            case 3: m = 0xC000000000000000L | (c.chance(50) ? 0 : c.rnd.nextLong() >>> 2); e = 0x7FFF; break; // QNaN
            case 4: m = Long.MIN_VALUE | (c.rnd.nextLong() >>> 2 | 1); e = 0x7FFF; break;                       // SNaN
            case 5: m = Long.MIN_VALUE | c.rnd.nextLong(); e = c.pick(1, 2, 0x7FFE, 0x7FFD); break;            // extremes
            case 6: case 7: { // small integers and halves
                long n = c.rnd.nextInt(2000) - 1000;
                double d = c.chance(30) ? n + 0.5 : n;
                return fromDouble(d, c.chance(50));
            }
            case 8: // values with few mantissa bits (exact results) near 1
                m = Long.MIN_VALUE | (long) c.rnd.nextInt(16) << 59; e = 0x3FFF + c.rnd.nextInt(9) - 4; break;
            case 9: // double/single-exact values, so that stores/loads round-trip interestingly
                m = Long.MIN_VALUE | (c.rnd.nextLong() >>> 1 & (c.chance(50) ? 0x7FFFFFFFFFFFF800L : 0x7FFFFF0000000000L));
                e = 0x3FFF + c.rnd.nextInt(200) - 100; break;
            case 10: // near the single/double range limits
                m = Long.MIN_VALUE | c.rnd.nextLong();
                e = 0x3FFF + c.pick(127, 128, -126, -127, -149, -150, 1023, 1024, -1022, -1023, -1074, -1075, 63, 64, 31, 32, 15, 16);
                break;
            default: m = Long.MIN_VALUE | c.rnd.nextLong(); e = 0x3FFF + c.rnd.nextInt(128) - 64; break;
        }
        return new long[] {m, sign | e};
    }

    static long[] fromDouble(double d, boolean neg) {
        if (neg) d = -d;
        if (d == 0) return new long[] {0, neg ? 0x8000 : 0};
        long bits = Double.doubleToRawLongBits(d);
        long sign = bits < 0 ? 0x8000 : 0;
        int e = (int) (bits >>> 52 & 0x7FF);
        long frac = bits & 0xFFFFFFFFFFFFFL;
        return new long[] {Long.MIN_VALUE | frac << 11, sign | (e - 1023 + 16383)};
    }

    /** A random IEEE single (bits) from an interesting class. */
    static int f32(CaseBuilder c) {
        int sign = c.chance(50) ? 0x80000000 : 0;
        switch (c.rnd.nextInt(8)) {
            case 0: return sign;
            case 1: return sign | (c.rnd.nextInt(0x7FFFFF) + 1);
            case 2: return sign | 0x7F800000;
            case 3: return sign | 0x7FC00000 | c.rnd.nextInt(0x400000);
            case 4: return sign | 0x7F800000 | (c.rnd.nextInt(0x3FFFFF) + 1);
            case 5: return sign | c.pick(1, 2, 0xFE, 0xFD) << 23 | c.rnd.nextInt(0x800000);
            case 6: return Float.floatToRawIntBits((float) (c.rnd.nextInt(2000) - 1000) * (c.chance(30) ? 0.5f : 1f));
            default: return sign | (127 + c.rnd.nextInt(64) - 32) << 23 | c.rnd.nextInt(0x800000);
        }
    }

    static long f64(CaseBuilder c) {
        long sign = c.chance(50) ? Long.MIN_VALUE : 0;
        long frac = c.rnd.nextLong() & 0xFFFFFFFFFFFFFL;
        switch (c.rnd.nextInt(8)) {
            case 0: return sign;
            case 1: return sign | (frac == 0 ? 1 : frac);
            case 2: return sign | 0x7FF0000000000000L;
            case 3: return sign | 0x7FF8000000000000L | frac >>> 1;
            case 4: return sign | 0x7FF0000000000000L | (frac >>> 1 | 1);
            case 5: return sign | (long) c.pick(1, 2, 0x7FE, 0x7FD) << 52 | frac;
            case 6: return Double.doubleToRawLongBits((c.rnd.nextInt(2000) - 1000) * (c.chance(30) ? 0.5 : 1));
            default: return sign | (long) (1023 + c.rnd.nextInt(128) - 64) << 52 | frac;
        }
    }

    /** Emits a memory operand with the given /digit and writes a typed value there. */
    private static void memOperand(CaseBuilder c, int ext, char type) {
        int bytes = type == 's' ? 4 : type == 'd' ? 8 : type == 't' ? 10 : type == 'w' ? 2 : type == 'i' ? 4 : type == 'q' ? 8 : 10;
        int off = c.modrmMem(ext, bytes, 0);
        switch (type) {
            case 's': c.memPut(off, 32, f32(c)); break;
            case 'd': { long v = f64(c); c.memPut(off, 32, (int) v); c.memPut(off + 4, 32, (int) (v >>> 32)); break; }
            case 't': { long[] v = f80(c); putF80(c.mem(), off, v); break; }
            case 'w': c.memPut(off, 16, c.val(16)); break;
            case 'i': c.memPut(off, 32, c.val(32)); break;
            case 'q': { c.memPut(off, 32, c.val(32)); c.memPut(off + 4, 32, c.chance(50) ? c.val(32) : -(c.rnd.nextInt(2))); break; }
            case 'b': { // packed BCD: mostly valid digits
                byte[] m = c.mem();
                for (int i = 0; i < 9; i++) m[off + i] = (byte) (c.rnd.nextInt(10) << 4 | c.rnd.nextInt(10));
                m[off + 9] = (byte) (c.chance(50) ? 0x80 : 0);
                break;
            }
            default: throw new IllegalArgumentException();
        }
    }

    // ------------------------------------------------------------------ forms

    private static final String[] ARITH = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};

    private static void arithmetic(List<DiffForm> f) {
        for (int op = 0; op < 8; op++) {
            final int o = op;
            boolean cmp = op == 2 || op == 3;
            // Arithmetic: "C1 Set to 0 if stack underflow occurred; set if result was rounded up.
            // C0, C2, C3 Undefined." Compares define all four.
            int undef = cmp ? 0 : C023;
            form(f, ARITH[op] + " st0,st(i)", 2, 0, undef, c -> { c.b(0xD8, 0xC0 | o << 3 | c.rnd.nextInt(8)); });
            form(f, ARITH[op] + " m32fp", 1, 0, undef, c -> { c.b(0xD8); memOperand(c, o, 's'); });
            form(f, ARITH[op] + " m64fp", 1, 0, undef, c -> { c.b(0xDC); memOperand(c, o, 'd'); });
            form(f, "fi" + ARITH[op].substring(1) + " m32int", 1, 0, undef, c -> { c.b(0xDA); memOperand(c, o, 'i'); });
            form(f, "fi" + ARITH[op].substring(1) + " m16int", 1, 0, undef, c -> { c.b(0xDE); memOperand(c, o, 'w'); });
            if (!cmp) {
                form(f, ARITH[op] + " st(i),st0 (dc)", 2, 0, undef, c -> { c.b(0xDC, 0xC0 | o << 3 | c.rnd.nextInt(8)); });
                form(f, ARITH[op] + "p st(i),st0 (de)", 2, 0, undef, c -> { c.b(0xDE, 0xC0 | o << 3 | c.rnd.nextInt(8)); });
            }
        }
        form(f, "fcompp", 2, 0, 0, c -> c.b(0xDE, 0xD9));
        form(f, "fucompp", 2, 0, 0, c -> c.b(0xDA, 0xE9));
    }

    private static void loadsAndStores(List<DiffForm> f) {
        // FLD/FILD/FBLD: "C1 Set to 1 if stack overflow occurred; otherwise, set to 0. C0, C2, C3 Undefined."
        form(f, "fld m32fp", 0, 1, C023, c -> { c.b(0xD9); memOperand(c, 0, 's'); });
        form(f, "fld m64fp", 0, 1, C023, c -> { c.b(0xDD); memOperand(c, 0, 'd'); });
        form(f, "fld m80fp", 0, 1, C023, c -> { c.b(0xDB); memOperand(c, 5, 't'); });
        form(f, "fld st(i)", 1, 1, C023, c -> c.b(0xD9, 0xC0 | c.rnd.nextInt(8)));
        form(f, "fild m16int", 0, 1, C023, c -> { c.b(0xDF); memOperand(c, 0, 'w'); });
        form(f, "fild m32int", 0, 1, C023, c -> { c.b(0xDB); memOperand(c, 0, 'i'); });
        form(f, "fild m64int", 0, 1, C023, c -> { c.b(0xDF); memOperand(c, 5, 'q'); });
        form(f, "fbld m80bcd", 0, 1, C023, c -> { c.b(0xDF); memOperand(c, 4, 'b'); });
        // FST/FIST/FBSTP: C1 reports rounding/underflow; "C0, C2, C3 Undefined."
        form(f, "fst m32fp", 1, 0, C023, c -> { c.b(0xD9); memOperand(c, 2, 's'); });
        form(f, "fstp m32fp", 1, 0, C023, c -> { c.b(0xD9); memOperand(c, 3, 's'); });
        form(f, "fst m64fp", 1, 0, C023, c -> { c.b(0xDD); memOperand(c, 2, 'd'); });
        form(f, "fstp m64fp", 1, 0, C023, c -> { c.b(0xDD); memOperand(c, 3, 'd'); });
        form(f, "fstp m80fp", 1, 0, C023, c -> { c.b(0xDB); memOperand(c, 7, 't'); });
        form(f, "fst st(i)", 1, 0, C023, c -> c.b(0xDD, 0xD0 | c.rnd.nextInt(8)));
        form(f, "fstp st(i)", 1, 0, C023, c -> c.b(0xDD, 0xD8 | c.rnd.nextInt(8)));
        form(f, "fist m16int", 1, 0, C023, c -> { c.b(0xDF); memOperand(c, 2, 'w'); });
        form(f, "fistp m16int", 1, 0, C023, c -> { c.b(0xDF); memOperand(c, 3, 'w'); });
        form(f, "fist m32int", 1, 0, C023, c -> { c.b(0xDB); memOperand(c, 2, 'i'); });
        form(f, "fistp m32int", 1, 0, C023, c -> { c.b(0xDB); memOperand(c, 3, 'i'); });
        form(f, "fistp m64int", 1, 0, C023, c -> { c.b(0xDF); memOperand(c, 7, 'q'); });
        form(f, "fbstp m80bcd", 1, 0, CALL, c -> { c.b(0xDF); memOperand(c, 6, 'b'); });
        String[] consts = {"fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz"};
        for (int k = 0; k < consts.length; k++) {
            final int op = 0xE8 + k;
            form(f, consts[k], 0, 1, C023, c -> c.b(0xD9, op));
        }
        // FXCH: "C1 Set to 0. C0, C2, C3 Undefined."
        form(f, "fxch st(i)", 2, 0, C023, c -> c.b(0xD9, 0xC8 | c.rnd.nextInt(8)));
        // FCMOVcc: "C1 Set to 0 if stack underflow occurred. C0, C2, C3 Undefined." EFLAGS are the condition.
        String[] cm = {"fcmovb", "fcmove", "fcmovbe", "fcmovu", "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"};
        for (int k = 0; k < 8; k++) {
            final int opc = k < 4 ? 0xDA : 0xDB, sub = (k & 3) << 3;
            form(f, cm[k] + " st0,st(i)", 2, 0, C023, c -> {
                c.b(opc, 0xC0 | sub | c.rnd.nextInt(8));
                c.c.c1OnlyOnUnderflow = true;
            });
        }
    }

    private static void compares(List<DiffForm> f) {
        form(f, "fucom st(i)", 2, 0, 0, c -> c.b(0xDD, 0xE0 | c.rnd.nextInt(8)));
        form(f, "fucomp st(i)", 2, 0, 0, c -> c.b(0xDD, 0xE8 | c.rnd.nextInt(8)));
        // FCOMI/FUCOMI(P): ZF PF CF set, OF SF AF cleared; "C1 Set to 0", C0 C2 C3 not affected.
        form(f, "fucomi st0,st(i)", 2, 0, 0, c -> { c.b(0xDB, 0xE8 | c.rnd.nextInt(8)); c.c.c1VendorQuirk = true; });
        form(f, "fcomi st0,st(i)", 2, 0, 0, c -> { c.b(0xDB, 0xF0 | c.rnd.nextInt(8)); c.c.c1VendorQuirk = true; });
        form(f, "fucomip st0,st(i)", 2, 0, 0, c -> { c.b(0xDF, 0xE8 | c.rnd.nextInt(8)); c.c.c1VendorQuirk = true; });
        form(f, "fcomip st0,st(i)", 2, 0, 0, c -> { c.b(0xDF, 0xF0 | c.rnd.nextInt(8)); c.c.c1VendorQuirk = true; });
        form(f, "ftst", 1, 0, 0, c -> c.b(0xD9, 0xE4));
        form(f, "fxam", 1, 0, 0, c -> c.b(0xD9, 0xE5));
    }

    private static void unaryAndControl(List<DiffForm> f) {
        // FCHS/FABS: "C1 Set to 0. C0, C2, C3 Undefined."
        form(f, "fchs", 1, 0, C023, c -> c.b(0xD9, 0xE0));
        form(f, "fabs", 1, 0, C023, c -> c.b(0xD9, 0xE1));
        // FSQRT/FRNDINT/FSCALE/FXTRACT: C1 rounding or underflow; "C0, C2, C3 Undefined."
        form(f, "fsqrt", 1, 0, C023, c -> c.b(0xD9, 0xFA));
        form(f, "frndint", 1, 0, C023, c -> c.b(0xD9, 0xFC));
        form(f, "fscale", 2, 0, C023, c -> {
            c.b(0xD9, 0xFD);
            if (c.chance(70)) { // a sensible scale factor in ST(1)
                int top = (c.c.fx[3] >> 3) & 7;
                putF80(c.c.fx, 32 + 16, fromDouble(c.rnd.nextInt(80) - 40 + (c.chance(20) ? 0.75 : 0), false));
                c.c.fx[4] |= (byte) (1 << ((top + 1) & 7) | 1 << top);
            }
        });
        form(f, "fxtract", 1, 1, C023, c -> c.b(0xD9, 0xF4));
        // FPREM/FPREM1: C0 C3 C1 = Q2 Q0 Q1, C2 = incomplete; all defined.
        form(f, "fprem", 2, 0, 0, c -> { c.b(0xD9, 0xF8); c.c.quotientBits = true; });
        form(f, "fprem1", 2, 0, 0, c -> { c.b(0xD9, 0xF5); c.c.quotientBits = true; });
        // FINCSTP/FDECSTP: "C1 Set to 0. C0, C2, C3 Undefined."
        form(f, "fincstp", 0, 0, C023, c -> c.b(0xD9, 0xF7));
        form(f, "fdecstp", 0, 0, C023, c -> c.b(0xD9, 0xF6));
        // FFREE: "C0, C1, C2, C3 Undefined."
        form(f, "ffree st(i)", 0, 0, CALL, c -> c.b(0xDD, 0xC0 | c.rnd.nextInt(8)));
        form(f, "fnop", 0, 0, CALL, c -> c.b(0xD9, 0xD0));
        // FNSTSW/FNSTCW/FLDCW/FNCLEX: "C0, C1, C2, C3 Undefined." (FNSTSW stores the word as it was.)
        form(f, "fnstsw ax", 0, 0, CALL, c -> c.b(0xDF, 0xE0));
        form(f, "fnstsw m16", 0, 0, CALL, c -> { c.b(0xDD); c.modrmMem(7, 2, 0); });
        form(f, "fnstcw m16", 0, 0, CALL, c -> { c.b(0xD9); c.modrmMem(7, 2, 0); });
        form(f, "fldcw m16", 0, 0, CALL, c -> {
            c.b(0xD9);
            int off = c.modrmMem(5, 2, 0);
            c.memPut(off, 16, 0x0040 | 0x3F | c.pick(0, 2, 3) << 8 | c.rnd.nextInt(4) << 10);
        });
        form(f, "fnclex", 0, 0, CALL, c -> c.b(0xDB, 0xE2));
        // A pending unmasked exception (FSW.ES set) makes the next waiting x87 instruction raise #MF
        // before it executes (CR0.NE = 1, SDM Vol. 1 §8.7); no-wait forms proceed.
        form(f, "fwait (pending exception: #MF)", 1, 0, 0, c -> { pending(c); c.b(0x9B); });
        form(f, "fadd st0,st(i) (pending exception: #MF)", 2, 0, C023, c -> { pending(c); c.b(0xD8, 0xC0 | c.rnd.nextInt(8)); });
        form(f, "fld m32fp (pending exception: #MF)", 0, 1, C023, c -> { pending(c); c.b(0xD9); memOperand(c, 0, 's'); });
        form(f, "fnstsw ax (pending exception: no wait)", 0, 0, CALL, c -> { pending(c); c.b(0xDF, 0xE0); });
        form(f, "fnclex (pending exception: no wait)", 0, 0, CALL, c -> { pending(c); c.b(0xDB, 0xE2); });
        form(f, "lock fadd (#UD)", 2, 0, 0, c -> c.b(0xF0, 0xD8, 0xC0 | c.rnd.nextInt(8)));
        // FNSTENV/FNSAVE store the environment (SDM Vol. 1 §8.1.10, Figure 8-9, 32-bit protected mode);
        // the instruction/operand pointers and reserved halves are not compared. FNSTENV then masks all
        // exceptions, FNSAVE reinitializes the FPU. FLDENV/FRSTOR load them. C0-C3 follow the image.
        form(f, "fnstenv m28", 0, 0, 0, c -> {
            c.b(0xD9);
            int off = c.modrmMem(6, 28, 0);
            ignoreEnvPointers(c, off);
        });
        form(f, "fnsave m108", 0, 0, 0, c -> {
            c.b(0xDD);
            int off = c.modrmMem(6, 108, 0);
            ignoreEnvPointers(c, off);
            int top = (c.c.fx[3] >> 3) & 7, tags = c.c.fx[4] & 0xFF;
            for (int i = 0; i < 8; i++) {
                if ((tags & 1 << ((top + i) & 7)) == 0) for (int k = 0; k < 10; k++) c.c.memIgnore[off + 28 + 10 * i + k] = true;
            }
        });
        // 16-bit operand size: the 14-byte environment (FCW, FSW, FTW, then pointers; SDM Figure 8-10).
        form(f, "fnstenv m14 (o16)", 0, 0, 0, c -> {
            c.b(0x66, 0xD9);
            int off = c.modrmMem(6, 14, 0);
            if (c.c.memIgnore == null) c.c.memIgnore = new boolean[DiffCase.BLOCK_SIZE];
            for (int k = 6; k < 14; k++) c.c.memIgnore[off + k] = true;
        });
        form(f, "fldenv m14 (o16)", 0, 0, 0, c -> {
            c.b(0x66, 0xD9);
            int off = c.modrmMem(4, 14, 0);
            environment(c, off);
            byte[] m = c.mem();
            put16(m, off + 2, m[off + 4] & 0xFF | (m[off + 5] & 0xFF) << 8);
            put16(m, off + 4, m[off + 8] & 0xFF | (m[off + 9] & 0xFF) << 8);
        });
        form(f, "fldenv m28", 0, 0, 0, c -> {
            c.b(0xD9);
            int off = c.modrmMem(4, 28, 0);
            environment(c, off);
        });
        form(f, "frstor m108", 0, 0, 0, c -> {
            c.b(0xDD);
            int off = c.modrmMem(4, 108, 0);
            environment(c, off);
            for (int i = 0; i < 8; i++) putF80(c.mem(), off + 28 + 10 * i, f80(c));
        });
        form(f, "fninit", 0, 0, 0, c -> c.b(0xDB, 0xE3));
        // Transcendentals: results are specified to about 1 ulp only; C1 (rounded up) follows them.
        // F2XM1: "If the source value is outside this range [-1.0, +1.0], the result is undefined."
        form(f, "f2xm1", 1, 0, C023 | C1, 2, c -> {
            c.b(0xD9, 0xF0);
            if (c.chance(80)) putF80(c.c.fx, 32, new long[] {Long.MIN_VALUE | c.rnd.nextLong(), (c.chance(50) ? 0x8000 : 0) | 0x3FFE - c.rnd.nextInt(70)});
            if (!within(c.c.fx, 0, 0x3FFF)) { c.c.undefSt |= 1; c.c.undefFsw |= UNDEF_RESULT_FLAGS; }
        });
        form(f, "fyl2x", 2, 0, C023 | C1, 2, c -> c.b(0xD9, 0xF1));
        // FYL2XP1: ST(0) must satisfy |x| < 1 - sqrt(2)/2; otherwise the result is undefined.
        form(f, "fyl2xp1", 2, 0, C023 | C1, 2, c -> {
            c.b(0xD9, 0xF9);
            if (c.chance(80)) putF80(c.c.fx, 32, new long[] {Long.MIN_VALUE | c.rnd.nextLong(), (c.chance(50) ? 0x8000 : 0) | 0x3FFC - c.rnd.nextInt(70)});
            if (!within(c.c.fx, 0, 0x3FFD)) { c.c.undefSt |= 3; c.c.undefFsw |= UNDEF_RESULT_FLAGS; }
        });
        form(f, "fpatan", 2, 0, C023 | C1, 2, c -> c.b(0xD9, 0xF3));
        // FPTAN/FSIN/FCOS/FSINCOS: C2 = operand out of range; C0 C3 undefined.
        form(f, "fptan", 1, 1, C0 | C3 | C1, 2, c -> c.b(0xD9, 0xF2));
        form(f, "fsin", 1, 0, C0 | C3 | C1, 2, c -> c.b(0xD9, 0xFE));
        form(f, "fcos", 1, 0, C0 | C3 | C1, 2, c -> c.b(0xD9, 0xFF));
        form(f, "fsincos", 1, 1, C0 | C3 | C1, 2, c -> c.b(0xD9, 0xFB));
    }
}
