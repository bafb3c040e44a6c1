package org.x86play.snapshot;

import org.x86play.memory.PhysicalMemory;

/**
 * The guest RAM right after the guest images were loaded (kernel, initrd, tables; before the first
 * instruction), remembered as one SHA-256 per non-zero 4 KiB page. A snapshot then references pages that
 * still hold their initial content instead of storing them: the restorer loads the same images (checked by
 * hash) and so has those bytes already. Capture it once per machine, right after building it.
 */
public final class InitialImage {
    static final int PAGE = PhysicalMemory.PAGE_SIZE, PAGE_WORDS = PAGE / 4;
    private final int pages;
    /** Per page: index into {@link #digests} (in 32-byte units), or -1 for a zero page. */
    private final int[] slot;
    private final byte[] digests;

    private InitialImage(int pages, int[] slot, byte[] digests) {
        this.pages = pages;
        this.slot = slot;
        this.digests = digests;
    }

    public static InitialImage capture(PhysicalMemory memory) {
        int pages = memory.ramSize() / PAGE;
        int[] store = memory.store();
        int[] slot = new int[pages];
        int n = 0;
        for (int p = 0; p < pages; p++) slot[p] = isZero(store, p) ? -1 : n++;
        byte[] digests = new byte[n * 32];
        for (int p = 0; p < pages; p++) {
            if (slot[p] >= 0) System.arraycopy(pageDigest(store, p), 0, digests, slot[p] * 32, 32);
        }
        return new InitialImage(pages, slot, digests);
    }

    public int pages() { return pages; }

    /** Non-zero pages of the initial image. */
    public int nonZeroPages() { return digests.length / 32; }

    /** True if RAM page {@code p} of {@code store} holds exactly its initial (non-zero) content. */
    boolean matches(int[] store, int p) {
        if (p >= pages || slot[p] < 0) return false;
        byte[] d = pageDigest(store, p);
        int at = slot[p] * 32;
        for (int i = 0; i < 32; i++) if (d[i] != digests[at + i]) return false;
        return true;
    }

    static boolean isZero(int[] store, int page) {
        int base = page * PAGE_WORDS;
        for (int i = 0; i < PAGE_WORDS; i++) if (store[base + i] != 0) return false;
        return true;
    }

    static byte[] pageDigest(int[] store, int page) {
        return new Sha256().updateWordsLe(store, page * PAGE_WORDS, PAGE_WORDS).digest();
    }
}
