package org.x86play.translate;

/**
 * How the run loop executes guest code: one call = what one {@code Cpu.step()} does (one instruction
 * retired, or its fault delivered; nothing while halted). Both implementations give identical
 * guest-visible results; {@link BlockCacheEngine} only skips re-decoding.
 */
public interface ExecutionEngine {
    void step();

    /** "interpreter" or "tcache". */
    String name();

    /** Block cache counters, or null for the plain interpreter. */
    CacheStats cacheStats();

    /** The machine switches to another engine: drop hooks into memory (watched pages). */
    default void detach() {}
}
