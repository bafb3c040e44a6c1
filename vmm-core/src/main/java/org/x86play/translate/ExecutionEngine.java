package org.x86play.translate;

/**
 * How the run loop executes guest code: one call = what one {@code Cpu.step()} does (one instruction
 * retired, or its fault delivered; nothing while halted). Both implementations give identical
 * guest-visible results; {@link BlockCacheEngine} only skips re-decoding.
 */
public interface ExecutionEngine {
    void step();

    /**
     * Runs at least one step and returns how many were taken (instructions executed, faulting ones included;
     * 1 while halted). Stops after at least {@code soft} steps at the engine's convenience, never after more
     * than {@code hard} (1 <= soft <= hard), and as soon as anything the run loop polls between
     * instructions (debug-exit port, interrupt lines, IF, halt) may have changed. The default is one step.
     */
    default int run(int soft, int hard) {
        step();
        return 1;
    }

    /** After {@link #run} or {@link #step} threw: the steps it had taken, the failing one included. */
    default int abortedSteps() { return 1; }

    /** "interpreter" or "tcache". */
    String name();

    /** Block cache counters, or null for the plain interpreter. */
    CacheStats cacheStats();

    /** The machine switches to another engine: drop hooks into memory (watched pages). */
    default void detach() {}
}
