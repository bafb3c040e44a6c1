package org.x86play.machine;

/** Why and how a run ended. */
public final class RunResult {
    public enum Reason {
        /** The guest wrote v to the debug-exit port (0xF4); {@link #exitCode} is (v << 1) | 1. */
        DEBUG_EXIT,
        /** HLT with IF=0 (or no device able to interrupt): nothing can ever wake the CPU. */
        HALTED_FOREVER,
        TRIPLE_FAULT,
        UNIMPLEMENTED,
        INSTRUCTION_LIMIT,
        TIMEOUT,
        /** The guest powered the machine off (ACPI soft-off). */
        POWER_OFF,
        /** The embedder asked the run to stop ({@link Machine#requestStop}), e.g. expected output appeared. */
        STOPPED,
        /** An internal error of the emulator (a bug), reported rather than thrown. */
        HOST_ERROR
    }

    public final Reason reason;
    /** Debug-exit status, else 0. */
    public final int exitCode;
    /** One-line human-readable explanation. */
    public final String message;
    /** Steps of the run loop: instructions executed (including ones that raised an exception) and halted idle steps. */
    public final long instructions;

    public RunResult(Reason reason, int exitCode, String message, long instructions) {
        this.reason = reason;
        this.exitCode = exitCode;
        this.message = message;
        this.instructions = instructions;
    }
}
