package org.x86play.snapshot;

import org.x86play.memory.PhysicalMemory;

/**
 * Guest RAM in a snapshot. Each 4 KiB page is one of: zero (omitted), referenced (still holds its content
 * from the initial image, so the restorer, having loaded the same images, already has it) or stored
 * (raw DEFLATE in chunks of at most {@link #CHUNK_PAGES} pages, so no inflate produces more than 1 MiB).
 * Page kinds are run-length coded; a SHA-256 over the referenced pages lets the restorer prove its initial
 * image is the one the snapshot refers to.
 */
final class RamSection {
    static final int ZERO = 0, REFERENCED = 1, STORED = 2;
    static final int CHUNK_PAGES = 256;
    private static final int PAGE = InitialImage.PAGE, PAGE_WORDS = InitialImage.PAGE_WORDS;

    /** Counts of the last save, for reports. */
    static final class Stats {
        int zero, referenced, stored;
        long compressedBytes;
    }

    private RamSection() {}

    static Stats save(PhysicalMemory memory, InitialImage initial, Compression codec, StateWriter w) {
        int pages = memory.ramSize() / PAGE;
        int[] store = memory.store();
        byte[] kind = new byte[pages];
        Stats s = new Stats();
        Sha256 refDigest = new Sha256();
        for (int p = 0; p < pages; p++) {
            if (InitialImage.isZero(store, p)) {
                kind[p] = ZERO;
                s.zero++;
            } else if (initial != null && initial.matches(store, p)) {
                kind[p] = REFERENCED;
                s.referenced++;
                refDigest.updateWordsLe(store, p * PAGE_WORDS, PAGE_WORDS);
            } else {
                kind[p] = STORED;
                s.stored++;
            }
        }
        w.i32(memory.ramSize()).i32(pages);
        // Runs of one kind: (kind, length) pairs.
        int runs = 0;
        for (int p = 0; p < pages; p++) if (p == 0 || kind[p] != kind[p - 1]) runs++;
        w.i32(runs);
        for (int p = 0; p < pages; ) {
            int q = p;
            while (q < pages && kind[q] == kind[p]) q++;
            w.u8(kind[p]).i32(q - p);
            p = q;
        }
        w.bytes(refDigest.digest());
        int chunks = (s.stored + CHUNK_PAGES - 1) / CHUNK_PAGES;
        w.i32(chunks);
        byte[] raw = new byte[CHUNK_PAGES * PAGE];
        int p = 0;
        for (int c = 0; c < chunks; c++) {
            int n = 0;
            for (; p < pages && n < CHUNK_PAGES; p++) {
                if (kind[p] != STORED) continue;
                int base = p * PAGE_WORDS, at = n * PAGE;
                for (int i = 0; i < PAGE_WORDS; i++) {
                    int v = store[base + i];
                    raw[at++] = (byte) v;
                    raw[at++] = (byte) (v >>> 8);
                    raw[at++] = (byte) (v >>> 16);
                    raw[at++] = (byte) (v >>> 24);
                }
                n++;
            }
            byte[] z = codec.deflate(raw, 0, n * PAGE);
            s.compressedBytes += z.length;
            w.i32(n).i32(z.length).bytes(z);
        }
        return s;
    }

    /**
     * Validates everything (kinds, counts, the referenced-page digest against this machine's RAM, every chunk's
     * size) before changing RAM; then zeroes, keeps or fills each page.
     */
    static void load(PhysicalMemory memory, Compression codec, StateReader r) throws SnapshotFormatException {
        Decoded d = decode(memory.ramSize(), codec, r, true);
        int pages = d.kind.length;
        byte[] kind = d.kind;
        int[] store = memory.store();
        Sha256 have = new Sha256();
        for (int q = 0; q < pages; q++) if (kind[q] == REFERENCED) have.updateWordsLe(store, q * PAGE_WORDS, PAGE_WORDS);
        if (!java.util.Arrays.equals(have.digest(), d.refDigest)) {
            throw r.fail("the pages the snapshot references differ from this machine's initial RAM:"
                    + " the guest images or the machine configuration are not the ones the snapshot was taken with");
        }
        byte[][] data = d.chunks;
        int c = 0, inChunk = 0;
        for (int q = 0; q < pages; q++) {
            int base = q * PAGE_WORDS;
            if (kind[q] == ZERO) {
                java.util.Arrays.fill(store, base, base + PAGE_WORDS, 0);
            } else if (kind[q] == STORED) {
                byte[] b = data[c];
                int at = inChunk * PAGE;
                for (int i = 0; i < PAGE_WORDS; i++, at += 4) {
                    store[base + i] = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
                }
                if (++inChunk == CHUNK_PAGES) {
                    inChunk = 0;
                    data[c++] = null;
                }
            }
        }
    }

    /** Checks the whole section (page map, every chunk inflated to its exact size) for a machine of {@code ramBytes}. */
    static void check(int ramBytes, Compression codec, StateReader r) throws SnapshotFormatException {
        decode(ramBytes, codec, r, false);
    }

    /** The section decoded and validated, before anything is written to RAM. */
    private static final class Decoded {
        byte[] kind, refDigest;
        byte[][] chunks;
    }

    /** @param keep keep the inflated chunks (a restore); else each is checked and dropped (a validation, bounded memory) */
    private static Decoded decode(int machineRam, Compression codec, StateReader r, boolean keep) throws SnapshotFormatException {
        int ramBytes = r.i32();
        if (ramBytes != machineRam) throw r.fail("RAM is " + ramBytes + " bytes, this machine has " + machineRam);
        int pages = r.i32();
        if (pages != ramBytes / PAGE) throw r.fail("page count " + pages + " does not match the RAM size");
        int runs = r.count(pages, 5, "page run");
        byte[] kind = new byte[pages];
        int p = 0, stored = 0;
        for (int i = 0; i < runs; i++) {
            int k = r.u8();
            if (k > STORED) throw r.fail("unknown page kind " + k);
            int len = r.intIn(1, pages - p, "page run length");
            for (int j = 0; j < len; j++) kind[p + j] = (byte) k;
            if (k == STORED) stored += len;
            p += len;
        }
        if (p != pages) throw r.fail("page runs cover " + p + " of " + pages + " pages");
        byte[] refDigest = new byte[32];
        r.bytes(refDigest);
        int chunks = r.count((stored + CHUNK_PAGES - 1) / CHUNK_PAGES, 8, "compressed chunk");
        if (chunks != (stored + CHUNK_PAGES - 1) / CHUNK_PAGES) throw r.fail(chunks + " chunks for " + stored + " stored pages");
        // Decompress every chunk before touching RAM: a corrupt one leaves the machine as it was.
        byte[][] data = new byte[chunks][];
        int left = stored;
        for (int c = 0; c < chunks; c++) {
            int n = r.intIn(1, Math.min(CHUNK_PAGES, left), "pages in chunk " + c);
            if (n != Math.min(CHUNK_PAGES, left)) throw r.fail("chunk " + c + " holds " + n + " pages, expected " + Math.min(CHUNK_PAGES, left));
            int len = r.count(Integer.MAX_VALUE, 1, "compressed bytes of chunk " + c);
            byte[] chunk = codec.inflate(r.array(), r.position(), len, n * PAGE);
            if (keep) data[c] = chunk;
            r.skip(len, "chunk data");
            left -= n;
        }
        Decoded d = new Decoded();
        d.kind = kind;
        d.refDigest = refDigest;
        d.chunks = data;
        return d;
    }
}
