package org.x86play.mmu;

/**
 * MMU event counters (wrap at 2^32; read deltas). {@code fastHits} counts accesses served by the inline TLB
 * fast path, {@code tlbHits} lookups served from the TLB on the slow path (unaligned, MMIO, ROM writes...).
 */
public final class MmuStats {
    public int fastHits, tlbHits, tlbMisses, tlbFlushes, pageWalks, pageFaults, invlpgs;

    public void clear() {
        fastHits = tlbHits = tlbMisses = tlbFlushes = pageWalks = pageFaults = invlpgs = 0;
    }

    @Override
    public String toString() {
        return "fastHits=" + Integer.toUnsignedString(fastHits) + " tlbHits=" + Integer.toUnsignedString(tlbHits)
                + " misses=" + tlbMisses + " flushes=" + tlbFlushes + " walks=" + pageWalks
                + " faults=" + pageFaults + " invlpg=" + invlpgs;
    }
}
