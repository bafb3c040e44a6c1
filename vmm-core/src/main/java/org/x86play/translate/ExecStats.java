package org.x86play.translate;

import org.x86play.cpu.Cpu;
import org.x86play.mmu.MmuStats;

/**
 * One place to read the execution counters of a machine: instructions retired, the block cache's
 * {@link CacheStats}, the MMU's {@link MmuStats} and interrupts delivered by the run loop.
 */
public final class ExecStats {
    public final long instructions;
    public final long interruptsDelivered;
    public final String engine;
    /** Null when the plain interpreter ran. */
    public final CacheStats cache;
    public final MmuStats mmu;

    public ExecStats(Cpu cpu, ExecutionEngine engine, long interruptsDelivered) {
        this.instructions = cpu.instructions;
        this.interruptsDelivered = interruptsDelivered;
        this.engine = engine.name();
        this.cache = engine.cacheStats();
        this.mmu = cpu.mmu.stats;
    }

    /** Multi-line report for {@code ./vmm run --stats}. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("engine: ").append(engine).append('\n');
        sb.append("instructions retired: ").append(instructions).append('\n');
        sb.append("interrupts delivered: ").append(interruptsDelivered).append('\n');
        if (cache != null) sb.append("block cache: ").append(cache).append('\n');
        sb.append("tlb: ").append(mmu).append('\n');
        return sb.toString();
    }

    @Override
    public String toString() { return format(); }
}
