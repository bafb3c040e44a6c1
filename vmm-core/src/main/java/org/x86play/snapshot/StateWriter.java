package org.x86play.snapshot;

/**
 * Little-endian writer of one snapshot section's payload; grows as needed. Devices write their own state
 * with it ({@code saveState(StateWriter)}), in the order their {@code loadState(StateReader)} reads it back.
 */
public final class StateWriter {
    private byte[] buf;
    private int size;

    public StateWriter() { this(256); }

    public StateWriter(int capacity) { buf = new byte[Math.max(16, capacity)]; }

    private void room(int n) {
        if (size + n > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) size + n);
            if (want > Integer.MAX_VALUE - 16) throw new IllegalStateException("snapshot section larger than 2 GiB");
            buf = java.util.Arrays.copyOf(buf, (int) want);
        }
    }

    public StateWriter u8(int v) {
        room(1);
        buf[size++] = (byte) v;
        return this;
    }

    public StateWriter u16(int v) {
        room(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    public StateWriter i32(int v) {
        room(4);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 24);
        return this;
    }

    public StateWriter i64(long v) {
        i32((int) v);
        return i32((int) (v >>> 32));
    }

    public StateWriter bool(boolean v) { return u8(v ? 1 : 0); }

    /** Raw bytes, no length prefix (the reader knows the length). */
    public StateWriter bytes(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    public StateWriter bytes(byte[] b) { return bytes(b, 0, b.length); }

    /** Every element of {@code a}, no length prefix. */
    public StateWriter ints(int[] a) {
        for (int v : a) i32(v);
        return this;
    }

    /** UTF-8 text with a u16 byte-length prefix (at most 65535 bytes). */
    public StateWriter text(String s) {
        byte[] b = Utf8.encode(s);
        if (b.length > 0xFFFF) throw new IllegalArgumentException("text longer than 65535 bytes");
        u16(b.length);
        return bytes(b);
    }

    public int size() { return size; }

    public byte[] toByteArray() { return java.util.Arrays.copyOf(buf, size); }

    /** The internal buffer (valid bytes 0..size). */
    byte[] buffer() { return buf; }

    /** Overwrites 4 bytes at {@code at} (for lengths and checksums written after their content). */
    void patch32(int at, int v) {
        buf[at] = (byte) v;
        buf[at + 1] = (byte) (v >>> 8);
        buf[at + 2] = (byte) (v >>> 16);
        buf[at + 3] = (byte) (v >>> 24);
    }
}
