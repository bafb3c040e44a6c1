package org.x86play.server.snapshots;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Content-defined chunking with a gear rolling hash: a boundary falls where the hash of the last bytes has its
 * top {@value #MASK_BITS} bits zero, so an insertion or a section that changed length early in a snapshot moves
 * only the chunks around it and the rest (most of guest RAM) keeps the same chunks, stored once.
 * Chunks are between {@value #MIN} and {@value #MAX} bytes (average about 64 KiB above the minimum).
 */
public final class ContentChunker {
    static final int MIN = 16 << 10, MAX = 256 << 10, MASK_BITS = 16;
    private static final long MASK = -1L << (64 - MASK_BITS);
    /** The gear table: fixed pseudo-random values (a fixed seed, so chunk boundaries never change between versions). */
    private static final long[] GEAR = new long[256];

    static {
        SplittableRandom r = new SplittableRandom(0x5EED_C0DE_2026L);
        for (int i = 0; i < GEAR.length; i++) GEAR[i] = r.nextLong();
    }

    private ContentChunker() {}

    /** End offsets (exclusive) of the chunks of {@code data}; the last one is {@code data.length}. Empty data has none. */
    public static List<Integer> boundaries(byte[] data) {
        List<Integer> ends = new ArrayList<>();
        int start = 0, n = data.length;
        while (start < n) {
            int end = Math.min(n, start + MAX);
            int cut = end;
            long h = 0;
            for (int i = start + MIN; i < end; i++) {
                h = (h << 1) + GEAR[data[i] & 0xFF];
                if ((h & MASK) == 0) {
                    cut = i + 1;
                    break;
                }
            }
            ends.add(cut);
            start = cut;
        }
        return ends;
    }
}
