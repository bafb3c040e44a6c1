package org.x86play.conformance;

/**
 * Compares two FXSAVE images (SDM Vol. 1 §10.5.1, Table 10-2): FCW, FSW (minus the undefined
 * condition codes of the instruction), the abridged tag word and the non-empty data registers.
 * FOP, FIP/FCS, FDP/FDS are not compared (the addresses differ between host and emulator, and
 * AMD processors save them only when an exception is pending); neither is MXCSR.
 */
final class X87Compare {
    private X87Compare() {}

    static String compare(DiffCase c, byte[] h, byte[] e) {
        if (h == null || e == null) return "x87: no FXSAVE image; ";
        StringBuilder s = new StringBuilder();
        int hcw = u16(h, 0), ecw = u16(e, 0);
        if (hcw != ecw) s.append(String.format("fcw host=%04x emu=%04x; ", hcw, ecw));
        int fm = ~c.undefFsw & 0xFFFF;
        // After an unmasked exception the condition codes are vendor-specific: Intel leaves them
        // unchanged ("If the ... exception is unmasked, the condition code flags are not set",
        // FCOM/FUCOM), AMD writes them. Not compared then.
        int hswAfter = u16(h, 2);
        if ((hswAfter & 0x80) != 0 && (u16(c.fx, 2) & 0x80) == 0) fm &= ~X87Forms.CALL;
        if (c.c1OnlyOnUnderflow && (hswAfter & 0x40) == 0) fm &= ~X87Forms.C1;
        if (c.c1VendorQuirk && (hswAfter & 0x40) == 0 && !HostHarness.hostIsIntel()) fm &= ~X87Forms.C1;
        if (c.quotientBits && isNaN(h, 0)) fm &= ~(X87Forms.C0 | X87Forms.C1 | X87Forms.C3);
        int hsw = u16(h, 2), esw = u16(e, 2);
        if (((hsw ^ esw) & fm) != 0) s.append(String.format("fsw host=%04x emu=%04x (compared bits %04x); ", hsw, esw, fm));
        int htw = h[4] & 0xFF, etw = e[4] & 0xFF;
        if (htw != etw) s.append(String.format("ftw host=%02x emu=%02x; ", htw, etw));
        int top = (hsw >> 11) & 7;
        for (int i = 0; i < 8; i++) {
            if ((htw & 1 << ((top + i) & 7)) == 0 || (c.undefSt & 1 << i) != 0) continue;
            long hm = mant(h, i), em = mant(e, i);
            int hse = u16(h, 32 + 16 * i + 8), ese = u16(e, 32 + 16 * i + 8);
            boolean same = hm == em && hse == ese;
            if (!same && c.fpuUlps > 0 && (hse & 0x8000) == (ese & 0x8000)) {
                same = magnitude(hse, hm).subtract(magnitude(ese, em)).abs().compareTo(java.math.BigInteger.valueOf(c.fpuUlps)) <= 0;
            }
            if (!same) s.append(String.format("st%d host=%s emu=%s; ", i, f80(h, i), f80(e, i)));
        }
        return s.toString();
    }

    static String describe(DiffCase c, byte[] h, byte[] e) {
        StringBuilder s = new StringBuilder();
        s.append("  x87 in:   ").append(state(c.fx)).append('\n');
        s.append("  x87 host: ").append(h == null ? "-" : state(h)).append('\n');
        s.append("  x87 emu:  ").append(e == null ? "-" : state(e));
        return s.toString();
    }

    private static String state(byte[] fx) {
        StringBuilder s = new StringBuilder(String.format("fcw=%04x fsw=%04x ftw=%02x", u16(fx, 0), u16(fx, 2), fx[4] & 0xFF));
        int top = (u16(fx, 2) >> 11) & 7, tw = fx[4] & 0xFF;
        for (int i = 0; i < 8; i++) {
            boolean valid = (tw & 1 << ((top + i) & 7)) != 0;
            s.append(String.format(" st%d=%s%s", i, f80(fx, i), valid ? "" : "(empty)"));
        }
        return s.toString();
    }

    static String f80(byte[] fx, int i) {
        int se = u16(fx, 32 + 16 * i + 8);
        return String.format("%04x:%016x", se, mant(fx, i));
    }

    /** Exponent and fraction as one integer, so that neighbouring values differ by 1 even across a binade. */
    private static java.math.BigInteger magnitude(int se, long mant) {
        return java.math.BigInteger.valueOf(se & 0x7FFF).shiftLeft(63).add(java.math.BigInteger.valueOf(mant & Long.MAX_VALUE));
    }

    static boolean isNaN(byte[] fx, int i) {
        return (u16(fx, 32 + 16 * i + 8) & 0x7FFF) == 0x7FFF && (mant(fx, i) << 1) != 0;
    }

    /**
     * After an unmasked x87 exception (ES set by the instruction) Intel and AMD processors differ in
     * what they leave behind (condition codes, whether a load or a scaled result is stored). On a
     * non-Intel host, x87-only mismatches of such cases are skipped with this reason.
     */
    static String vendorSkip(DiffCase c, byte[] h) {
        if (c.fx == null || h == null || HostHarness.hostIsIntel()) return null;
        if ((u16(h, 2) & 0x80) != 0 && (u16(c.fx, 2) & 0x80) == 0) {
            return "x87 state after an unmasked exception differs between vendors (host is not Intel)";
        }
        return null;
    }

    private static long mant(byte[] fx, int i) {
        long m = 0;
        for (int k = 7; k >= 0; k--) m = m << 8 | (fx[32 + 16 * i + k] & 0xFF);
        return m;
    }

    private static int u16(byte[] b, int o) { return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8; }
}
