package org.x86play.snapshot;

/**
 * {@link Compression} in plain Java, usable in the browser build: writing with {@link Deflater} (LZ77 with
 * dynamic or fixed Huffman blocks, falling back to stored blocks for incompressible data) and reading with
 * {@link Inflater}. The output is raw DEFLATE that {@code java.util.zip} and {@code DecompressionStream} read
 * too, so a snapshot taken in the browser restores on the JVM and the other way round.
 */
public final class PortableCompression implements Compression {
    @Override
    public byte[] deflate(byte[] data, int offset, int length) {
        return Deflater.deflate(data, offset, length);
    }

    @Override
    public byte[] inflate(byte[] data, int offset, int length, int expectedLength) throws SnapshotFormatException {
        return Inflater.inflate(data, offset, length, expectedLength);
    }
}
