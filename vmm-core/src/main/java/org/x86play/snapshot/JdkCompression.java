package org.x86play.snapshot;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** {@link Compression} on the JVM: java.util.zip in raw mode ({@code nowrap}). Not for the browser build. */
public final class JdkCompression implements Compression {
    @Override
    public byte[] deflate(byte[] data, int offset, int length) {
        Deflater d = new Deflater(6, true);
        try {
            d.setInput(data, offset, length);
            d.finish();
            byte[] out = new byte[Math.max(64, length / 4)];
            int n = 0;
            while (!d.finished()) {
                if (n == out.length) out = java.util.Arrays.copyOf(out, out.length * 2);
                n += d.deflate(out, n, out.length - n);
            }
            return java.util.Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }

    @Override
    public byte[] inflate(byte[] data, int offset, int length, int expectedLength) throws SnapshotFormatException {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(data, offset, length);
            byte[] out = new byte[expectedLength];
            int n = 0;
            while (n < expectedLength) {
                int k = inf.inflate(out, n, expectedLength - n);
                if (k == 0) {
                    if (inf.finished() || inf.needsInput() || inf.needsDictionary()) break;
                }
                n += k;
            }
            if (n != expectedLength) {
                throw new SnapshotFormatException("compressed pages expand to " + n + " bytes, expected " + expectedLength);
            }
            // Nothing may follow: one more byte of output would mean the data was longer than declared.
            if (!inf.finished()) {
                byte[] probe = new byte[1];
                if (inf.inflate(probe) != 0 || !inf.finished()) {
                    throw new SnapshotFormatException("compressed pages expand to more than the expected " + expectedLength + " bytes");
                }
            }
            return out;
        } catch (DataFormatException e) {
            throw new SnapshotFormatException("corrupt compressed pages: " + e.getMessage());
        } finally {
            inf.end();
        }
    }
}
