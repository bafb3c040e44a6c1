package org.x86play.acpi;

/** A growable little-endian byte buffer for ACPI tables and AML (ACPI is little-endian throughout, §5.2). */
final class ByteSink {
    private byte[] buf = new byte[64];
    private int len;

    int size() { return len; }

    ByteSink u8(int v) {
        if (len == buf.length) buf = java.util.Arrays.copyOf(buf, len * 2);
        buf[len++] = (byte) v;
        return this;
    }

    ByteSink u16(int v) { return u8(v).u8(v >>> 8); }

    ByteSink u32(int v) { return u16(v).u16(v >>> 16); }

    /** A 64-bit field holding a 32-bit address (zero-extended). */
    ByteSink u64(int v) { return u32(v).u32(0); }

    ByteSink bytes(byte[] b) {
        for (byte x : b) u8(x);
        return this;
    }

    ByteSink zeros(int n) {
        for (int i = 0; i < n; i++) u8(0);
        return this;
    }

    /** {@code s} as ASCII in exactly {@code width} bytes, space-padded (ACPI OEM fields). */
    ByteSink ascii(String s, int width) {
        for (int i = 0; i < width; i++) u8(i < s.length() ? s.charAt(i) & 0x7F : ' ');
        return this;
    }

    /** Pads with zeros to a multiple of {@code align} (a power of two). */
    ByteSink align(int align) {
        while ((len & (align - 1)) != 0) u8(0);
        return this;
    }

    void set8(int at, int v) { buf[at] = (byte) v; }

    void set32(int at, int v) {
        for (int i = 0; i < 4; i++) buf[at + i] = (byte) (v >>> (i << 3));
    }

    byte[] toArray() { return java.util.Arrays.copyOf(buf, len); }
}
