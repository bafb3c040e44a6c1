package org.x86play.mmu;

import org.x86play.cpu.CpuFault;
import org.x86play.memory.MemoryMapListener;
import org.x86play.memory.PhysicalMemory;
import org.x86play.memory.WordStore;

/**
 * Linear-to-physical translation (SDM Vol. 3 ch. 4, 32-bit paging) behind a software TLB.
 * <p>
 * Every access first tries the TLB's direct tags ({@link Tlb}): a hit reads or writes the backing store at
 * {@code linear + addend}. Anything else (miss, unaligned, page-crossing, ROM write, MMIO, write-watched
 * page, missing dirty bit) takes the slow path: {@link #translate} (TLB lookup, else the current
 * {@link TranslationStrategy} and a TLB fill), then a {@link PhysicalMemory} access. With paging off the
 * same machinery runs with the identity strategy.
 * <p>
 * Page faults throw {@link CpuFault} #PF with the SDM error code; the faulting linear address is left in
 * {@link #faultAddress} for CR2. An access that crosses a page boundary translates both pages before it
 * touches memory, so a fault on the second page leaves no partial write (CR2 = first byte of that page).
 * <p>
 * TLB maintenance (SDM §4.10.4): MOV to CR3 drops non-global translations ({@link #flushTlb()});
 * changes of CR0.PG, CR0.WP, CR4.PSE or CR4.PGE drop everything ({@link #setControl}); INVLPG drops one
 * page, global or not ({@link #invlpg}); a page fault drops the faulting page's entry.
 */
public final class Mmu implements MemoryMapListener {
    static final int CR0_WP = 0x10000, CR0_PG = 0x80000000, CR4_PSE = 0x10, CR4_PGE = 0x80;
    /** Compile-time switch for counting fast-path hits in {@link MmuStats#fastHits}. */
    private static final boolean COUNT_FAST_HITS = true;

    private final PhysicalMemory memory;
    /** Linear address of the last page fault, copied to CR2 when the fault is delivered. */
    public int faultAddress;
    public final MmuStats stats = new MmuStats();

    private final Tlb tlb = new Tlb();
    private final int[] readSup = tlb.readSup, readUser = tlb.readUser;
    private final int[] writeSup = tlb.writeSup, writeUser = tlb.writeUser;
    private final int[] addend = tlb.addend;
    private int[] store;

    private final GuestPageWalk guestWalk;
    private final TranslationStrategy pagingDisabled = new PagingDisabled();
    /** Used while CR0.PG = 1: the guest walk, or a shadow/nested strategy installed by {@link #setPagingStrategy}. */
    private TranslationStrategy pagingEnabled;
    private TranslationStrategy strategy = pagingDisabled;
    private int cr0, cr3, cr4;
    /**
     * Changes whenever cached translations may have been dropped or replaced (INVLPG, TLB flushes, a page
     * fault's entry drop): code that remembered a linear-to-physical mapping since the same epoch may still
     * use it. Wraps; compared for equality only.
     */
    private int epoch;

    public Mmu(PhysicalMemory memory) {
        this.memory = memory;
        this.store = memory.store();
        this.guestWalk = new GuestPageWalk(memory, this);
        this.pagingEnabled = guestWalk;
        memory.addMapListener(this);
    }

    // ------------------------------------------------------------------ control

    /** The CPU wrote CR0, CR3 or CR4 (values after the write). */
    public void setControl(int cr0, int cr3, int cr4) {
        boolean flushAll = ((cr0 ^ this.cr0) & (CR0_PG | CR0_WP)) != 0 || ((cr4 ^ this.cr4) & (CR4_PSE | CR4_PGE)) != 0;
        boolean newCr3 = cr3 != this.cr3;
        this.cr0 = cr0;
        this.cr3 = cr3;
        this.cr4 = cr4;
        guestWalk.configure(cr3, (cr0 & CR0_WP) != 0, (cr4 & CR4_PSE) != 0, (cr4 & CR4_PGE) != 0);
        strategy = (cr0 & CR0_PG) != 0 ? pagingEnabled : pagingDisabled;
        if (flushAll) flushAll();
        else if (newCr3) flushTlb();
    }

    /** MOV to CR3 (also a task switch): new directory base, non-global translations dropped even if unchanged. */
    public void loadCr3(int cr3) {
        this.cr3 = cr3;
        guestWalk.configure(cr3, (cr0 & CR0_WP) != 0, (cr4 & CR4_PSE) != 0, (cr4 & CR4_PGE) != 0);
        flushTlb();
    }

    /** INVLPG (SDM Vol. 2): drops the translation of the page containing {@code linear}, even a global one. */
    public void invlpg(int linear) {
        stats.invlpgs++;
        epoch++;
        tlb.invalidatePage(linear);
    }

    /** MOV to CR3 semantics: drops every translation except global ones (SDM §4.10.4.1). */
    public void flushTlb() {
        stats.tlbFlushes++;
        epoch++;
        tlb.flush(true);
    }

    /** Drops every translation, global ones included. */
    public void flushAll() {
        stats.tlbFlushes++;
        epoch++;
        tlb.flush(false);
    }

    /**
     * Replaces the strategy used while CR0.PG = 1 (shadow or nested paging; {@code null} restores the guest
     * walk) and drops every cached translation. Such a strategy reads the control registers from
     * {@link #cr0()}, {@link #cr3()}, {@link #cr4()} and reports faults with {@link #pageFault}.
     */
    public void setPagingStrategy(TranslationStrategy s) {
        pagingEnabled = s == null ? guestWalk : s;
        if ((cr0 & CR0_PG) != 0) strategy = pagingEnabled;
        flushAll();
    }

    /** The translation epoch (see {@link #epoch}): equal values mean no translation was dropped in between. */
    public int epoch() { return epoch; }

    /** The strategy translating right now. */
    public TranslationStrategy strategy() { return strategy; }

    /** The built-in 32-bit guest page walk. */
    public GuestPageWalk guestPageWalk() { return guestWalk; }

    public int cr0() { return cr0; }
    public int cr3() { return cr3; }
    public int cr4() { return cr4; }

    @Override
    public void memoryMapChanged() {
        store = memory.store();
        flushAll();
    }

    @Override
    public void pageWriteProtected(int storePageOffset) {
        tlb.dropWritesTo(storePageOffset);
    }

    /** Records a page fault for CR2 and returns the exception to throw (SDM §4.7). */
    public CpuFault pageFault(int linear, int errorCode) {
        faultAddress = linear;
        stats.pageFaults++;
        // A page fault invalidates the TLB entries of the faulting address (SDM §4.10.4.1).
        int i = Tlb.index(linear);
        if (tlb.linearPage[i] == (linear & ~0xFFF)) tlb.invalidatePage(linear);
        epoch++;
        return new CpuFault(CpuFault.PF, errorCode);
    }

    // ------------------------------------------------------------------ fast paths

    public int read8(int lin, boolean user) {
        int i = (lin >>> 12) & Tlb.MASK;
        if ((user ? readUser : readSup)[i] == (lin & 0xFFFFF000)) {
            if (COUNT_FAST_HITS) stats.fastHits++;
            return WordStore.load8(store, lin + addend[i]);
        }
        return readSlow(lin, 1, user);
    }

    public int read16(int lin, boolean user) {
        int i = (lin >>> 12) & Tlb.MASK;
        if ((user ? readUser : readSup)[i] == (lin & 0xFFFFF001)) {
            if (COUNT_FAST_HITS) stats.fastHits++;
            int s = lin + addend[i];
            return (store[s >>> 2] >>> ((s & 2) << 3)) & 0xFFFF;
        }
        return readSlow(lin, 2, user);
    }

    public int read32(int lin, boolean user) {
        int i = (lin >>> 12) & Tlb.MASK;
        if ((user ? readUser : readSup)[i] == (lin & 0xFFFFF003)) {
            if (COUNT_FAST_HITS) stats.fastHits++;
            return store[(lin + addend[i]) >>> 2];
        }
        return readSlow(lin, 4, user);
    }

    public void write8(int lin, int v, boolean user) {
        int i = (lin >>> 12) & Tlb.MASK;
        if ((user ? writeUser : writeSup)[i] == (lin & 0xFFFFF000)) {
            if (COUNT_FAST_HITS) stats.fastHits++;
            WordStore.store8(store, lin + addend[i], v);
            return;
        }
        writeSlow(lin, 1, v, user);
    }

    public void write16(int lin, int v, boolean user) {
        int i = (lin >>> 12) & Tlb.MASK;
        if ((user ? writeUser : writeSup)[i] == (lin & 0xFFFFF001)) {
            if (COUNT_FAST_HITS) stats.fastHits++;
            int s = lin + addend[i];
            int sh = (s & 2) << 3;
            int k = s >>> 2;
            store[k] = (store[k] & ~(0xFFFF << sh)) | ((v & 0xFFFF) << sh);
            return;
        }
        writeSlow(lin, 2, v, user);
    }

    public void write32(int lin, int v, boolean user) {
        int i = (lin >>> 12) & Tlb.MASK;
        if ((user ? writeUser : writeSup)[i] == (lin & 0xFFFFF003)) {
            if (COUNT_FAST_HITS) stats.fastHits++;
            store[(lin + addend[i]) >>> 2] = v;
            return;
        }
        writeSlow(lin, 4, v, user);
    }

    // ------------------------------------------------------------------ slow paths

    private int readSlow(int lin, int size, boolean user) {
        int off = lin & 0xFFF;
        if (off <= 0x1000 - size) {
            int phys = translate(lin, false, user);
            int i = Tlb.index(lin);
            if ((user ? readUser : readSup)[i] == (lin & ~0xFFF)) {
                int s = lin + addend[i];   // unaligned inside one RAM/ROM page
                return size == 1 ? WordStore.load8(store, s) : size == 2 ? WordStore.load16(store, s) : WordStore.load32(store, s);
            }
            return size == 1 ? memory.read8(phys) : size == 2 ? memory.read16(phys) : memory.read32(phys);
        }
        // Crosses into the next page: translate both first (SDM: no partial effects), then byte by byte.
        int first = 0x1000 - off;
        int p1 = translate(lin, false, user);
        int p2 = translate(lin + first, false, user);
        int v = 0;
        for (int k = 0; k < size; k++) v |= memory.read8(k < first ? p1 + k : p2 + (k - first)) << (k << 3);
        return v;
    }

    private void writeSlow(int lin, int size, int v, boolean user) {
        int off = lin & 0xFFF;
        if (off <= 0x1000 - size) {
            int phys = translate(lin, true, user);
            int i = Tlb.index(lin);
            if ((user ? writeUser : writeSup)[i] == (lin & ~0xFFF)) {
                int s = lin + addend[i];   // unaligned inside one RAM page
                if (size == 1) WordStore.store8(store, s, v);
                else if (size == 2) WordStore.store16(store, s, v);
                else WordStore.store32(store, s, v);
                return;
            }
            if (size == 1) memory.write8(phys, v);
            else if (size == 2) memory.write16(phys, v);
            else memory.write32(phys, v);
            retagWrites(lin, phys);
            return;
        }
        int first = 0x1000 - off;
        int p1 = translate(lin, true, user);
        int p2 = translate(lin + first, true, user);
        for (int k = 0; k < size; k++) memory.write8(k < first ? p1 + k : p2 + (k - first), v >>> (k << 3));
    }

    /** A RAM page that is no longer write-watched gets its direct write path back (e.g. after dirty tracking). */
    private void retagWrites(int lin, int phys) {
        int e = memory.pageEntry(phys);
        if ((e & 3) != PhysicalMemory.KIND_RAM || memory.isWriteWatched(e & ~0xFFF)) return;
        int i = Tlb.index(lin);
        if (tlb.linearPage[i] == (lin & ~0xFFF)) tlb.fill(lin, tlb.physicalPage[i] | tlb.attributes[i], memory);
    }

    /**
     * Physical address of {@code lin} for one access (the interpreter's string fast paths, DMA-like bulk
     * copies). Checks permissions and sets accessed/dirty bits like a real access; throws #PF.
     */
    public int translate(int lin, boolean write, boolean user) {
        int i = Tlb.index(lin);
        int need = write ? (user ? TranslationStrategy.PERM_USER_WRITE : TranslationStrategy.PERM_SUP_WRITE)
                : (user ? TranslationStrategy.PERM_USER_READ : TranslationStrategy.PERM_SUP_READ);
        if (tlb.linearPage[i] == (lin & ~0xFFF) && (tlb.attributes[i] & need) != 0) {
            stats.tlbHits++;
            return tlb.physicalPage[i] | (lin & 0xFFF);
        }
        stats.tlbMisses++;
        int r = strategy.resolve(lin, write, user);
        tlb.fill(lin, r, memory);
        return (r & ~0xFFF) | (lin & 0xFFF);
    }

    /**
     * Byte index into {@link #store()} where {@code lin} can be read directly (RAM or ROM page), or -1 if
     * reads there must use {@link #read8} etc. (MMIO, unmapped). Checks permissions and sets the accessed
     * bit like a read; throws #PF. Valid for bytes up to the end of {@code lin}'s page, and only until the
     * next TLB flush or memory-map change: for decoders and string loops inside one instruction.
     */
    public int directReadIndex(int lin, boolean user) {
        translate(lin, false, user);
        int i = Tlb.index(lin);
        return (user ? readUser : readSup)[i] == (lin & ~0xFFF) ? lin + addend[i] : -1;
    }

    /** Like {@link #directReadIndex} for writes (sets the dirty bit); -1 for ROM, MMIO and write-watched pages. */
    public int directWriteIndex(int lin, boolean user) {
        translate(lin, true, user);
        int i = Tlb.index(lin);
        return (user ? writeUser : writeSup)[i] == (lin & ~0xFFF) ? lin + addend[i] : -1;
    }

    /** The backing store the direct indices refer to (see {@link org.x86play.memory.WordStore}). */
    public int[] store() { return store; }

    /** TLB index of a linear address: {@code (lin >>> 12) & TLB_MASK}. */
    public static final int TLB_MASK = Tlb.MASK;

    /**
     * Direct-read tags for user or supervisor accesses, for callers that inline the fast path of
     * {@link #read32} etc.: entry {@code (lin >>> 12) & TLB_MASK} equals {@code lin & 0xFFFFF003} (dword),
     * {@code 0xFFFFF001} (word) or {@code 0xFFFFF000} (byte) iff the access may read {@link #store()} at
     * {@code lin + addends()[index]} (aligned, inside one page). Updated in place; never replaced.
     */
    public int[] readTags(boolean user) { return user ? readUser : readSup; }

    /** Direct-write tags, like {@link #readTags} (RAM pages that are not write-watched, dirty bit set). */
    public int[] writeTags(boolean user) { return user ? writeUser : writeSup; }

    /** Store offset minus linear page address, per TLB entry (see {@link #readTags}). */
    public int[] addends() { return addend; }

    /** Number of TLB slots in use (tests, statistics). */
    public int tlbEntries() { return tlb.usedEntries(); }
}
