package org.x86play.snapshot;

/**
 * Raw DEFLATE (RFC 1951, no zlib or gzip wrapper) for the stored RAM pages. Raw deflate is what both sides
 * have: {@code java.util.zip} with {@code nowrap} on the JVM ({@link JdkCompression}) and
 * {@code CompressionStream('deflate-raw')} in browsers, so a snapshot written by either reads in the other.
 * Kept behind this interface because TeaVM's class library has no Deflater/Inflater; {@link PortableCompression}
 * is the pure-Java codec ({@link Deflater}, {@link Inflater}) the browser build uses.
 */
public interface Compression {
    byte[] deflate(byte[] data, int offset, int length);

    /**
     * Inflates {@code data[offset .. offset+length)}, which must expand to exactly {@code expectedLength} bytes
     * (never more is allocated or produced).
     */
    byte[] inflate(byte[] data, int offset, int length, int expectedLength) throws SnapshotFormatException;
}
