package org.x86play.translate;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.Interpreter;
import org.x86play.cpu.SegmentCache;
import org.x86play.memory.PhysicalMemory;
import org.x86play.mmu.Mmu;
import org.x86play.mmu.MmuStats;

/**
 * Runs guest code from the {@link BlockCache}: pre-decoded instructions executed with
 * {@link Interpreter#stepDecoded}, so semantics (faults, EIP, flags, counts) are the interpreter's own.
 * <p>
 * One {@link #step()} still retires one instruction, so the run loop's per-instruction checks (debug exit,
 * interrupts, trace) are unchanged; the engine keeps a cursor into the current block. The cursor is only
 * followed while everything the block's decoding and physical location depend on is as it was at block
 * entry: EIP is the next instruction's, CS base/limit/attributes and CPL are unchanged, no TLB flush
 * happened, and the block was not invalidated (a write into it, even by the instruction just executed,
 * clears {@link Block#valid}). Anything else (a fault, an interrupt, a jump, a rewrite) re-enters through
 * {@link #enter}: CS:EIP is translated by the MMU (the current linear-to-physical mapping, so remaps and
 * aliases are seen) and the block looked up by physical address.
 * <p>
 * Falls back to {@link Interpreter#step()} for code the cache does not hold: MMIO or unmapped code, an
 * instruction that crosses a page boundary, a fetch fault (the interpreter raises it), pages given up as hot.
 */
public final class BlockCacheEngine implements ExecutionEngine {
    private final Cpu cpu;
    private final Interpreter interpreter;
    private final SegmentCache cs;
    private final Mmu mmu;
    private final MmuStats mmuStats;
    private final PhysicalMemory memory;
    public final BlockCache cache;
    private final CacheStats stats;

    /** Cursor: block, index of the next instruction, its EIP, and the context the block was entered in. */
    private Block cur;
    private int idx, nextEip;
    private int curBase, curLimit, curAttr, curCpl, curFlushes, curInvlpgs;
    /** Linear address and store index where the current chain of blocks was entered (for {@link #follow}). */
    private int curLinear, curKey;

    public BlockCacheEngine(Cpu cpu) {
        this.cpu = cpu;
        this.interpreter = cpu.interpreter;
        this.cs = cpu.seg[Cpu.CS];
        this.mmu = cpu.mmu;
        this.mmuStats = cpu.mmu.stats;
        this.memory = cpu.memory;
        this.cache = new BlockCache(cpu.memory);
        this.stats = cache.stats;
    }

    @Override public String name() { return "tcache"; }
    @Override public CacheStats cacheStats() { return stats; }

    @Override
    public void detach() {
        cache.flushAll();
        cur = null;
    }

    @Override
    public void step() {
        final Cpu cpu = this.cpu;
        if (cpu.halted) return;
        Block b = cur;
        int i = idx;
        final SegmentCache cs = this.cs;
        // Context of the block entry still holds: same CS, CPL, no TLB flush or INVLPG since.
        boolean same = b != null && cs.base == curBase && cs.limit == curLimit && cs.attributes == curAttr
                && cpu.cpl == curCpl && mmuStats.tlbFlushes == curFlushes && mmuStats.invlpgs == curInvlpgs;
        if (!same || i >= b.count || !b.valid || cpu.eip != nextEip) {
            Block next = same && i >= b.count ? follow(b, cpu.eip) : null;
            if (next == null) {
                next = enter();
                if (next == null) {
                    cur = null;
                    stats.interpretedSteps++;
                    cache.cpuExecuting = true;
                    interpreter.step();
                    cache.cpuExecuting = false;
                    return;
                }
                if (same && i >= b.count) link(b, next, cpu.eip);
            }
            cur = b = next;
            i = 0;
        }
        idx = i + 1;
        nextEip = nextEip - (i == 0 ? 0 : b.ends[i - 1]) + b.ends[i];
        stats.blockInstructions++;
        cache.cpuExecuting = true;
        interpreter.stepDecoded(b.insns[i]);
        cache.cpuExecuting = false;
    }

    /**
     * Block chaining: the successor of {@code b} at {@code eip} without MMU translation or hash lookup. Allowed
     * only inside the linear page the current chain was entered in (same CS, CPL and no TLB flush/INVLPG since:
     * so the same physical frame), and only if the cached successor is valid and starts at exactly the
     * physical byte {@code eip} maps to.
     */
    private Block follow(Block b, int eip) {
        Block s;
        if (b.succEip0 == eip) s = b.succ0;
        else if (b.succEip1 == eip) s = b.succ1;
        else return null;
        int lin = curBase + eip;
        if (!s.valid || ((lin ^ curLinear) & ~PhysicalMemory.PAGE_MASK) != 0
                || s.key != ((curKey & ~PhysicalMemory.PAGE_MASK) | (lin & PhysicalMemory.PAGE_MASK))
                || !fits(s, eip, curLimit)) {
            return null;
        }
        stats.chained++;
        stats.blockExecutions++;
        nextEip = eip;
        return s;
    }

    /** Remembers {@code next} as a successor of {@code b} (two slots, the older one replaced). */
    private static void link(Block b, Block next, int eip) {
        if (b.succEip0 == eip) {
            b.succ0 = next;
        } else if (b.succEip1 == eip) {
            b.succ1 = next;
        } else {
            b.succEip1 = b.succEip0;
            b.succ1 = b.succ0;
            b.succEip0 = eip;
            b.succ0 = next;
        }
    }

    /** The whole block, entered at {@code eip}, lies within the CS limit and (16-bit code) the 64 KiB IP space. */
    private static boolean fits(Block b, int eip, int limit) {
        int end = eip + b.length - 1;
        return Integer.compareUnsigned(end, limit) <= 0 && Integer.compareUnsigned(end, eip) >= 0
                && (b.code32 || Integer.compareUnsigned(end, 0xFFFF) <= 0);
    }

    /**
     * Finds (or translates) the block at the current CS:EIP and sets the cursor to its start, or returns
     * null if this instruction must be interpreted.
     */
    private Block enter() {
        final Cpu cpu = this.cpu;
        final SegmentCache cs = this.cs;
        int eip = cpu.eip;
        int limit = cs.limit;
        if (Integer.compareUnsigned(eip, limit) > 0) return null;       // #GP: the interpreter raises it
        int phys;
        try {
            phys = mmu.translate(cs.base + eip, false, cpu.cpl == 3);
        } catch (CpuFault f) {
            mmuStats.pageFaults--;                                       // the interpreter's fetch counts it again
            return null;
        }
        int e = memory.pageEntry(phys);
        if ((e & 3) > PhysicalMemory.KIND_ROM) return null;             // MMIO or nothing: not cacheable
        int key = (e & ~PhysicalMemory.PAGE_MASK) | (phys & PhysicalMemory.PAGE_MASK);
        boolean code32 = cs.is32();
        BlockCache cache = this.cache;
        Block b = cache.lookup(key, code32);
        if (b == null) {
            if (cache.isHot(key)) return null;
            b = cache.translate(key, eip, code32, limit);
            if (b == null) return null;
        }
        // The same bytes reached through another CS:EIP: the whole block must fit this limit and IP space.
        if (!fits(b, eip, limit)) return null;
        stats.blockExecutions++;
        cur = b;
        nextEip = eip;
        curBase = cs.base;
        curLimit = limit;
        curAttr = cs.attributes;
        curCpl = cpu.cpl;
        curFlushes = mmuStats.tlbFlushes;
        curInvlpgs = mmuStats.invlpgs;
        curLinear = cs.base + eip;
        curKey = key;
        return b;
    }
}
