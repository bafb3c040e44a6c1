package org.x86play.translate;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.Interpreter;
import org.x86play.cpu.SegmentCache;
import org.x86play.cpu.decoder.Instruction;
import org.x86play.memory.PhysicalMemory;
import org.x86play.mmu.Mmu;
import org.x86play.mmu.MmuStats;

/**
 * Runs guest code from the {@link BlockCache}: pre-decoded instructions executed by the interpreter's own
 * {@link Interpreter#execute execute}, so semantics (faults, EIP, flags, counts) are the interpreter's.
 * <p>
 * {@link #run} is the fast path: whole blocks in a tight loop, chained to their successors, with the
 * per-instruction bookkeeping of {@link Interpreter#step()} hoisted to block or run boundaries. That is
 * exact because everything it re-checks can only change through an attention instruction
 * ({@link org.x86play.cpu.decoder.Instruction#attention}), a fault or an MMIO access, and each of those
 * ends the run: so within one run CS, CPL, paging, segments, DR7, TF/RF are constant. Retired instructions
 * are added to {@code cpu.instructions}/{@code tsc} in bulk: before a block's last instruction (the only
 * place for port I/O or RDTSC), at the end of a block, and before every MMIO access (device time).
 * A write into the running block (even by the instruction just executed) clears {@link Block#valid} and the
 * block ends after that instruction. Between blocks, the successor comes from the block's links, else the
 * indirect-target cache, else {@link #enter}; links and cache entries are reused only when TLB-validated or
 * stamped with the run's context generation ({@link #generation}).
 * <p>
 * {@link #step()} retires exactly one instruction (trace, single-step, interrupt shadow, tests); it keeps a
 * cursor into the current block that is only followed while EIP, CS base/limit/attributes, CPL and the TLB
 * flush counters are as at block entry and the block is valid. Anything else re-enters through
 * {@link #enter}: CS:EIP is translated by the MMU and the block looked up by physical address.
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
    /**
     * Fast path: the block being executed, its entry EIP and how many of its instructions are already in
     * cpu.instructions/tsc (the rest are added in bulk at the end of the block).
     */
    private Block runBlock;
    private int runBlockEip, counted;
    /**
     * Indirect-target cache: the block last entered at a linear address, by a hash of that address. Serves
     * returns, indirect jumps and calls and any successor the two per-block links miss. Only a hint: used
     * only when the block is valid, of the running code size, fits the CS limit and the TLB maps the
     * address to its first byte ({@link #mappedTo}), so an invalidated block, a remapped page or another
     * address space never reaches it.
     */
    private static final int TARGET_BITS = 10, TARGET_SIZE = 1 << TARGET_BITS;
    private final int[] targetLinear = new int[TARGET_SIZE];
    private final Block[] targetBlock = new Block[TARGET_SIZE];
    private final int[] addends;
    /** Current context generation and the context it stands for (see {@link #generation}). */
    private int gen, genBase, genLimit, genAttr, genCpl, genEpoch;
    /** True while {@link #run} executes a block; an MMIO access then sets {@link #attention}. */
    private boolean inRun, attention;
    /** True while compiled code of {@link #runBlock} runs (the instruction index is then cpu.instructionStart's). */
    private boolean inCompiled;
    /** Steps taken by the last {@link #run} that ended with an exception (the failing one included). */
    private int aborted;

    /** Compiles hot blocks to host code, or null (the default: every block is interpreted). */
    private BlockCompiler compiler;
    private int compileThreshold;

    /**
     * Installs a {@link BlockCompiler} (null: none): from now on a block that has run whole
     * {@link BlockCompiler#threshold()} times is compiled, and its compiled code replaces the per-instruction loop.
     */
    public void setCompiler(BlockCompiler c) { setCompiler(c, c == null ? 1 : c.threshold()); }

    /** Like {@link #setCompiler(BlockCompiler)} with another threshold (1: compile on the first full run; tests). */
    public void setCompiler(BlockCompiler c, int threshold) {
        compiler = c;
        compileThreshold = Math.max(1, threshold);
    }

    public BlockCacheEngine(Cpu cpu) {
        this.cpu = cpu;
        this.interpreter = cpu.interpreter;
        this.cs = cpu.seg[Cpu.CS];
        this.mmu = cpu.mmu;
        this.mmuStats = cpu.mmu.stats;
        this.memory = cpu.memory;
        this.addends = cpu.mmu.addends();
        this.cache = new BlockCache(cpu.memory);
        this.stats = cache.stats;
        memory.setDeviceAccessHook(this::deviceAccess);
    }

    /** Before an MMIO access inside a run: device time must see every retired instruction; end the run soon. */
    private void deviceAccess() {
        Block b = runBlock;
        if (!inRun || b == null) return;
        // Instructions before the one accessing the device are complete: find its index from its EIP.
        int j = indexAt(b, cpu.instructionStart - runBlockEip);
        if (j < b.count) count(j);
        attention = true;
    }

    /** Index of the instruction of {@code b} that starts {@code off} bytes into it ({@code b.count} if none). */
    private static int indexAt(Block b, int off) {
        int j = 0;
        while (j < b.count && (j == 0 ? 0 : b.ends[j - 1]) != off) j++;
        return j;
    }

    @Override
    public int abortedSteps() { return aborted; }

    /**
     * Runs whole blocks until at least {@code soft} steps are done (block boundary) but never more than
     * {@code hard}, or until something the run loop polls may have changed: an attention instruction, a
     * fault, an MMIO access, a REP string, HLT, an invalidated block. Returns the steps taken (instructions
     * executed, faulting ones included), at least 1.
     */
    @Override
    public int run(int soft, int hard) {
        final Cpu cpu = this.cpu;
        final Interpreter interp = this.interpreter;
        if (cpu.halted || !interp.fastPathAllowed()) {
            step();
            return 1;
        }
        cur = null;                               // the step() cursor is not maintained here
        interp.prepareRun();
        interp.beginBlock();                      // shadow-setting instructions end the run, so once per run
        final CacheStats stats = this.stats;
        int done = 0, k = 0, chained = 0, targetHits = 0, inBlocks = 0, compiledRuns = 0, compiledInsns = 0;
        // Constant for the whole run (CS, CPL and paging change only through attention instructions and faults).
        final int base = cs.base, limit = cs.limit;
        final boolean code32 = cs.is32();
        final int[] tags = mmu.readTags(cpu.cpl == 3);
        final int gen = generation();
        attention = false;
        cache.cpuExecuting = true;
        try {
            Block b = enter();
            while (b != null) {
                int n = b.count;
                if (n > hard - done) n = hard - done;
                // An attention instruction (port I/O, RDTSC, WRMSR...) is held back until the count is current.
                int stop = n == b.count && b.endsRun ? n - 1 : n;
                // A compare-and-branch tail runs as one pair (only when the whole block runs).
                boolean pair = n == b.count && b.compareBranch;
                if (pair) stop = n - 2;
                runBlock = b;
                runBlockEip = cpu.eip;
                counted = 0;
                inRun = true;
                boolean ok = true;
                k = 0;                            // instructions of b completed
                // Compiled code runs the whole block but a final attention instruction (the pair included).
                final int compiledStop = b.endsRun ? n - 1 : n;
                CompiledBlock cb = n == b.count ? b.compiled : null;
                if (cb == null && n == b.count && compiler != null && ++b.heat == compileThreshold) {
                    cb = compile(b, compiledStop);
                }
                if (cb != null) {
                    stop = compiledStop;
                    pair = false;
                    inCompiled = true;
                    // Iterations beyond this one (a self-looping block) may use what is left below soft and hard.
                    loopRoom = Math.min(soft, hard) - done - n;
                    loopIterations = 0;
                    int r = cb.run();             // the loop below, as host code
                    inCompiled = false;
                    if (loopIterations != 0) {
                        int extra = loopIterations * n;     // counted already, in loopAgain
                        done += extra;
                        inBlocks += extra;
                        chained += loopIterations;
                        compiledRuns += loopIterations;
                        compiledInsns += extra;
                        stats.compiledLoops += loopIterations;
                    }
                    if (r >= 0) {
                        k = r;
                    } else {
                        k = -r - 1;
                        ok = false;
                    }
                    compiledRuns++;
                    compiledInsns += k;
                } else {
                    // (only interpreted blocks load the instruction array: compiled ones skip that load)
                    final Instruction[] insns = b.insns;
                    final int mask = b.eipMask;
                    while (k < stop) {
                        if (!interp.execFast(insns[k], mask)) {
                            ok = false;
                            break;
                        }
                        k++;
                        if (!b.valid) break;      // written to: the rest of the block is stale
                    }
                }
                if (pair) {
                    if (ok && k == stop && b.valid) {
                        int r = interp.execCompareBranch(b.insns[k], b.insns[k + 1], b.eipMask);
                        k += r;
                        if (r < 2) ok = false;            // the jump faulted after the compare
                    }
                } else if (ok && k == stop && stop < n && b.valid) {
                    count(k);
                    if (interp.execFast(b.insns[k], b.eipMask)) k++;
                    else ok = false;
                }
                count(k);
                inRun = false;
                inBlocks += k;
                done += ok ? k : k + 1;
                boolean truncated = k < b.count;
                k = 0;
                if (!ok || !b.valid || attention || truncated || b.endsRun || done >= soft || cpu.halted) return done;
                int eip = cpu.eip;
                // Chaining inside one run: the entry context (CS, CPL, paging) cannot have changed. A link
                // stamped with this context's generation was checked (mapping, limit) when it was made.
                Block next;
                int stamp;
                if (b.succEip0 == eip) {
                    next = b.succ0;
                    stamp = b.succGen0;
                } else if (b.succEip1 == eip) {
                    next = b.succ1;
                    stamp = b.succGen1;
                } else {
                    next = null;
                    stamp = 0;
                }
                if (next != null && next.valid && (stamp == gen || chainable(next, eip, tags))) {
                    chained++;
                    if (stamp != gen) link(b, next, eip, gen);
                } else {
                    // Indirect targets (RET, JMP/CALL r/m) and successors beyond the two links.
                    int lin = base + eip;
                    int j = targetSlot(lin);
                    next = targetBlock[j];
                    if (next != null && targetLinear[j] == lin && next.valid && next.code32 == code32
                            && mappedTo(next, lin, tags) && fits(next, eip, limit)) {
                        targetHits++;
                    } else {
                        next = enter();
                        if (next != null) {
                            targetLinear[j] = lin;
                            targetBlock[j] = next;
                        }
                    }
                    if (next != null) link(b, next, eip, gen);
                }
                b = next;
            }
            // Not cacheable here (MMIO or unmapped code, page-crossing instruction, fetch fault, hot page).
            stats.interpretedSteps++;
            interp.step();
            done++;
        } catch (RuntimeException | Error e) {
            if (inCompiled) {
                k = indexAt(runBlock, cpu.instructionStart - runBlockEip);              // the loop's k
                done += loopIterations * runBlock.count;                                  // counted in loopAgain
            }
            if (inRun) count(k);
            aborted = done + k + 1;
            throw e;
        } finally {
            inRun = false;
            inCompiled = false;
            runBlock = null;
            cur = null;                           // enter() set it without the step() cursor's index
            stats.chained += chained;
            stats.targetHits += targetHits;
            stats.blockExecutions += chained + targetHits;
            stats.blockInstructions += inBlocks;
            stats.compiledExecutions += compiledRuns;
            stats.compiledInstructions += compiledInsns;
            cache.cpuExecuting = false;
        }
        return done;
    }

    /** Instructions a self-looping compiled block may still run beyond its current iteration, and its extra iterations. */
    private int loopRoom, loopIterations;

    /**
     * {@link CompiledBlock#again()}: the running compiled block completed an iteration and jumped to its own
     * start. Another one is allowed while it fits the run's budget (soft and hard bound), no device was
     * accessed (device time and interrupts are polled between runs) and the block is still valid; the
     * finished iteration is then counted as retired, so the next one starts from a clean count.
     */
    boolean loopAgain() {
        Block b = runBlock;
        int n = b.count;
        if (attention || !b.valid || loopRoom < n || b.endsRun) return false;
        loopRoom -= n;
        count(n);
        counted = 0;
        loopIterations++;
        return true;
    }

    /** Compiles {@code b}'s first {@code stop} instructions; a block the compiler declines is not offered again. */
    private CompiledBlock compile(Block b, int stop) {
        if (stop <= 0) return null;
        CompiledBlock cb = compiler.compile(cpu, b.insns, b.ends, stop, b.eipMask);
        if (cb == null) return null;
        cb.attach(b, this);
        b.compiled = cb;
        stats.blocksCompiled++;
        return cb;
    }

    /** Adds the instructions of {@link #runBlock} completed so far ({@code c}) to the CPU's counters. */
    private void count(int c) {
        int d = c - counted;
        if (d != 0) {
            counted = c;
            cpu.instructions += d;
            cpu.tsc += d;
        }
    }

    @Override public String name() { return "tcache"; }
    @Override public CacheStats cacheStats() { return stats; }

    @Override
    public void detach() {
        memory.setDeviceAccessHook(null);
        cache.flushAll();
        cur = null;
    }

    @Override
    public void step() {
        final Cpu cpu = this.cpu;
        aborted = 1;
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
                if (same && i >= b.count) link(b, next, cpu.eip, 0);   // checked again when run() uses it
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

    /**
     * The rest of {@link #follow}'s test for {@link #run}: the successor is at the physical byte CS:EIP maps
     * to now (same linear page and frame as the chain entry, or the TLB maps its page there) and fits the
     * limit. Its code size matches: links are made only within one CS (chains never outlive a run's CS).
     */
    private boolean chainable(Block s, int eip, int[] tags) {
        int lin = curBase + eip;
        boolean samePage = ((lin ^ curLinear) & ~PhysicalMemory.PAGE_MASK) == 0
                && s.key == ((curKey & ~PhysicalMemory.PAGE_MASK) | (lin & PhysicalMemory.PAGE_MASK));
        return (samePage || (s.code32 == cs.is32() && mappedTo(s, lin, tags))) && fits(s, eip, curLimit);
    }

    /**
     * True if the TLB holds a current translation of linear {@code lin}, readable at the running CPL, to the
     * physical byte block {@code s} starts at: exactly what {@link #enter} would find through the MMU
     * (a TLB hit), without the hash lookup. Entries are dropped by INVLPG, CR3 loads, paging-mode changes
     * and memory-map changes, so a hit is the MMU's answer; 32-bit paging has no execute-disable, so
     * read permission is fetch permission (SDM Vol. 3 §4.6).
     */
    private boolean mappedTo(Block s, int lin, int[] tags) {
        int i = (lin >>> PhysicalMemory.PAGE_SHIFT) & Mmu.TLB_MASK;
        return tags[i] == (lin & ~PhysicalMemory.PAGE_MASK) && lin + addends[i] == s.key;
    }

    /** Slot of a linear address in the indirect-target cache. */
    private static int targetSlot(int lin) {
        return (lin ^ (lin >>> TARGET_BITS)) & (TARGET_SIZE - 1);
    }

    /**
     * Remembers {@code next} as a successor of {@code b} (two slots, the older one replaced), checked for
     * the context generation {@code gen} (0: not checked, see {@link #generation}).
     */
    private static void link(Block b, Block next, int eip, int gen) {
        if (b.succEip0 == eip) {
            b.succ0 = next;
            b.succGen0 = gen;
        } else if (b.succEip1 == eip) {
            b.succ1 = next;
            b.succGen1 = gen;
        } else {
            b.succEip1 = b.succEip0;
            b.succ1 = b.succ0;
            b.succGen1 = b.succGen0;
            b.succEip0 = eip;
            b.succ0 = next;
            b.succGen0 = gen;
        }
    }

    /**
     * The context generation of a run: a new number whenever CS (base, limit, attributes), the CPL or the
     * MMU's translation epoch differ from the previous run's start. Within one generation a link from
     * {@code b} at a given EIP to a valid block stays right: same linear-to-physical mapping, same CS limit
     * and code size, the successor's bytes unchanged (else it would be invalid). Never 0.
     */
    private int generation() {
        final SegmentCache cs = this.cs;
        int epoch = mmu.epoch();
        if (gen == 0 || cs.base != genBase || cs.limit != genLimit || cs.attributes != genAttr || cpu.cpl != genCpl
                || epoch != genEpoch) {
            genBase = cs.base;
            genLimit = cs.limit;
            genAttr = cs.attributes;
            genCpl = cpu.cpl;
            genEpoch = epoch;
            if (++gen == 0) {                   // wrapped: no stamp may survive from 2^32 generations ago
                cache.flushAll();
                gen = 1;
            }
        }
        return gen;
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
