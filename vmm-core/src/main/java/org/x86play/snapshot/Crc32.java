package org.x86play.snapshot;

/**
 * CRC-32 as in ISO-HDLC / zlib / PNG (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF;
 * RFC 1952 §8), table-driven. Written here so the core needs no java.util.zip (TeaVM's class library is not
 * relied on for it).
 */
public final class Crc32 {
    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            TABLE[n] = c;
        }
    }

    private Crc32() {}

    /** CRC-32 of {@code b[off .. off+len)}. */
    public static int of(byte[] b, int off, int len) {
        int c = 0xFFFFFFFF;
        for (int i = off, e = off + len; i < e; i++) c = TABLE[(c ^ b[i]) & 0xFF] ^ (c >>> 8);
        return ~c;
    }
}
