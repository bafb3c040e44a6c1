package org.x86play.memory;

/**
 * The 4 GiB physical address space: RAM, ROM and MMIO windows, with the A20 gate.
 * <p>
 * Layout: one {@code int[]} backing store (see {@link WordStore}) holds RAM at byte offsets
 * {@code 0..ramSize} (identity with physical addresses) followed by the ROM images. A page map with one
 * {@code int} per 4 KiB physical page says what answers there: {@code storeOffset | KIND_RAM},
 * {@code storeOffset | KIND_ROM}, {@code mmioIndex << 12 | KIND_MMIO} or {@code KIND_NONE}. Later
 * mappings override earlier ones page by page (a ROM or MMIO window inside the RAM range hides that RAM).
 * <p>
 * Semantics: ROM ignores writes; unmapped addresses read all-ones and ignore writes (an ISA bus with nobody
 * answering); a 16/32-bit access that leaves a RAM/ROM page or an MMIO window is split into byte accesses.
 * A20: when the gate is disabled, physical address bit 20 is forced to 0 on every access (8086 wrap-around).
 * The gate is enabled at construction (as on later PCs whose firmware enables it early); the chipset model
 * (port 0x92 / keyboard controller) decides what the guest sees.
 * <p>
 * Write watching: every RAM page has watch flags; a write to a page with non-zero flags first calls the
 * {@link PageWriteListener} (hook for self-modifying code and snapshot dirty tracking). The MMU never
 * caches a direct write path to a watched page ({@link MemoryMapListener#pageWriteProtected}).
 */
public final class PhysicalMemory {
    public static final int PAGE_SHIFT = 12, PAGE_SIZE = 1 << PAGE_SHIFT, PAGE_MASK = PAGE_SIZE - 1;
    /** Page-map entry kinds (low 2 bits of {@link #pageEntry}). */
    public static final int KIND_RAM = 0, KIND_ROM = 1, KIND_MMIO = 2, KIND_NONE = 3;

    /**
     * Store space kept free after RAM for ROM images (1 MiB: a BIOS, its alias, option ROMs), so mapping
     * them does not copy a large RAM array (which would briefly need twice the memory).
     */
    private static final int ROM_RESERVE_PAGES = 256;

    private final int ramBytes;
    private final int ramPages;
    private int[] store;
    private int storePages;
    private final int[] pageMap = new int[1 << 20];
    private final byte[] watch;
    private PageWriteListener writeListener;
    private MmioRegion[] mmio = new MmioRegion[8];
    private int mmioCount;
    private byte[][] romImages = new byte[4][];
    private int[] romOffsets = new int[4];
    private int romCount;
    private int a20Mask = -1;
    private MemoryMapListener[] listeners = new MemoryMapListener[2];
    private int listenerCount;
    /** Called before every MMIO access (see {@link #setDeviceAccessHook}); may be null. */
    private Runnable deviceAccessHook;

    private static final class MmioRegion {
        final int base, size;
        final MmioHandler handler;

        MmioRegion(int base, int size, MmioHandler handler) {
            this.base = base;
            this.size = size;
            this.handler = handler;
        }
    }

    /** @param ramBytes RAM size from physical address 0 (rounded up to whole 4 KiB pages; at most 1 GiB) */
    public PhysicalMemory(int ramBytes) {
        if (ramBytes < 0 || ramBytes > (1 << 30)) throw new IllegalArgumentException("RAM size " + ramBytes);
        this.ramBytes = ramBytes;
        ramPages = (ramBytes + PAGE_MASK) >>> PAGE_SHIFT;
        storePages = ramPages;
        store = new int[(ramPages + ROM_RESERVE_PAGES) << (PAGE_SHIFT - 2)];
        watch = new byte[ramPages];
        for (int p = 0; p < pageMap.length; p++) pageMap[p] = p < ramPages ? p << PAGE_SHIFT | KIND_RAM : KIND_NONE;
    }

    public int ramSize() { return ramBytes; }

    // ------------------------------------------------------------------ for translation caches (MMU)

    /** The backing store; valid until the next {@link MemoryMapListener#memoryMapChanged()}. */
    public int[] store() { return store; }

    /** Page-map entry for a physical address (A20 applied): store offset or MMIO index, and the kind. */
    public int pageEntry(int physical) { return pageMap[(physical & a20Mask) >>> PAGE_SHIFT]; }

    /** True if writes to the store page at {@code storeOffset} must go through {@link #write8} etc. */
    public boolean isWriteWatched(int storeOffset) {
        int p = storeOffset >>> PAGE_SHIFT;
        return p < ramPages && watch[p] != 0;
    }

    public void addMapListener(MemoryMapListener l) {
        if (listenerCount == listeners.length) listeners = java.util.Arrays.copyOf(listeners, listenerCount * 2);
        listeners[listenerCount++] = l;
    }

    private void mapChanged() {
        for (int i = 0; i < listenerCount; i++) listeners[i].memoryMapChanged();
    }

    // ------------------------------------------------------------------ accesses

    public int read8(int a) {
        a &= a20Mask;
        int e = pageMap[a >>> PAGE_SHIFT];
        if ((e & 3) <= KIND_ROM) return WordStore.load8(store, (e & ~PAGE_MASK) | (a & PAGE_MASK));
        if ((e & 3) == KIND_MMIO) return mmioRead(e, a, 1);
        return 0xFF;
    }

    public int read16(int a) {
        a &= a20Mask;
        int e = pageMap[a >>> PAGE_SHIFT];
        if ((e & 3) <= KIND_ROM && (a & PAGE_MASK) <= PAGE_SIZE - 2) {
            return WordStore.load16(store, (e & ~PAGE_MASK) | (a & PAGE_MASK));
        }
        return readSlow(a, 2);
    }

    public int read32(int a) {
        a &= a20Mask;
        int e = pageMap[a >>> PAGE_SHIFT];
        if ((e & 3) <= KIND_ROM && (a & PAGE_MASK) <= PAGE_SIZE - 4) {
            return WordStore.load32(store, (e & ~PAGE_MASK) | (a & PAGE_MASK));
        }
        return readSlow(a, 4);
    }

    public void write8(int a, int v) {
        a &= a20Mask;
        int e = pageMap[a >>> PAGE_SHIFT];
        int kind = e & 3;
        if (kind == KIND_RAM) {
            int i = (e & ~PAGE_MASK) | (a & PAGE_MASK);
            if (watch[i >>> PAGE_SHIFT] != 0) notifyWrite(i, 1);
            WordStore.store8(store, i, v);
        } else if (kind == KIND_MMIO) {
            mmioWrite(e, a, 1, v & 0xFF);
        }
    }

    public void write16(int a, int v) {
        a &= a20Mask;
        int e = pageMap[a >>> PAGE_SHIFT];
        if ((e & 3) == KIND_RAM && (a & PAGE_MASK) <= PAGE_SIZE - 2) {
            int i = (e & ~PAGE_MASK) | (a & PAGE_MASK);
            if (watch[i >>> PAGE_SHIFT] != 0) notifyWrite(i, 2);
            WordStore.store16(store, i, v);
        } else {
            writeSlow(a, 2, v);
        }
    }

    public void write32(int a, int v) {
        a &= a20Mask;
        int e = pageMap[a >>> PAGE_SHIFT];
        if ((e & 3) == KIND_RAM && (a & PAGE_MASK) <= PAGE_SIZE - 4) {
            int i = (e & ~PAGE_MASK) | (a & PAGE_MASK);
            if (watch[i >>> PAGE_SHIFT] != 0) notifyWrite(i, 4);
            WordStore.store32(store, i, v);
        } else {
            writeSlow(a, 4, v);
        }
    }

    /** 16/32-bit reads that are not inside one RAM/ROM page: MMIO, unmapped, or crossing a boundary. */
    private int readSlow(int a, int size) {
        int e = pageMap[a >>> PAGE_SHIFT];
        if ((e & 3) == KIND_MMIO && (a & PAGE_MASK) <= PAGE_SIZE - size) {
            MmioRegion r = mmio[e >>> PAGE_SHIFT];
            int off = a - r.base;
            if (inWindow(off, r.size, size)) {
                beforeDevice();
                return mask(r.handler.read(off, size), size);
            }
        } else if ((e & 3) == KIND_NONE && (a & PAGE_MASK) <= PAGE_SIZE - size) {
            return mask(-1, size);
        }
        // Crosses a page or window boundary: byte by byte, each byte with its own A20 masking.
        int v = 0;
        for (int k = 0; k < size; k++) v |= read8(a + k) << (k << 3);
        return v;
    }

    private void writeSlow(int a, int size, int v) {
        int e = pageMap[a >>> PAGE_SHIFT];
        if ((a & PAGE_MASK) <= PAGE_SIZE - size) {
            int kind = e & 3;
            if (kind == KIND_ROM || kind == KIND_NONE) return;
            if (kind == KIND_MMIO) {
                MmioRegion r = mmio[e >>> PAGE_SHIFT];
                int off = a - r.base;
                if (inWindow(off, r.size, size)) {
                    beforeDevice();
                    r.handler.write(off, size, mask(v, size));
                    return;
                }
            }
        }
        for (int k = 0; k < size; k++) write8(a + k, v >>> (k << 3));
    }

    /** {@code [off, off + size)} lies inside a window of {@code windowSize} bytes ({@code off} unsigned). */
    private static boolean inWindow(int off, int windowSize, int size) {
        return Integer.compareUnsigned(off, windowSize) < 0 && windowSize - off >= size;
    }

    private static int mask(int v, int size) {
        return size == 4 ? v : v & ((1 << (size << 3)) - 1);
    }

    /**
     * {@code hook} runs before every access that reaches an MMIO handler, so a block engine that counts
     * retired instructions in bulk can bring the count (device time) up to date first.
     */
    public void setDeviceAccessHook(Runnable hook) { deviceAccessHook = hook; }

    private void beforeDevice() {
        if (deviceAccessHook != null) deviceAccessHook.run();
    }

    private int mmioRead(int e, int a, int size) {
        beforeDevice();
        MmioRegion r = mmio[e >>> PAGE_SHIFT];
        int off = a - r.base;
        if (!inWindow(off, r.size, size)) return 0xFF;
        return r.handler.read(off, size) & 0xFF;
    }

    private void mmioWrite(int e, int a, int size, int v) {
        beforeDevice();
        MmioRegion r = mmio[e >>> PAGE_SHIFT];
        int off = a - r.base;
        if (inWindow(off, r.size, size)) r.handler.write(off, size, v);
    }

    /** @param index store byte index of the first written byte (the write stays inside its page) */
    private void notifyWrite(int index, int size) {
        int ramPage = index >>> PAGE_SHIFT;
        if (writeListener != null) writeListener.pageWritten(ramPage, watch[ramPage], index & PAGE_MASK, size);
    }

    // ------------------------------------------------------------------ bulk (loaders, DMA)

    /** Copies bytes into physical memory (loaders, DMA); ROM ignores them, MMIO windows receive byte writes. */
    public void load(int address, byte[] data, int offset, int length) {
        for (int i = 0; i < length; i++) write8(address + i, data[offset + i]);
    }

    /** Copies bytes out of physical memory (DMA, debuggers). */
    public void readBytes(int address, byte[] dst, int offset, int length) {
        for (int i = 0; i < length; i++) dst[offset + i] = (byte) read8(address + i);
    }

    // ------------------------------------------------------------------ mapping

    /**
     * Maps a read-only image at {@code base} (page-aligned; the image is padded with 0xFF to whole pages).
     * The bytes are copied at the first mapping; mapping the same array again (e.g. an alias) shares that copy.
     */
    public void mapRom(int base, byte[] image) {
        if ((base & PAGE_MASK) != 0 || image.length == 0) throw new IllegalArgumentException("ROM base/size");
        int pages = (image.length + PAGE_MASK) >>> PAGE_SHIFT;
        checkRange(base, pages);
        int offset = -1;
        for (int i = 0; i < romCount; i++) if (romImages[i] == image) offset = romOffsets[i];
        if (offset < 0) {
            offset = storePages << PAGE_SHIFT;
            storePages += pages;
            if (storePages << (PAGE_SHIFT - 2) > store.length) {
                store = java.util.Arrays.copyOf(store, (storePages + ROM_RESERVE_PAGES) << (PAGE_SHIFT - 2));
            }
            for (int i = 0; i < pages << PAGE_SHIFT; i++) {
                WordStore.store8(store, offset + i, i < image.length ? image[i] : 0xFF);
            }
            if (romCount == romImages.length) {
                romImages = java.util.Arrays.copyOf(romImages, romCount * 2);
                romOffsets = java.util.Arrays.copyOf(romOffsets, romCount * 2);
            }
            romImages[romCount] = image;
            romOffsets[romCount++] = offset;
        }
        int first = base >>> PAGE_SHIFT;
        for (int p = 0; p < pages; p++) pageMap[first + p] = (offset + (p << PAGE_SHIFT)) | KIND_ROM;
        mapChanged();
    }

    /**
     * Maps a device window: accesses to {@code [base, base + size)} go to {@code handler} with offsets from
     * {@code base}. Pages are claimed whole (one window per page; the rest of a partly used page is unmapped).
     */
    public void mapMmio(int base, int size, MmioHandler handler) {
        if (size <= 0) throw new IllegalArgumentException("MMIO size");
        int first = base >>> PAGE_SHIFT;
        int pages = (int) ((((base & 0xFFFFFFFFL) + size + PAGE_MASK) >>> PAGE_SHIFT) - first);
        checkRange(first << PAGE_SHIFT, pages);
        if (mmioCount == mmio.length) mmio = java.util.Arrays.copyOf(mmio, mmioCount * 2);
        int index = mmioCount;
        mmio[mmioCount++] = new MmioRegion(base, size, handler);
        for (int p = 0; p < pages; p++) pageMap[first + p] = index << PAGE_SHIFT | KIND_MMIO;
        mapChanged();
    }

    /** Removes mappings from the pages of {@code [base, base + size)}: RAM shows through again where present. */
    public void unmap(int base, int size) {
        int first = base >>> PAGE_SHIFT;
        int pages = (int) ((((base & 0xFFFFFFFFL) + size + PAGE_MASK) >>> PAGE_SHIFT) - first);
        checkRange(first << PAGE_SHIFT, pages);
        for (int p = first; p < first + pages; p++) pageMap[p] = p < ramPages ? p << PAGE_SHIFT | KIND_RAM : KIND_NONE;
        mapChanged();
    }

    /**
     * Makes the RAM behind {@code [base, base + size)} readable but not writable (writes are ignored, as for
     * ROM): a chipset's "read-enable only" shadow-RAM setting. Pages beyond RAM are left as they are.
     */
    public void mapRamReadOnly(int base, int size) {
        int first = base >>> PAGE_SHIFT;
        int pages = (int) ((((base & 0xFFFFFFFFL) + size + PAGE_MASK) >>> PAGE_SHIFT) - first);
        checkRange(first << PAGE_SHIFT, pages);
        for (int p = first; p < first + pages && p < ramPages; p++) pageMap[p] = p << PAGE_SHIFT | KIND_ROM;
        mapChanged();
    }

    /** The page-map entries of {@code pages} pages from {@code base}, to put back later with {@link #restoreMapping}. */
    public int[] saveMapping(int base, int pages) {
        checkRange(base, pages);
        return java.util.Arrays.copyOfRange(pageMap, base >>> PAGE_SHIFT, (base >>> PAGE_SHIFT) + pages);
    }

    /** Puts back entries from {@link #saveMapping} for the pages from {@code base}. */
    public void restoreMapping(int base, int[] entries) {
        checkRange(base, entries.length);
        System.arraycopy(entries, 0, pageMap, base >>> PAGE_SHIFT, entries.length);
        mapChanged();
    }

    private static void checkRange(int base, int pages) {
        if (pages <= 0 || (base >>> PAGE_SHIFT) + pages > (1 << 20)) throw new IllegalArgumentException("beyond 4 GiB");
    }

    /** A20 gate: when disabled, physical address bit 20 reads as 0 (1 MiB wrap-around of real mode). */
    public void setA20(boolean enabled) {
        int m = enabled ? -1 : ~(1 << 20);
        if (m != a20Mask) {
            a20Mask = m;
            mapChanged();
        }
    }

    public boolean isA20Enabled() { return a20Mask == -1; }

    // ------------------------------------------------------------------ write watching

    public void setPageWriteListener(PageWriteListener l) { writeListener = l; }

    /** Adds watch flags to a RAM page (ignored outside RAM): its next writes call the {@link PageWriteListener}. */
    public void watchPage(int ramPage, int flags) {
        if (ramPage < 0 || ramPage >= ramPages || flags == 0) return;
        boolean was = watch[ramPage] != 0;
        watch[ramPage] |= (byte) flags;
        if (!was) {
            for (int i = 0; i < listenerCount; i++) listeners[i].pageWriteProtected(ramPage << PAGE_SHIFT);
        }
    }

    public void unwatchPage(int ramPage, int flags) {
        if (ramPage >= 0 && ramPage < ramPages) watch[ramPage] &= (byte) ~flags;
    }

    public int watchFlags(int ramPage) {
        return ramPage >= 0 && ramPage < ramPages ? watch[ramPage] & 0xFF : 0;
    }
}
