package org.x86play.translate;

import org.x86play.cpu.CpuFault;
import org.x86play.cpu.decoder.CodeSource;
import org.x86play.cpu.decoder.Decoder;
import org.x86play.cpu.decoder.Instruction;
import org.x86play.cpu.decoder.OpcodeRow;
import org.x86play.memory.MemoryMapListener;
import org.x86play.memory.PageWriteListener;
import org.x86play.memory.PhysicalMemory;
import org.x86play.memory.WordStore;

/**
 * The translation cache proper: blocks in a hash table keyed by (store index of the first byte, CS D bit),
 * and their coherence with guest memory.
 * <p>
 * Coherence: every RAM page holding a block is write-watched ({@link PhysicalMemory#watchPage} with
 * {@link #WATCH_CODE}); the page keeps a 32-bit map of which 128-byte chunks hold code. A write to a watched
 * page first checks that map (writes to data next to code cost one AND), then invalidates exactly the blocks
 * whose bytes overlap the written bytes. Any writer is covered because the hook is in {@link PhysicalMemory}:
 * the CPU (through the MMU, which never keeps a direct write path to a watched page), devices, loaders.
 * A page whose blocks were invalidated more than {@link #HOT_LIMIT} times is given up (interpreted) so
 * code that rewrites itself constantly does not thrash. Remaps need nothing here: lookups are by physical
 * address, translated through the MMU at every block entry.
 */
public final class BlockCache implements PageWriteListener, MemoryMapListener {
    /** Watch flag owned by the cache. */
    public static final int WATCH_CODE = 1;
    static final int MAX_INSNS = 64;
    static final int CHUNK_SHIFT = 7;          // 128-byte chunks: 32 per page = one int bitmap
    static final int HOT_LIMIT = 64;
    private static final int HASH_BITS = 14, HASH_SIZE = 1 << HASH_BITS;
    static final int MAX_BLOCKS = 1 << 15;

    private final PhysicalMemory memory;
    public final CacheStats stats = new CacheStats();
    private final Block[] table = new Block[HASH_SIZE];
    private int blockCount;
    private final int ramPages;
    /** Per RAM page: blocks in it, bitmap of code chunks, invalidation count, given up. */
    private final Block[] pageBlocks;
    private final int[] codeChunks;
    private final short[] invalidations;
    private final boolean[] hot;
    /** Pages with blocks (to flush without scanning all RAM). */
    private int[] codePages = new int[64];
    private int codePageCount;
    private final boolean[] listedPage;
    /** True while the CPU executes an instruction: writes then count as CPU writes. */
    boolean cpuExecuting;

    private final Fetcher fetcher = new Fetcher();
    private final Instruction[] scratch = new Instruction[MAX_INSNS];
    private final int[] scratchEnds = new int[MAX_INSNS];

    public BlockCache(PhysicalMemory memory) {
        this.memory = memory;
        ramPages = (memory.ramSize() + PhysicalMemory.PAGE_MASK) >>> PhysicalMemory.PAGE_SHIFT;
        pageBlocks = new Block[ramPages];
        codeChunks = new int[ramPages];
        invalidations = new short[ramPages];
        hot = new boolean[ramPages];
        listedPage = new boolean[ramPages];
        memory.setPageWriteListener(this);
        memory.addMapListener(this);
    }

    private static int hash(int key, boolean code32) {
        return ((key * 0x9E3779B1) >>> (32 - HASH_BITS)) ^ (code32 ? 1 : 0);
    }

    /** The cached block starting at store index {@code key}, or null. */
    Block lookup(int key, boolean code32) {
        stats.lookups++;
        for (Block b = table[hash(key, code32)]; b != null; b = b.hashNext) {
            if (b.key == key && b.code32 == code32) {
                stats.hits++;
                return b;
            }
        }
        return null;
    }

    /** True if code in this store page must be interpreted (written and executed too often). */
    boolean isHot(int key) {
        int page = key >>> PhysicalMemory.PAGE_SHIFT;
        return page < ramPages && hot[page];
    }

    // ------------------------------------------------------------------ translation

    /** Decodes the bytes at physical page offset {@code key}, for EIP values starting at {@code eip}. */
    private final class Fetcher implements CodeSource {
        int[] store;
        int key, eip, limit;

        @Override
        public int fetch8(int offset) {
            // Same CS limit rule as the interpreter's fetch (SDM Vol. 3 §5.3); leaving the page ends the block.
            if (Integer.compareUnsigned(offset, limit) > 0) throw CpuFault.gp(0);
            int d = offset - eip;
            if (d < 0 || (key & 0xFFF) + d > 0xFFF) throw CpuFault.gp(0);
            return WordStore.load8(store, key + d);
        }
    }

    /**
     * Decodes a block at store index {@code key} (RAM or ROM) as seen at {@code eip} with the given CS limit.
     * Stops after a BRANCH instruction, at {@link #MAX_INSNS}, before an instruction that leaves the page
     * or the segment limit or 16-bit EIP space, or that does not decode (the interpreter raises its fault).
     * Returns null if not even the first instruction qualifies.
     */
    Block translate(int key, int eip, boolean code32, int csLimit) {
        if (blockCount >= MAX_BLOCKS) {
            stats.invalCapacity += blockCount;
            flushAll();
        }
        Fetcher f = fetcher;
        f.store = memory.store();
        f.key = key;
        f.eip = eip;
        f.limit = csLimit;
        int n = 0, off = 0;
        while (n < MAX_INSNS) {
            Instruction in = scratch[n];
            if (in == null) in = scratch[n] = new Instruction();
            try {
                Decoder.decode(f, eip + off, code32, in);
            } catch (CpuFault e) {
                break;
            }
            if (!code32 && eip + off + in.length > 0x10000) break;   // IP would wrap: not contiguous
            off += in.length;
            scratchEnds[n++] = off;
            // Blocks end at branches, attention instructions (the engine returns to the run loop after
            // them) and REP strings (they may restart themselves to let interrupts in).
            if ((in.attrs & OpcodeRow.BRANCH) != 0 || in.attention || endsRun(in)) break;
        }
        if (n == 0) return null;
        Instruction[] insns = new Instruction[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            insns[i] = scratch[i];
            scratch[i] = null;                 // now owned by the block
            ends[i] = scratchEnds[i];
        }
        Block b = new Block(key, code32, insns, ends, n);
        int h = hash(key, code32);
        b.hashNext = table[h];
        table[h] = b;
        blockCount++;
        stats.blocksTranslated++;
        stats.instructionsTranslated += n;
        int page = key >>> PhysicalMemory.PAGE_SHIFT;
        if (page < ramPages) {
            b.pageNext = pageBlocks[page];
            pageBlocks[page] = b;
            codeChunks[page] |= chunkMask(b.first(), b.last());
            if (!listedPage[page]) {
                listedPage[page] = true;
                if (codePageCount == codePages.length) codePages = java.util.Arrays.copyOf(codePages, codePageCount * 2);
                codePages[codePageCount++] = page;
            }
            memory.watchPage(page, WATCH_CODE);
        }
        return b;
    }

    /** A REP string instruction: restartable, so the engine goes back to the run loop after it. */
    static boolean endsRun(Instruction in) {
        return in.attention || (in.rep != 0 && (in.attrs & OpcodeRow.STRING) != 0);
    }

    /** Bits of the 128-byte chunks covering page offsets {@code lo..hi} (0 <= lo <= hi <= 0xFFF). */
    static int chunkMask(int lo, int hi) {
        int a = lo >>> CHUNK_SHIFT, z = hi >>> CHUNK_SHIFT;
        int upTo = z == 31 ? -1 : (1 << (z + 1)) - 1;
        return upTo & (-1 << a);
    }

    // ------------------------------------------------------------------ coherence

    @Override
    public void pageWritten(int ramPage, int flags) {
        pageWritten(ramPage, flags, 0, PhysicalMemory.PAGE_SIZE);
    }

    @Override
    public void pageWritten(int ramPage, int flags, int offset, int size) {
        if ((flags & WATCH_CODE) == 0 || ramPage < 0 || ramPage >= ramPages) return;
        int lo = offset & 0xFFF, hi = Math.min(0xFFF, lo + size - 1);
        if ((codeChunks[ramPage] & chunkMask(lo, hi)) == 0) {
            stats.writesFiltered++;
            return;
        }
        invalidateRange(ramPage, lo, hi, cpuExecuting);
    }

    /** Invalidates the blocks of {@code page} overlapping page offsets {@code lo..hi}. */
    void invalidateRange(int page, int lo, int hi, boolean byCpu) {
        int removed = 0, chunks = 0;
        Block prev = null;
        for (Block b = pageBlocks[page]; b != null; b = b.pageNext) {
            if (b.first() <= hi && b.last() >= lo) {
                unhash(b);
                if (prev == null) pageBlocks[page] = b.pageNext; else prev.pageNext = b.pageNext;
                removed++;
            } else {
                chunks |= chunkMask(b.first(), b.last());
                prev = b;
            }
        }
        codeChunks[page] = chunks;
        if (byCpu) stats.invalCpuWrite += removed; else stats.invalOtherWrite += removed;
        if (removed > 0 && ++invalidations[page] > HOT_LIMIT && !hot[page]) {
            // Written and executed again and again: interpret this page from now on (no thrashing).
            hot[page] = true;
            stats.hotPages++;
            stats.invalHotPage += dropPage(page);
        }
        if (pageBlocks[page] == null) memory.unwatchPage(page, WATCH_CODE);
    }

    /** Removes every block of a page; returns how many. */
    private int dropPage(int page) {
        int n = 0;
        for (Block b = pageBlocks[page]; b != null; b = b.pageNext) {
            unhash(b);
            n++;
        }
        pageBlocks[page] = null;
        codeChunks[page] = 0;
        memory.unwatchPage(page, WATCH_CODE);
        return n;
    }

    private void unhash(Block b) {
        b.valid = false;
        int h = hash(b.key, b.code32);
        Block prev = null;
        for (Block x = table[h]; x != null; x = x.hashNext) {
            if (x == b) {
                if (prev == null) table[h] = x.hashNext; else prev.hashNext = x.hashNext;
                blockCount--;
                return;
            }
            prev = x;
        }
    }

    /**
     * Drops every block (memory map change, capacity). Invalidation counts and hot-page marks start over
     * too: a page that held self-modifying code long ago (a freed and reused frame) gets a new chance.
     */
    public void flushAll() {
        java.util.Arrays.fill(invalidations, (short) 0);
        java.util.Arrays.fill(hot, false);
        for (int i = 0; i < HASH_SIZE; i++) {
            for (Block b = table[i]; b != null; b = b.hashNext) b.valid = false;
            table[i] = null;
        }
        blockCount = 0;
        for (int k = 0; k < codePageCount; k++) {
            int p = codePages[k];
            pageBlocks[p] = null;
            codeChunks[p] = 0;
            listedPage[p] = false;
            memory.unwatchPage(p, WATCH_CODE);
        }
        codePageCount = 0;
    }

    @Override
    public void memoryMapChanged() {
        stats.invalMapChange += blockCount;
        flushAll();
    }

    @Override
    public void pageWriteProtected(int storePageOffset) {
        // The MMU's business (drop direct write paths); nothing cached here depends on it.
    }

    /** Number of live blocks (tests). */
    public int size() { return blockCount; }
}
