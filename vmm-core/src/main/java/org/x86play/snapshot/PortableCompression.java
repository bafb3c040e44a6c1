package org.x86play.snapshot;

/**
 * {@link Compression} in plain Java, usable in the browser build: reading with {@link Inflater}; writing as
 * DEFLATE <em>stored</em> blocks (RFC 1951 §3.2.4: valid raw DEFLATE that any reader accepts, but not
 * smaller). A page that wants small snapshots from the browser deflates with {@code CompressionStream}.
 */
public final class PortableCompression implements Compression {
    private static final int MAX_STORED = 0xFFFF;

    @Override
    public byte[] deflate(byte[] data, int offset, int length) {
        int blocks = Math.max(1, (length + MAX_STORED - 1) / MAX_STORED);
        byte[] out = new byte[length + blocks * 5];
        int o = 0;
        for (int b = 0; b < blocks; b++) {
            int n = Math.min(MAX_STORED, length - b * MAX_STORED);
            out[o++] = (byte) (b == blocks - 1 ? 1 : 0);   // BFINAL, BTYPE 00, then byte alignment
            out[o++] = (byte) n;
            out[o++] = (byte) (n >>> 8);
            out[o++] = (byte) ~n;
            out[o++] = (byte) (~n >>> 8);
            System.arraycopy(data, offset + b * MAX_STORED, out, o, n);
            o += n;
        }
        return out;
    }

    @Override
    public byte[] inflate(byte[] data, int offset, int length, int expectedLength) throws SnapshotFormatException {
        return Inflater.inflate(data, offset, length, expectedLength);
    }
}
