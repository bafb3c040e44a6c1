package org.x86play.server;

/**
 * What a {@code Range} request header asks of a representation of a known length (RFC 9110 §14.1.2, §14.2).
 * Only the {@code bytes} unit with a single range is honoured; everything else falls back to the full body,
 * which RFC 9110 §14.2 allows ("A server MAY ignore the Range header field"):
 * <ul>
 *   <li>no header, another unit, or a syntactically invalid range set: {@link Kind#FULL} (an invalid
 *   {@code ranges-specifier} must be ignored, §14.2);</li>
 *   <li>more than one range: {@link Kind#FULL} as well (we do not produce multipart/byteranges);</li>
 *   <li>one range that does not overlap the representation ({@code first-pos >= length}, or a
 *   zero suffix length): {@link Kind#UNSATISFIABLE} (416, §15.5.17);</li>
 *   <li>one satisfiable range: {@link Kind#PARTIAL} with {@code first..last} clamped to the length (206).</li>
 * </ul>
 */
final class ByteRangeRequest {
    enum Kind { FULL, PARTIAL, UNSATISFIABLE }

    final Kind kind;
    /** Inclusive byte positions of a {@link Kind#PARTIAL} answer. */
    final long first, last;

    private ByteRangeRequest(Kind kind, long first, long last) {
        this.kind = kind;
        this.first = first;
        this.last = last;
    }

    static final ByteRangeRequest FULL = new ByteRangeRequest(Kind.FULL, 0, -1);
    static final ByteRangeRequest UNSATISFIABLE = new ByteRangeRequest(Kind.UNSATISFIABLE, 0, -1);

    long length() { return last - first + 1; }

    /** Interprets {@code header} (may be null) for a representation of {@code length} bytes. */
    static ByteRangeRequest parse(String header, long length) {
        if (header == null) return FULL;
        int eq = header.indexOf('=');
        if (eq < 0) return FULL;
        // range-unit is case-insensitive (§14.1); other units are ignored.
        if (!header.substring(0, eq).trim().equalsIgnoreCase("bytes")) return FULL;
        // range-set = 1#range-spec: a comma list in which empty elements are allowed (§5.6.1).
        String single = null;
        for (String element : header.substring(eq + 1).split(",", -1)) {
            String spec = element.trim();
            if (spec.isEmpty()) continue;
            if (!isValidSpec(spec)) return FULL;   // an invalid ranges-specifier is ignored as a whole
            if (single != null) return FULL;       // several ranges: answered with the full representation
            single = spec;
        }
        if (single == null) return FULL;          // "bytes=" with no range-spec is invalid
        return resolve(single, length);
    }

    /** {@code int-range = first-pos "-" [ last-pos ]} with last >= first, or {@code suffix-range = "-" suffix-length}. */
    private static boolean isValidSpec(String spec) {
        int dash = spec.indexOf('-');
        if (dash < 0 || spec.indexOf('-', dash + 1) >= 0) return false;
        String a = spec.substring(0, dash), b = spec.substring(dash + 1);
        if (a.isEmpty()) return isDigits(b);
        if (!isDigits(a)) return false;
        if (b.isEmpty()) return true;
        if (!isDigits(b)) return false;
        return compareDecimal(b, a) >= 0;          // last-pos < first-pos makes the spec invalid (§14.1.1)
    }

    private static ByteRangeRequest resolve(String spec, long length) {
        int dash = spec.indexOf('-');
        String a = spec.substring(0, dash), b = spec.substring(dash + 1);
        if (a.isEmpty()) {
            // suffix-range: the last N bytes, or all of them if the representation is shorter (§14.1.2).
            long n = clampedDecimal(b);
            if (n == 0 || length == 0) return UNSATISFIABLE;
            return new ByteRangeRequest(Kind.PARTIAL, Math.max(0, length - n), length - 1);
        }
        long first = clampedDecimal(a);
        if (first >= length) return UNSATISFIABLE;
        long last = b.isEmpty() ? length - 1 : Math.min(clampedDecimal(b), length - 1);
        return new ByteRangeRequest(Kind.PARTIAL, first, last);
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    /** A decimal of any length, saturated at Long.MAX_VALUE (positions past any file are still valid syntax). */
    private static long clampedDecimal(String digits) {
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            if (v > (Long.MAX_VALUE - d) / 10) return Long.MAX_VALUE;
            v = v * 10 + d;
        }
        return v;
    }

    /** Compares two digit strings numerically without overflow. */
    private static int compareDecimal(String x, String y) {
        String a = stripZeros(x), b = stripZeros(y);
        if (a.length() != b.length()) return Integer.compare(a.length(), b.length());
        return a.compareTo(b);
    }

    private static String stripZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') i++;
        return s.substring(i);
    }
}
