package org.x86play.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure-Java raw DEFLATE encoder, read back by java.util.zip and by our {@link Inflater}. */
class DeflaterTest {
    private static final JdkCompression JDK = new JdkCompression();

    /** Compresses, checks both decoders give the input back, and returns the compressed bytes. */
    private static byte[] roundTrip(byte[] data, String what) throws Exception {
        return roundTrip(data, 0, data.length, what);
    }

    private static byte[] roundTrip(byte[] data, int off, int len, String what) throws Exception {
        byte[] z = Deflater.deflate(data, off, len);
        byte[] expected = Arrays.copyOfRange(data, off, off + len);
        assertArrayEquals(expected, Inflater.inflate(z, 0, z.length, len), what + ": our Inflater");
        assertArrayEquals(expected, jdkInflate(z, len), what + ": java.util.zip.Inflater(nowrap)");
        return z;
    }

    /** java.util.zip in raw mode, also checking the stream ends exactly (final block, nothing left over). */
    private static byte[] jdkInflate(byte[] z, int expected) throws Exception {
        java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
        try {
            inf.setInput(z);
            byte[] out = new byte[expected + 1];
            int n = 0;
            while (!inf.finished()) {
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
                    throw new AssertionError("java.util.zip wants more input after " + n + " bytes");
                }
                n += k;
            }
            assertEquals(expected, n, "java.util.zip output size");
            assertEquals(0, inf.getRemaining(), "bytes left after the final block");
            return Arrays.copyOf(out, n);
        } finally {
            inf.end();
        }
    }

    private static byte[] jdkDeflate(byte[] data, int level) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(level, true);
        try {
            d.setInput(data);
            d.finish();
            byte[] out = new byte[data.length + data.length / 100 + 1024];
            int n = 0;
            while (!d.finished()) {
                if (n == out.length) out = Arrays.copyOf(out, out.length * 2);
                n += d.deflate(out, n, out.length - n);
            }
            return Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }

    @Test
    void emptyInputIsOneFinalBlock() throws Exception {
        byte[] z = roundTrip(new byte[0], "empty");
        assertTrue(z.length <= 2, "empty input compresses to " + z.length + " bytes");
    }

    @Test
    void singleBytes() throws Exception {
        for (int b = 0; b < 256; b++) roundTrip(new byte[] {(byte) b}, "byte " + b);
        roundTrip(new byte[] {1, 2}, "two bytes");
        roundTrip(new byte[] {7, 7, 7}, "three equal bytes");
        roundTrip(new byte[] {7, 7, 7, 7}, "four equal bytes");
    }

    @Test
    void allZeroMegabyteIsTiny() throws Exception {
        byte[] z = roundTrip(new byte[1 << 20], "1 MiB of zeros");
        assertTrue(z.length < 2000, "1 MiB of zeros compresses to " + z.length + " bytes");
    }

    @Test
    void oneRepeatedByte() throws Exception {
        for (int size : new int[] {5, 258, 259, 260, 261, 1000, 65535, 65536, 100_000}) {
            byte[] data = new byte[size];
            Arrays.fill(data, (byte) 0xA5);
            byte[] z = roundTrip(data, "0xA5 x " + size);
            assertTrue(z.length < 20 + size / 100, size + " equal bytes compress to " + z.length);
        }
    }

    @Test
    void shortRepeatedPatterns() throws Exception {
        for (int period = 1; period <= 40; period++) {
            byte[] data = new byte[5000 + period * 37];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i % period * 31 + 7);
            byte[] z = roundTrip(data, "period " + period);
            assertTrue(z.length < 200, "period " + period + " compresses to " + z.length);
        }
    }

    @Test
    void textLikeData() throws Exception {
        byte[] data = text(new Random(5), 300_000);
        byte[] z = roundTrip(data, "text");
        assertTrue(z.length < data.length / 2, "text compresses to " + z.length + " of " + data.length);
    }

    @Test
    void randomBytesCostLittleOverhead() throws Exception {
        Random rnd = new Random(1);
        for (int size : new int[] {1, 2, 3, 100, 65535, 65536, 65537, 200_000, 1 << 20}) {
            byte[] data = new byte[size];
            rnd.nextBytes(data);
            byte[] z = roundTrip(data, "random " + size);
            // Stored blocks of at least BLOCK_SYMBOLS bytes each (random data has almost no matches), 5 bytes a header.
            int blocks = size / Deflater.BLOCK_SYMBOLS + 1;
            assertTrue(z.length <= size + 5 * blocks + 2, "random " + size + " grows to " + z.length);
        }
    }

    @Test
    void longDistanceMatches() throws Exception {
        Random rnd = new Random(2);
        for (int gap : new int[] {32768 - 300, 32768 - 258, 32768 - 3, 32768, 32769, 40000}) {
            byte[] block = new byte[gap];
            rnd.nextBytes(block);
            byte[] data = new byte[gap * 3];
            System.arraycopy(block, 0, data, 0, gap);
            System.arraycopy(block, 0, data, gap, gap);
            System.arraycopy(block, 0, data, 2 * gap, gap);
            byte[] z = roundTrip(data, "repeat at distance " + gap);
            if (gap <= 32768) {
                assertTrue(z.length < gap + gap / 10, "distance " + gap + ": " + z.length + " bytes for " + data.length);
            }
        }
        // A single 3-byte prefix repeated exactly 32 KiB back, and matches crossing block boundaries.
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt() : i >= 32768 ? data[i - 32768] : i * 13);
        roundTrip(data, "noisy copies 32 KiB back");
    }

    @Test
    void matchLengthsAroundTheMaximum() throws Exception {
        Random rnd = new Random(3);
        for (int len : new int[] {3, 4, 10, 11, 257, 258, 259, 516, 517}) {
            byte[] seed = new byte[600];
            rnd.nextBytes(seed);
            byte[] data = new byte[600 + 50 + len + 50];
            System.arraycopy(seed, 0, data, 0, 600);
            for (int i = 600; i < 650; i++) data[i] = (byte) rnd.nextInt();
            System.arraycopy(seed, 0, data, 650, len);
            for (int i = 650 + len; i < data.length; i++) data[i] = (byte) rnd.nextInt();
            roundTrip(data, "copy of " + len);
        }
    }

    @Test
    void offsetSlicesAndBadSlices() throws Exception {
        byte[] data = text(new Random(4), 10_000);
        roundTrip(data, 123, 5000, "slice");
        roundTrip(data, 10_000, 0, "empty slice at the end");
        assertThrows(IndexOutOfBoundsException.class, () -> Deflater.deflate(data, -1, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> Deflater.deflate(data, 9000, 1001));
    }

    @Test
    void manySmallBlocksAndSkewedFrequencies() throws Exception {
        // Over BLOCK_SYMBOLS literals per block; and Fibonacci-like frequencies, which make deep Huffman trees.
        Random rnd = new Random(8);
        byte[] data = new byte[Deflater.BLOCK_SYMBOLS * 5 + 17];
        for (int i = 0; i < data.length; i++) data[i] = (byte) rnd.nextInt(7);
        roundTrip(data, "small alphabet");
        int[] fib = new int[24];
        fib[0] = 1;
        fib[1] = 1;
        for (int k = 2; k < fib.length; k++) fib[k] = fib[k - 1] + fib[k - 2];
        int total = 0;
        for (int f : fib) total += f;
        byte[] skew = new byte[total];
        int at = 0;
        for (int k = 0; k < fib.length; k++) for (int j = 0; j < fib[k]; j++) skew[at++] = (byte) (k * 10);
        // Shuffle so that LZ77 finds few matches and literal frequencies stay Fibonacci.
        for (int i = skew.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            byte t = skew[i];
            skew[i] = skew[j];
            skew[j] = t;
        }
        roundTrip(skew, "Fibonacci frequencies");
    }

    @Test
    void lengthLimitedCodesAreCompleteAndNearOptimal() {
        Random rnd = new Random(21);
        int worst = 0;
        double worstExcess = 0;
        for (int round = 0; round < 400; round++) {
            int symbols = round % 3 == 0 ? 19 : round % 3 == 1 ? 30 : 286;
            int maxBits = symbols == 19 ? 7 : 15;
            int[] freq = new int[symbols];
            int kind = round % 5;
            for (int s = 0; s < symbols; s++) {
                if (kind == 0) freq[s] = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(1000);
                else if (kind == 1) freq[s] = s < 32 ? (int) Math.min(1 << 21, Math.round(Math.pow(1.618, s))) : 0;   // Fibonacci-like
                else if (kind == 2) freq[s] = rnd.nextInt(4) == 0 ? 1 << rnd.nextInt(21) : 0;                          // wildly skewed
                else if (kind == 3) freq[s] = s == round % symbols ? 1 + rnd.nextInt(100) : 0;                        // one symbol
                else freq[s] = 0;                                                                                        // none
            }
            int[] len = Deflater.codeLengths(freq, maxBits);
            long kraft = 0;
            int coded = 0;
            for (int s = 0; s < symbols; s++) {
                assertTrue(len[s] >= 0 && len[s] <= maxBits, "round " + round + ": length " + len[s]);
                if (freq[s] > 0) assertTrue(len[s] > 0, "round " + round + ": used symbol " + s + " has no code");
                if (len[s] > 0) {
                    kraft += 1L << (maxBits - len[s]);
                    coded++;
                }
            }
            assertTrue(coded >= 2, "round " + round + ": at least two codes");
            assertEquals(1L << maxBits, kraft, "round " + round + ": the code is complete");
            long ours = 0, best = 0;
            int[] opt = packageMerge(freq, maxBits);
            for (int s = 0; s < symbols; s++) {
                ours += (long) freq[s] * len[s];
                best += (long) freq[s] * opt[s];
            }
            assertTrue(ours >= best, "package-merge is optimal");
            double excess = best == 0 ? 0 : (double) (ours - best) / best;
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = round;
            }
            assertTrue(excess <= 0.03, "round " + round + ": " + ours + " bits against the optimal " + best);
        }
        System.out.printf("deflater: length-limited codes at most %.2f%% above optimal (round %d)%n", worstExcess * 100, worst);
    }

    /** Optimal length-limited code lengths by package-merge (the reference; slow and simple). */
    private static int[] packageMerge(int[] freq, int maxBits) {
        int n = freq.length;
        int[] syms = java.util.stream.IntStream.range(0, n).filter(s -> freq[s] > 0).boxed()
            .sorted((a, b) -> Integer.compare(freq[a], freq[b])).mapToInt(Integer::intValue).toArray();
        int[] len = new int[n];
        if (syms.length < 2) return len;   // nothing to compare: any two codes of length 1 cost the same
        // An item is (weight, count of each leaf in it).
        java.util.List<long[]> leaves = new java.util.ArrayList<>();
        for (int k = 0; k < syms.length; k++) {
            long[] item = new long[syms.length + 1];
            item[0] = freq[syms[k]];
            item[k + 1] = 1;
            leaves.add(item);
        }
        java.util.List<long[]> list = leaves;
        for (int level = 1; level < maxBits; level++) {
            java.util.List<long[]> packages = new java.util.ArrayList<>();
            for (int k = 0; k + 1 < list.size(); k += 2) {
                long[] a = list.get(k), b = list.get(k + 1), p = new long[a.length];
                for (int j = 0; j < p.length; j++) p[j] = a[j] + b[j];
                packages.add(p);
            }
            java.util.List<long[]> merged = new java.util.ArrayList<>(leaves);
            merged.addAll(packages);
            merged.sort((a, b) -> Long.compare(a[0], b[0]));
            list = merged;
        }
        for (int k = 0; k < 2 * syms.length - 2; k++) {
            long[] item = list.get(k);
            for (int j = 0; j < syms.length; j++) len[syms[j]] += (int) item[j + 1];
        }
        return len;
    }

    @Test
    void seededFuzz() throws Exception {
        Random rnd = new Random(12345);
        for (int round = 0; round < 300; round++) {
            int size = rnd.nextInt(4) == 0 ? rnd.nextInt(200_000) : rnd.nextInt(3000);
            byte[] data = new byte[size];
            int i = 0;
            while (i < size) {
                int piece = Math.min(size - i, 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 2000));
                switch (rnd.nextInt(5)) {
                    case 0 -> { byte b = (byte) rnd.nextInt(); for (int k = 0; k < piece; k++) data[i + k] = b; }
                    case 1 -> { for (int k = 0; k < piece; k++) data[i + k] = (byte) rnd.nextInt(); }
                    case 2 -> { for (int k = 0; k < piece; k++) data[i + k] = (byte) rnd.nextInt(1 + rnd.nextInt(8)); }
                    default -> {
                        if (i == 0) break;
                        int d = 1 + rnd.nextInt(Math.min(i, rnd.nextBoolean() ? 64 : 40_000));
                        for (int k = 0; k < piece; k++) data[i + k] = data[i + k - d];
                    }
                }
                i += piece;
            }
            roundTrip(data, "fuzz round " + round + " (" + size + " bytes)");
        }
    }

    @Test
    void compressesAlmostAsWellAsTheJdkOnMixedRam() throws Exception {
        for (int seed = 0; seed < 3; seed++) {
            byte[] data = mixedRam(new Random(seed), 1 << 20);
            byte[] ours = roundTrip(data, "mixed RAM " + seed);
            byte[] jdk = jdkDeflate(data, 6);
            double ratio = (double) ours.length / jdk.length;
            System.out.printf("deflater: mixed RAM sample %d: ours %d bytes, JDK level 6 %d bytes (%.3f x)%n",
                seed, ours.length, jdk.length, ratio);
            assertTrue(ratio < 1.25, "ours " + ours.length + " vs JDK level 6 " + jdk.length);
            assertTrue(ours.length < data.length * 3 / 5, "the sample compresses: " + ours.length);
        }
    }

    @Test
    void portableCompressionUsesTheDeflater() throws Exception {
        byte[] data = mixedRam(new Random(9), 256 * 1024);
        PortableCompression portable = new PortableCompression();
        byte[] z = portable.deflate(data, 0, data.length);
        assertTrue(z.length < data.length / 2, "portable deflate compresses: " + z.length);
        assertArrayEquals(data, portable.inflate(z, 0, z.length, data.length));
        assertArrayEquals(data, JDK.inflate(z, 0, z.length, data.length));
    }

    /** Prints throughput and size against java.util.zip on a 1 MiB mixed buffer; asserts nothing about time. */
    @Test
    void throughputReport() throws Exception {
        byte[] data = mixedRam(new Random(42), 1 << 20);
        for (int warm = 0; warm < 3; warm++) {
            Deflater.deflate(data, 0, data.length);
            jdkDeflate(data, 6);
        }
        int reps = 5;
        byte[] ours = null, jdk = null;
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) ours = Deflater.deflate(data, 0, data.length);
        long t1 = System.nanoTime();
        for (int r = 0; r < reps; r++) jdk = jdkDeflate(data, 6);
        long t2 = System.nanoTime();
        double mb = reps * (double) data.length / (1 << 20);
        System.out.printf("deflater throughput on 1 MiB mixed: ours %.1f MB/s -> %d bytes; JDK level 6 %.1f MB/s -> %d bytes; size ratio %.3f%n",
            mb / ((t1 - t0) / 1e9), ours.length, mb / ((t2 - t1) / 1e9), jdk.length, (double) ours.length / jdk.length);
        assertArrayEquals(data, Inflater.inflate(ours, 0, ours.length, data.length));
    }

    // ---------------------------------------------------------------- samples

    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
        + "which but have an they you were her she there been one all we their has would when if so no will more can "
        + "kernel page table interrupt device driver memory buffer queue register snapshot restore guest boot").split(" ");

    private static byte[] text(Random rnd, int size) {
        StringBuilder sb = new StringBuilder(size + 100);
        while (sb.length() < size) {
            sb.append(WORDS[(int) Math.abs(rnd.nextGaussian() * 12) % WORDS.length]);
            sb.append(rnd.nextInt(12) == 0 ? ".\n" : " ");
        }
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    /**
     * A synthetic stand-in for the stored pages of a guest: pages of x86-like code (a small vocabulary of
     * instruction byte sequences with varying immediates), page tables and descriptor-like structures padded
     * with zeros, log text, and some random (already compressed or encrypted-looking) pages.
     */
    static byte[] mixedRam(Random rnd, int size) {
        byte[] data = new byte[size];
        byte[][] insns = {
            {0x55}, {(byte) 0x89, (byte) 0xE5}, {(byte) 0x83, (byte) 0xEC, 0}, {(byte) 0x8B, 0x45, 0}, {(byte) 0x89, 0x45, 0},
            {(byte) 0xE8, 0, 0, 0, 0}, {(byte) 0xC3}, {0x5D}, {(byte) 0x85, (byte) 0xC0}, {0x74, 0}, {0x75, 0},
            {(byte) 0xB8, 0, 0, 0, 0}, {0x31, (byte) 0xC0}, {(byte) 0x8D, 0x76, 0}, {0x0F, (byte) 0xB6, 0x45, 0},
            {(byte) 0xFF, 0x75, 0}, {0x6A, 0}, {(byte) 0x83, (byte) 0xC4, 0x10}, {(byte) 0x90}};
        byte[] log = text(rnd, 64 * 1024);
        for (int page = 0; page < size / 4096; page++) {
            int at = page * 4096, end = at + 4096;
            int kind = rnd.nextInt(10);
            if (kind < 4) {                                       // code
                while (at < end) {
                    byte[] ins = insns[Math.min(insns.length - 1, (int) Math.abs(rnd.nextGaussian() * 6))];
                    for (int k = 0; k < ins.length && at < end; k++) {
                        data[at++] = ins[k] != 0 || k == 0 ? ins[k] : (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt() : (rnd.nextInt(16) * 4));
                    }
                }
            } else if (kind < 6) {                                // page table / structures: sparse words
                int stride = 4 << rnd.nextInt(4);
                int used = rnd.nextInt(4096 / stride + 1);
                int frame = rnd.nextInt(1 << 20);
                for (int k = 0; k < used; k++) {
                    int v = (frame + k) << 12 | 0x067;
                    int p = at + k * stride;
                    data[p] = (byte) v;
                    data[p + 1] = (byte) (v >>> 8);
                    data[p + 2] = (byte) (v >>> 16);
                    data[p + 3] = (byte) (v >>> 24);
                }
            } else if (kind < 8) {                                // repetitive text (logs, strings)
                int from = rnd.nextInt(log.length - 4096);
                System.arraycopy(log, from, data, at, 4096);
            } else if (kind == 8) {                               // heap-like: small records with pointers
                int ptr = 0xC0000000 | rnd.nextInt(1 << 24) & ~7;
                for (int p = at; p + 16 <= end; p += 16) {
                    int v = ptr + rnd.nextInt(64) * 16;
                    data[p] = (byte) v; data[p + 1] = (byte) (v >>> 8); data[p + 2] = (byte) (v >>> 16); data[p + 3] = (byte) (v >>> 24);
                    data[p + 4] = (byte) rnd.nextInt(8);
                    data[p + 8] = (byte) rnd.nextInt();
                }
            } else {                                              // incompressible
                for (int p = at; p < end; p++) data[p] = (byte) rnd.nextInt();
            }
        }
        return data;
    }
}
