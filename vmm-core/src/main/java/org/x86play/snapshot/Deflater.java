package org.x86play.snapshot;

/**
 * A raw DEFLATE encoder (RFC 1951, no zlib or gzip wrapper) in plain Java, for the browser build where
 * {@code java.util.zip} does not exist. Its output is read by {@link Inflater}, by {@code java.util.zip.Inflater}
 * with {@code nowrap} and by browsers' {@code DecompressionStream('deflate-raw')}.
 *
 * <p>Matching is LZ77 over a 32 KiB window (§3.2.5): hash chains over 3-byte prefixes, a bounded chain walk
 * and one step of lazy matching (a match is deferred when the next position has a longer one). Symbols are
 * gathered in blocks of up to {@link #BLOCK_SYMBOLS}; each block is written as whichever is smallest of
 * dynamic Huffman (§3.2.7, length-limited codes), fixed Huffman (§3.2.6) or stored (§3.2.4). Every dynamic
 * code written is complete (its Kraft sum is exactly 1), which strict decoders such as zlib require.
 *
 * <p>Kept TeaVM-friendly (it runs as WebAssembly GC and JavaScript): int and byte arrays only, no
 * {@code long}, no allocation per symbol, and every array index in bounds by construction.
 */
public final class Deflater {
    private static final int WINDOW = 1 << 15;
    private static final int HASH_BITS = 15;
    private static final int MIN_MATCH = 3, MAX_MATCH = 258;
    /** Chain walk bound; a quarter of it when the deferred match is already {@link #GOOD_LENGTH} long. */
    private static final int MAX_CHAIN = 128, GOOD_LENGTH = 8;
    /** A match this long ends the chain walk. */
    private static final int NICE_LENGTH = 128;
    /** A match this long is taken at once, without looking one position further (lazy matching). */
    private static final int LAZY_LENGTH = 32;
    /** A 3-byte match further back than this costs more than three literals, so it is not taken. */
    private static final int TOO_FAR = 4096;
    /** Symbols per block (at most; the last block of the input is shorter). */
    static final int BLOCK_SYMBOLS = 16384;
    private static final int MAX_STORED = 0xFFFF;

    private static final int LITLEN_CODES = 286, DIST_CODES = 30, CL_CODES = 19, END_OF_BLOCK = 256;
    // RFC 1951 §3.2.5 and §3.2.7 tables, the decoder's.
    private static final short[] LENGTH_BASE = Inflater.LENGTH_BASE;
    private static final byte[] LENGTH_EXTRA = Inflater.LENGTH_EXTRA, DIST_EXTRA = Inflater.DIST_EXTRA, CL_ORDER = Inflater.CL_ORDER;
    private static final int[] DIST_BASE = Inflater.DIST_BASE;
    private static final int[] CL_EXTRA = {2, 3, 7};   // extra bits of code length symbols 16, 17, 18

    /** Length code (0..28, i.e. symbol 257 + it) of each match length 0..258 (entries below 3 unused). */
    private static final int[] LENGTH_CODE = new int[MAX_MATCH + 1];
    /** Distance code of distance d: {@code DIST_LOW[d - 1]} for d up to 512, else {@code DIST_HIGH[(d - 1) >> 8]}. */
    private static final int[] DIST_LOW = new int[512], DIST_HIGH = new int[WINDOW >> 8];
    /** The fixed code (§3.2.6): lengths and bit-reversed codes of literal/length symbols 0..287, distances 0..29. */
    private static final int[] FIXED_LIT_LEN = new int[288], FIXED_LIT_CODE = new int[288];
    private static final int[] FIXED_DIST_LEN = new int[DIST_CODES], FIXED_DIST_CODE = new int[DIST_CODES];

    static {
        for (int c = 0; c < 28; c++) {
            for (int j = 0; j < (1 << LENGTH_EXTRA[c]) && LENGTH_BASE[c] + j < MAX_MATCH; j++) LENGTH_CODE[LENGTH_BASE[c] + j] = c;
        }
        LENGTH_CODE[MAX_MATCH] = 28;   // 258 has its own symbol, 285 (284 with extra 31 would be invalid)
        for (int c = 0; c < DIST_CODES; c++) {
            for (int j = 0; j < (1 << DIST_EXTRA[c]); j++) {
                int d = DIST_BASE[c] + j;
                if (d <= 512) DIST_LOW[d - 1] = c;
                else DIST_HIGH[(d - 1) >> 8] = c;
            }
        }
        for (int s = 0; s < 288; s++) FIXED_LIT_LEN[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
        canonicalCodes(FIXED_LIT_LEN, 288, FIXED_LIT_CODE);
        java.util.Arrays.fill(FIXED_DIST_LEN, 5);
        canonicalCodes(FIXED_DIST_LEN, DIST_CODES, FIXED_DIST_CODE);
    }

    private final byte[] in;
    private final int base, n;

    private byte[] out;
    private int outPos, bitBuf, bitCount;

    /**
     * Hash chains: {@code head} the latest position of each hash, {@code prev} the one before of each position
     * (modulo the window). Both are smaller for short inputs: {@code prev} never needs more entries than the
     * input has positions.
     */
    private final int[] head, prev;
    private final int hashShift, wmask;
    private int matchDist;

    /** The current block: per symbol, a literal byte (dist 0) or a match length and distance. */
    private final int[] symLit, symDist;
    private final int blockSymbols;
    private int symbols;
    /** Input consumed by the symbols so far, and where the current block's input starts. */
    private int emitted, blockStart;
    private final int[] litFreq = new int[LITLEN_CODES], distFreq = new int[DIST_CODES];

    private final int[] litLen = new int[LITLEN_CODES], litCode = new int[LITLEN_CODES];
    private final int[] distLen = new int[DIST_CODES], distCode = new int[DIST_CODES];
    private final int[] clFreq = new int[CL_CODES], clLen = new int[CL_CODES], clCode = new int[CL_CODES];
    /** The run-length coded code lengths of a dynamic header: symbol 0..18 and its extra bits. */
    private final int[] rleSym = new int[LITLEN_CODES + DIST_CODES], rleExtra = new int[LITLEN_CODES + DIST_CODES];
    private final int[] allLens = new int[LITLEN_CODES + DIST_CODES];
    private int rleCount;
    /** Huffman construction scratch: sorted (frequency, symbol) keys, node weights, parents and depths. */
    private final int[] hKeys = new int[LITLEN_CODES], hWeight = new int[2 * LITLEN_CODES],
        hParent = new int[2 * LITLEN_CODES], hDepth = new int[2 * LITLEN_CODES];

    private Deflater(byte[] in, int off, int len) {
        this.in = in;
        this.base = off;
        this.n = len;
        this.out = new byte[64 + (len >>> 3)];
        int bits = 8;
        while (bits < HASH_BITS && (1 << bits) < len) bits++;
        head = new int[1 << bits];
        hashShift = 32 - bits;
        int w = 256;
        while (w < WINDOW && w < len) w <<= 1;
        prev = new int[w];
        wmask = w - 1;
        blockSymbols = Math.min(BLOCK_SYMBOLS, len + 1);
        symLit = new int[blockSymbols];
        symDist = new int[blockSymbols];
    }

    /** Compresses {@code data[offset .. offset+length)} to raw DEFLATE. */
    public static byte[] deflate(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IndexOutOfBoundsException("deflate slice " + offset + "+" + length + " of " + data.length);
        }
        Deflater d = new Deflater(data, offset, length);
        d.compress();
        return java.util.Arrays.copyOf(d.out, d.outPos);
    }

    // ---------------------------------------------------------------- LZ77

    private int hash(int pos) {
        int p = base + pos;
        int v = (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8 | (in[p + 2] & 0xFF) << 16;
        return (v * 0x9E3779B1) >>> hashShift;
    }

    /** Adds position {@code pos} to its hash chain (positions with fewer than 3 bytes left have none). */
    private void insert(int pos) {
        if (pos + MIN_MATCH > n) return;
        int h = hash(pos);
        prev[pos & wmask] = head[h];
        head[h] = pos;
    }

    /**
     * The longest match for {@code pos} among the chain starting at {@code cand} that is longer than
     * {@code prevLen} (and at least 3): its length, with the distance in {@link #matchDist}; 0 if none.
     * Every position on a chain is before {@code pos}, and those more than a window back end the walk.
     */
    private int longestMatch(int pos, int cand, int prevLen) {
        int maxLen = Math.min(MAX_MATCH, n - pos);
        int best = Math.max(MIN_MATCH - 1, prevLen);
        if (best >= maxLen) return 0;
        int chain = prevLen >= GOOD_LENGTH ? MAX_CHAIN >> 2 : MAX_CHAIN;
        int limit = pos - WINDOW;
        int bestDist = 0;
        byte[] d = in;
        int p = base + pos;
        while (cand >= limit && cand >= 0 && chain-- > 0) {
            int c = base + cand;
            // best < maxLen <= n - pos, and cand < pos: both probes are inside the input.
            if (d[c + best] == d[p + best] && d[c] == d[p] && d[c + 1] == d[p + 1]) {
                int k = 2;
                while (k < maxLen && d[c + k] == d[p + k]) k++;
                if (k > best) {
                    best = k;
                    bestDist = pos - cand;
                    if (k >= NICE_LENGTH || k >= maxLen) break;
                }
            }
            cand = prev[cand & wmask];
        }
        if (bestDist == 0) return 0;
        matchDist = bestDist;
        return best;
    }

    private void compress() {
        java.util.Arrays.fill(head, -1);
        int i = 0;
        boolean pending = false;   // a match found at i - 1, deferred to see whether i has a longer one
        int pLen = 0, pDist = 0;
        while (i < n) {
            int h = -1, cand = -1;
            if (i + MIN_MATCH <= n) {
                h = hash(i);
                cand = head[h];
            }
            int len = 0, dist = 0;
            if (cand >= 0 && !(pending && pLen >= LAZY_LENGTH)) {
                len = longestMatch(i, cand, pending ? pLen : 0);
                dist = matchDist;
                if (len == MIN_MATCH && dist > TOO_FAR) len = 0;
            }
            if (h >= 0) {
                prev[i & wmask] = cand;
                head[h] = i;
            }
            if (pending) {
                if (len > pLen) {
                    literal(i - 1);
                    pLen = len;
                    pDist = dist;
                    i++;
                } else {
                    match(pLen, pDist);
                    int end = i - 1 + pLen;
                    for (int j = i + 1; j < end; j++) insert(j);
                    i = end;
                    pending = false;
                }
            } else if (len >= MIN_MATCH) {
                if (len >= LAZY_LENGTH) {
                    match(len, dist);
                    for (int j = i + 1; j < i + len; j++) insert(j);
                    i += len;
                } else {
                    pending = true;
                    pLen = len;
                    pDist = dist;
                    i++;
                }
            } else {
                literal(i);
                i++;
            }
        }
        if (pending) match(pLen, pDist);   // not reached (a deferred match always ends before the input does)
        flushBlock(true);
        alignToByte();
    }

    private void literal(int pos) {
        int b = in[base + pos] & 0xFF;
        symLit[symbols] = b;
        symDist[symbols] = 0;
        litFreq[b]++;
        emitted++;
        if (++symbols == blockSymbols) flushBlock(false);
    }

    private void match(int len, int dist) {
        symLit[symbols] = len;
        symDist[symbols] = dist;
        litFreq[257 + LENGTH_CODE[len]]++;
        distFreq[distCodeOf(dist)]++;
        emitted += len;
        if (++symbols == blockSymbols) flushBlock(false);
    }

    private static int distCodeOf(int dist) {
        return dist <= 512 ? DIST_LOW[dist - 1] : DIST_HIGH[(dist - 1) >> 8];
    }

    // ---------------------------------------------------------------- blocks

    private void flushBlock(boolean last) {
        litFreq[END_OF_BLOCK] = 1;
        int extraBits = 0;
        for (int c = 0; c < 29; c++) extraBits += litFreq[257 + c] * LENGTH_EXTRA[c];
        for (int c = 0; c < DIST_CODES; c++) extraBits += distFreq[c] * DIST_EXTRA[c];

        int fixedBits = 3 + extraBits;
        for (int s = 0; s < LITLEN_CODES; s++) fixedBits += litFreq[s] * FIXED_LIT_LEN[s];
        for (int c = 0; c < DIST_CODES; c++) fixedBits += distFreq[c] * FIXED_DIST_LEN[c];

        buildLengths(litFreq, LITLEN_CODES, 15, litLen);
        buildLengths(distFreq, DIST_CODES, 15, distLen);
        int hlit = LITLEN_CODES, hdist = DIST_CODES;
        while (hlit > 257 && litLen[hlit - 1] == 0) hlit--;
        while (hdist > 1 && distLen[hdist - 1] == 0) hdist--;
        runLengthCode(hlit, hdist);
        buildLengths(clFreq, CL_CODES, 7, clLen);
        int hclen = CL_CODES;
        while (hclen > 4 && clLen[CL_ORDER[hclen - 1]] == 0) hclen--;
        int dynamicBits = 3 + 5 + 5 + 4 + 3 * hclen + extraBits;
        for (int s = 0; s < CL_CODES; s++) dynamicBits += clFreq[s] * clLen[s];
        for (int r = 0; r < rleCount; r++) if (rleSym[r] >= 16) dynamicBits += CL_EXTRA[rleSym[r] - 16];
        for (int s = 0; s < LITLEN_CODES; s++) dynamicBits += litFreq[s] * litLen[s];
        for (int c = 0; c < DIST_CODES; c++) dynamicBits += distFreq[c] * distLen[c];

        int raw = emitted - blockStart;
        int storedBits = 0;
        int bitPos = bitCount & 7;
        for (int left = raw, first = 1; first == 1 || left > 0; first = 0) {
            int k = Math.min(MAX_STORED, left);
            storedBits += ((bitPos + 3 + 7) & ~7) - bitPos + 32 + 8 * k;
            bitPos = 0;
            left -= k;
        }

        int bestBits = Math.min(storedBits, Math.min(fixedBits, dynamicBits));
        ensureRoom((bestBits >>> 3) + 16);
        if (storedBits == bestBits) {
            writeStored(last, raw);
        } else if (dynamicBits == bestBits) {
            canonicalCodes(litLen, LITLEN_CODES, litCode);
            canonicalCodes(distLen, DIST_CODES, distCode);
            canonicalCodes(clLen, CL_CODES, clCode);
            put(last ? 1 : 0, 1);
            put(2, 2);
            put(hlit - 257, 5);
            put(hdist - 1, 5);
            put(hclen - 4, 4);
            for (int k = 0; k < hclen; k++) put(clLen[CL_ORDER[k]], 3);
            for (int r = 0; r < rleCount; r++) {
                int s = rleSym[r];
                put(clCode[s], clLen[s]);
                if (s >= 16) put(rleExtra[r], CL_EXTRA[s - 16]);
            }
            writeSymbols(litCode, litLen, distCode, distLen);
        } else {
            put(last ? 1 : 0, 1);
            put(1, 2);
            writeSymbols(FIXED_LIT_CODE, FIXED_LIT_LEN, FIXED_DIST_CODE, FIXED_DIST_LEN);
        }

        java.util.Arrays.fill(litFreq, 0);
        java.util.Arrays.fill(distFreq, 0);
        symbols = 0;
        blockStart = emitted;
    }

    private void writeStored(boolean last, int raw) {
        int at = base + blockStart, left = raw;
        do {
            int k = Math.min(MAX_STORED, left);
            left -= k;
            put(last && left == 0 ? 1 : 0, 1);
            put(0, 2);
            alignToByte();
            out[outPos++] = (byte) k;
            out[outPos++] = (byte) (k >>> 8);
            out[outPos++] = (byte) ~k;
            out[outPos++] = (byte) (~k >>> 8);
            System.arraycopy(in, at, out, outPos, k);
            outPos += k;
            at += k;
        } while (left > 0);
    }

    private void writeSymbols(int[] lCode, int[] lLen, int[] dCode, int[] dLen) {
        for (int s = 0; s < symbols; s++) {
            int v = symLit[s], dist = symDist[s];
            if (dist == 0) {
                put(lCode[v], lLen[v]);
            } else {
                int lc = LENGTH_CODE[v];
                put(lCode[257 + lc], lLen[257 + lc]);
                if (LENGTH_EXTRA[lc] != 0) put(v - LENGTH_BASE[lc], LENGTH_EXTRA[lc]);
                int dc = distCodeOf(dist);
                put(dCode[dc], dLen[dc]);
                if (DIST_EXTRA[dc] != 0) put(dist - DIST_BASE[dc], DIST_EXTRA[dc]);
            }
        }
        put(lCode[END_OF_BLOCK], lLen[END_OF_BLOCK]);
    }

    /**
     * The code lengths of a dynamic header (literal/length then distance, one sequence) run-length coded with
     * symbols 16 (repeat the previous length 3..6 times), 17 (3..10 zeros) and 18 (11..138 zeros), into
     * {@link #rleSym}/{@link #rleExtra}, counting the symbols in {@link #clFreq}.
     */
    private void runLengthCode(int hlit, int hdist) {
        int total = hlit + hdist;
        System.arraycopy(litLen, 0, allLens, 0, hlit);
        System.arraycopy(distLen, 0, allLens, hlit, hdist);
        java.util.Arrays.fill(clFreq, 0);
        rleCount = 0;
        int i = 0;
        while (i < total) {
            int v = allLens[i];
            int run = 1;
            while (i + run < total && allLens[i + run] == v) run++;
            i += run;
            if (v == 0) {
                while (run >= 3) {
                    int k = Math.min(run, 138);
                    if (k >= 11) rle(18, k - 11);
                    else rle(17, k - 3);
                    run -= k;
                }
            } else {
                rle(v, 0);
                run--;
                while (run >= 3) {
                    int k = Math.min(run, 6);
                    rle(16, k - 3);
                    run -= k;
                }
            }
            while (run-- > 0) rle(v, 0);
        }
    }

    private void rle(int sym, int extra) {
        rleSym[rleCount] = sym;
        rleExtra[rleCount] = extra;
        rleCount++;
        clFreq[sym]++;
    }

    // ---------------------------------------------------------------- Huffman codes

    /**
     * Code lengths for symbols {@code 0..count) with the given frequencies, none longer than {@code maxBits}:
     * a Huffman code, made length-limited if needed by lengthening the rarest symbols until the Kraft sum is
     * at most 1 and then shortening the most frequent ones while it stays at most 1. At least two symbols get
     * a length (unused ones are added with frequency 0), so every code is complete.
     */
    private void buildLengths(int[] freq, int count, int maxBits, int[] lens) {
        java.util.Arrays.fill(lens, 0, count, 0);
        int m = 0;
        for (int s = 0; s < count; s++) if (freq[s] != 0) hKeys[m++] = freq[s] << 9 | s;
        for (int s = 0; m < 2; s++) if (freq[s] == 0) hKeys[m++] = s;
        java.util.Arrays.sort(hKeys, 0, m);
        // Two queues: leaves in ascending weight (0..m-1), internal nodes (m..2m-2) made in ascending weight.
        for (int k = 0; k < m; k++) hWeight[k] = hKeys[k] >>> 9;
        int leaf = 0, inner = m;
        for (int next = m; next < 2 * m - 1; next++) {
            int a, b;
            if (leaf < m && (inner >= next || hWeight[leaf] <= hWeight[inner])) a = leaf++;
            else a = inner++;
            if (leaf < m && (inner >= next || hWeight[leaf] <= hWeight[inner])) b = leaf++;
            else b = inner++;
            hWeight[next] = hWeight[a] + hWeight[b];
            hParent[a] = next;
            hParent[b] = next;
        }
        int root = 2 * m - 2;
        hDepth[root] = 0;
        boolean overflow = false;
        for (int k = root - 1; k >= 0; k--) {
            hDepth[k] = hDepth[hParent[k]] + 1;
            if (k < m && hDepth[k] > maxBits) overflow = true;
        }
        if (overflow) {
            int cap = 1 << maxBits, kraft = 0;
            for (int k = 0; k < m; k++) {
                if (hDepth[k] > maxBits) hDepth[k] = maxBits;
                kraft += 1 << (maxBits - hDepth[k]);
            }
            // Over-full: lengthen the rarest symbol that can still be lengthened (leaves are rarest first).
            while (kraft > cap) {
                for (int k = 0; k < m; k++) {
                    if (hDepth[k] < maxBits) {
                        hDepth[k]++;
                        kraft -= 1 << (maxBits - hDepth[k]);
                        break;
                    }
                }
            }
            // Under-full: shorten the most frequent symbols while the sum stays at most 1; ends exactly at 1.
            boolean changed = true;
            while (kraft < cap && changed) {
                changed = false;
                for (int k = m - 1; k >= 0; k--) {
                    while (hDepth[k] > 1 && kraft + (1 << (maxBits - hDepth[k])) <= cap) {
                        kraft += 1 << (maxBits - hDepth[k]);
                        hDepth[k]--;
                        changed = true;
                    }
                }
            }
        }
        for (int k = 0; k < m; k++) lens[hKeys[k] & 511] = hDepth[k];
    }

    /** The code lengths the encoder would use for {@code freq} (2..286 symbols, each below 2^22); for tests. */
    static int[] codeLengths(int[] freq, int maxBits) {
        if (freq.length < 2 || freq.length > LITLEN_CODES) throw new IllegalArgumentException("symbols: " + freq.length);
        int[] lens = new int[freq.length];
        new Deflater(new byte[0], 0, 0).buildLengths(freq, freq.length, maxBits, lens);
        return lens;
    }

    /** Canonical codes (§3.2.2) for the lengths, bit-reversed since the writer sends the low bit first. */
    private static void canonicalCodes(int[] lens, int count, int[] codes) {
        int[] blCount = new int[16], nextCode = new int[16];
        for (int s = 0; s < count; s++) blCount[lens[s]]++;
        blCount[0] = 0;
        int code = 0;
        for (int bits = 1; bits < 16; bits++) {
            code = (code + blCount[bits - 1]) << 1;
            nextCode[bits] = code;
        }
        for (int s = 0; s < count; s++) {
            int len = lens[s];
            if (len == 0) {
                codes[s] = 0;
                continue;
            }
            int c = nextCode[len]++, r = 0;
            for (int b = 0; b < len; b++) {
                r = r << 1 | (c & 1);
                c >>>= 1;
            }
            codes[s] = r;
        }
    }

    // ---------------------------------------------------------------- bits

    /** Appends the low {@code bits} (at most 16) bits of {@code value}, low bit first. */
    private void put(int value, int bits) {
        bitBuf |= value << bitCount;
        bitCount += bits;
        if (bitCount >= 16) {
            out[outPos++] = (byte) bitBuf;
            out[outPos++] = (byte) (bitBuf >>> 8);
            bitBuf >>>= 16;
            bitCount -= 16;
        }
    }

    private void alignToByte() {
        while (bitCount > 0) {
            out[outPos++] = (byte) bitBuf;
            bitBuf >>>= 8;
            bitCount -= 8;
        }
        bitBuf = 0;
        bitCount = 0;
    }

    private void ensureRoom(int bytes) {
        if (out.length - outPos < bytes) {
            out = java.util.Arrays.copyOf(out, Math.max(outPos + bytes, out.length + (out.length >>> 1)));
        }
    }
}
