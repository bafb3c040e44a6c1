package org.x86play.memory;

/**
 * Told when cached translations into the backing store may have become stale (software TLBs,
 * translation caches). Implemented by the MMU.
 */
public interface MemoryMapListener {
    /** The physical map changed (ROM/MMIO mapped, A20 toggled, store reallocated): drop everything. */
    void memoryMapChanged();

    /** Writes to the RAM page at store byte offset {@code storePageOffset} must now take the slow path. */
    void pageWriteProtected(int storePageOffset);
}
