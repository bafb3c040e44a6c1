package org.x86play.snapshot;

/**
 * A raw DEFLATE decoder (RFC 1951) in plain Java, for the browser build where {@code java.util.zip} does not
 * exist and {@code DecompressionStream} is asynchronous. Canonical Huffman codes are decoded bit by bit
 * (RFC 1951 §3.2.2, §3.2.6, §3.2.7); the output may not exceed the expected size, distances may not reach
 * before the start, and running out of input is an error, so hostile data ends in a
 * {@link SnapshotFormatException}.
 */
public final class Inflater {
    private static final int MAX_BITS = 15;
    static final short[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
        67, 83, 99, 115, 131, 163, 195, 227, 258};
    static final byte[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static final int[] DIST_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
        1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static final byte[] DIST_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
        11, 11, 12, 12, 13, 13};
    /** Order of the code length code lengths (§3.2.7). The tables of RFC 1951 are shared with {@link Deflater}. */
    static final byte[] CL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

    private final byte[] in;
    private int pos;
    private final int end;
    private int bitBuf, bitCount;
    private final byte[] out;
    private int outPos;

    /** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
    private static final class Code {
        final short[] count = new short[MAX_BITS + 1];
        final short[] symbol;

        Code(int symbols) { symbol = new short[symbols]; }
    }

    private Inflater(byte[] in, int off, int len, int expected) {
        this.in = in;
        this.pos = off;
        this.end = off + len;
        this.out = new byte[expected];
    }

    /** Inflates {@code in[off .. off+len)}, which must expand to exactly {@code expected} bytes. */
    public static byte[] inflate(byte[] in, int off, int len, int expected) throws SnapshotFormatException {
        if (off < 0 || len < 0 || off > in.length - len || expected < 0) throw new SnapshotFormatException("bad compressed slice");
        Inflater f = new Inflater(in, off, len, expected);
        boolean last;
        do {
            last = f.bits(1) == 1;
            int type = f.bits(2);
            if (type == 0) f.stored();
            else if (type == 1) f.codes(FIXED_LITLEN, FIXED_DIST);
            else if (type == 2) f.dynamic();
            else throw new SnapshotFormatException("compressed data: invalid block type 3");
        } while (!last);
        if (f.outPos != expected) {
            throw new SnapshotFormatException("compressed data expands to " + f.outPos + " bytes, expected " + expected);
        }
        return f.out;
    }

    private int bits(int need) throws SnapshotFormatException {
        int v = bitBuf;
        while (bitCount < need) {
            if (pos >= end) throw new SnapshotFormatException("compressed data ends early");
            v |= (in[pos++] & 0xFF) << bitCount;
            bitCount += 8;
        }
        bitBuf = v >>> need;
        bitCount -= need;
        return v & ((1 << need) - 1);
    }

    private void stored() throws SnapshotFormatException {
        bitBuf = 0;
        bitCount = 0;
        if (end - pos < 4) throw new SnapshotFormatException("compressed data ends early (stored block)");
        int len = (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8;
        int nlen = (in[pos + 2] & 0xFF) | (in[pos + 3] & 0xFF) << 8;
        pos += 4;
        if (len != (~nlen & 0xFFFF)) throw new SnapshotFormatException("compressed data: stored block length check fails");
        if (end - pos < len) throw new SnapshotFormatException("compressed data ends early (stored block)");
        if (out.length - outPos < len) throw new SnapshotFormatException("compressed data expands to more than " + out.length + " bytes");
        System.arraycopy(in, pos, out, outPos, len);
        pos += len;
        outPos += len;
    }

    private int decode(Code h) throws SnapshotFormatException {
        int code = 0, first = 0, index = 0;
        for (int len = 1; len <= MAX_BITS; len++) {
            code |= bits(1);
            int count = h.count[len];
            if (code - count < first) return h.symbol[index + (code - first)];
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        throw new SnapshotFormatException("compressed data: invalid Huffman code");
    }

    /** Builds a code from code lengths; over-subscribed sets are rejected (incomplete ones may only fail on use). */
    private static Code build(byte[] lengths, int n) throws SnapshotFormatException {
        Code h = new Code(n);
        for (int s = 0; s < n; s++) h.count[lengths[s]]++;
        h.count[0] = 0;
        int left = 1;
        for (int len = 1; len <= MAX_BITS; len++) {
            left <<= 1;
            left -= h.count[len];
            if (left < 0) throw new SnapshotFormatException("compressed data: over-subscribed Huffman code");
        }
        short[] offs = new short[MAX_BITS + 2];
        for (int len = 1; len <= MAX_BITS; len++) offs[len + 1] = (short) (offs[len] + h.count[len]);
        for (int s = 0; s < n; s++) if (lengths[s] != 0) h.symbol[offs[lengths[s]]++] = (short) s;
        return h;
    }

    private void codes(Code litlen, Code dist) throws SnapshotFormatException {
        while (true) {
            int sym = decode(litlen);
            if (sym < 256) {
                if (outPos >= out.length) throw new SnapshotFormatException("compressed data expands to more than " + out.length + " bytes");
                out[outPos++] = (byte) sym;
            } else if (sym == 256) {
                return;
            } else {
                sym -= 257;
                if (sym >= 29) throw new SnapshotFormatException("compressed data: invalid length symbol");
                int len = LENGTH_BASE[sym] + bits(LENGTH_EXTRA[sym]);
                int ds = decode(dist);
                if (ds >= 30) throw new SnapshotFormatException("compressed data: invalid distance symbol");
                int d = DIST_BASE[ds] + bits(DIST_EXTRA[ds]);
                if (d > outPos) throw new SnapshotFormatException("compressed data: distance " + d + " before the start");
                if (out.length - outPos < len) throw new SnapshotFormatException("compressed data expands to more than " + out.length + " bytes");
                for (int i = 0; i < len; i++, outPos++) out[outPos] = out[outPos - d];
            }
        }
    }

    private void dynamic() throws SnapshotFormatException {
        int nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
        if (nlen > 286 || ndist > 30) throw new SnapshotFormatException("compressed data: too many length or distance codes");
        byte[] lengths = new byte[320];
        for (int i = 0; i < ncode; i++) lengths[CL_ORDER[i]] = (byte) bits(3);
        Code lencode = build(lengths, 19);
        java.util.Arrays.fill(lengths, (byte) 0);
        int i = 0;
        while (i < nlen + ndist) {
            int sym = decode(lencode);
            if (sym < 16) {
                lengths[i++] = (byte) sym;
                continue;
            }
            int value = 0, repeat;
            if (sym == 16) {
                if (i == 0) throw new SnapshotFormatException("compressed data: repeat with no previous length");
                value = lengths[i - 1];
                repeat = 3 + bits(2);
            } else if (sym == 17) {
                repeat = 3 + bits(3);
            } else {
                repeat = 11 + bits(7);
            }
            if (i + repeat > nlen + ndist) throw new SnapshotFormatException("compressed data: too many code lengths");
            while (repeat-- > 0) lengths[i++] = (byte) value;
        }
        if (lengths[256] == 0) throw new SnapshotFormatException("compressed data: no end-of-block code");
        Code litlen = build(lengths, nlen);
        byte[] d = java.util.Arrays.copyOfRange(lengths, nlen, nlen + ndist);
        codes(litlen, build(d, ndist));
    }

    private static final Code FIXED_LITLEN, FIXED_DIST;

    static {
        byte[] l = new byte[288];
        for (int s = 0; s < 288; s++) l[s] = (byte) (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
        byte[] d = new byte[30];
        java.util.Arrays.fill(d, (byte) 5);
        try {
            FIXED_LITLEN = build(l, 288);
            FIXED_DIST = build(d, 30);
        } catch (SnapshotFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
