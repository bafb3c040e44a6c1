package org.x86play.snapshot;

/**
 * Little-endian reader of one snapshot section's payload. Every read checks the remaining length, and the
 * value checks ({@link #intIn}, {@link #count}, {@link #bool}) name the field, so a hostile snapshot ends in a
 * {@link SnapshotFormatException} saying what was wrong, never an index exception or a huge allocation.
 */
public final class StateReader {
    private final byte[] data;
    private final int end;
    private int pos;
    private final String section;
    private final int minor;

    /** Reads {@code data[offset .. offset+length)}; {@code section} names it in messages; {@code minor} is the schema minor. */
    public StateReader(byte[] data, int offset, int length, String section, int minor) {
        if (offset < 0 || length < 0 || offset > data.length - length) throw new IllegalArgumentException("slice");
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
        this.section = section;
        this.minor = minor;
    }

    /** Schema minor version of the snapshot being read (fields added in later minors are read only when present). */
    public int minor() { return minor; }

    public int remaining() { return end - pos; }

    public String section() { return section; }

    private void need(int n, String what) throws SnapshotFormatException {
        if (n < 0 || end - pos < n) {
            throw fail("truncated: " + what + " needs " + n + " bytes, " + (end - pos) + " left");
        }
    }

    /** An exception naming this section and the byte position. */
    public SnapshotFormatException fail(String message) {
        return new SnapshotFormatException("snapshot section '" + section + "' at byte " + pos + ": " + message);
    }

    public int u8() throws SnapshotFormatException {
        need(1, "a byte");
        return data[pos++] & 0xFF;
    }

    public int u16() throws SnapshotFormatException {
        need(2, "a 16-bit value");
        int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    public int i32() throws SnapshotFormatException {
        need(4, "a 32-bit value");
        int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16 | (data[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    public long i64() throws SnapshotFormatException {
        long lo = i32() & 0xFFFFFFFFL;
        return lo | (long) i32() << 32;
    }

    /** A boolean stored as 0 or 1; anything else is rejected. */
    public boolean bool(String what) throws SnapshotFormatException {
        int v = u8();
        if (v > 1) throw fail(what + " must be 0 or 1, got " + v);
        return v == 1;
    }

    /** A 32-bit value that must lie in [min, max]. */
    public int intIn(int min, int max, String what) throws SnapshotFormatException {
        int v = i32();
        if (v < min || v > max) throw fail(what + " must be " + min + ".." + max + ", got " + v);
        return v;
    }

    /** A 64-bit value that must lie in [min, max]. */
    public long longIn(long min, long max, String what) throws SnapshotFormatException {
        long v = i64();
        if (v < min || v > max) throw fail(what + " must be " + min + ".." + max + ", got " + v);
        return v;
    }

    /** A count of items of at least {@code itemBytes} bytes each: at most {@code max} and what the rest of the section can hold. */
    public int count(int max, int itemBytes, String what) throws SnapshotFormatException {
        int n = i32();
        if (n < 0 || n > max) throw fail(what + " count must be 0.." + max + ", got " + n);
        if (itemBytes > 0 && (long) n * itemBytes > end - pos) {
            throw fail(what + " count " + n + " needs " + (long) n * itemBytes + " bytes, only " + (end - pos) + " left");
        }
        return n;
    }

    /** Fills {@code dst} completely. */
    public void bytes(byte[] dst) throws SnapshotFormatException {
        need(dst.length, dst.length + " bytes");
        System.arraycopy(data, pos, dst, 0, dst.length);
        pos += dst.length;
    }

    /** Fills {@code dst} completely. */
    public void ints(int[] dst) throws SnapshotFormatException {
        need(dst.length * 4, dst.length + " 32-bit values");
        for (int i = 0; i < dst.length; i++) dst[i] = i32();
    }

    /** Fills {@code dst} with values each in [min, max]. */
    public void intsIn(int[] dst, int min, int max, String what) throws SnapshotFormatException {
        need(dst.length * 4, dst.length + " 32-bit values");
        for (int i = 0; i < dst.length; i++) dst[i] = intIn(min, max, what + "[" + i + "]");
    }

    /** Text written by {@link StateWriter#text}. */
    public String text(String what) throws SnapshotFormatException {
        int n = u16();
        need(n, what);
        String s = Utf8.decode(data, pos, n);
        pos += n;
        return s;
    }

    /** The position in the underlying array (for slices handed to decoders). */
    int position() { return pos; }

    byte[] array() { return data; }

    /** Skips {@code n} bytes (checked). */
    void skip(int n, String what) throws SnapshotFormatException {
        need(n, what);
        pos += n;
    }

    /** Fails unless every byte was read: a section longer than its reader expects is corrupt. */
    public void expectEnd() throws SnapshotFormatException {
        if (pos != end) throw fail((end - pos) + " unexpected bytes at the end of the section");
    }
}
