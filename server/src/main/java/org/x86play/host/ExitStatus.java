package org.x86play.host;

import org.x86play.machine.RunResult;

/**
 * Process exit statuses of {@code ./vmm}. A guest's debug-exit write of v gives (v << 1) | 1, always
 * odd; the runner's own statuses are even.
 */
public final class ExitStatus {
    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int HALTED_FOREVER = 4;
    public static final int TRIPLE_FAULT = 6;
    public static final int UNIMPLEMENTED = 8;
    public static final int LIMIT = 10;
    public static final int HOST_ERROR = 12;

    private ExitStatus() {}

    /** The status for a finished run. */
    public static int of(RunResult r) {
        switch (r.reason) {
            case DEBUG_EXIT: return r.exitCode;
            case POWER_OFF:
            case STOPPED: return OK;
            case HALTED_FOREVER: return HALTED_FOREVER;
            case TRIPLE_FAULT: return TRIPLE_FAULT;
            case UNIMPLEMENTED: return UNIMPLEMENTED;
            case INSTRUCTION_LIMIT:
            case TIMEOUT: return LIMIT;
            default: return HOST_ERROR;
        }
    }

    /** The table printed by {@code ./vmm help} (and copied into the README). */
    public static final String TABLE = String.join("\n",
            "  odd   the guest wrote v to the debug-exit port 0xF4: status (v << 1) | 1 (v = 0 gives 1)",
            "  0     normal stop: the guest powered off (ACPI), or --until TEXT appeared",
            "  2     usage error or bad input file",
            "  4     the CPU halted and nothing can wake it (HLT with IF=0, or no interrupt source)",
            "  6     triple fault (processor shutdown)",
            "  8     an instruction or feature the emulator does not implement",
            "  10    --max-instructions or --timeout reached",
            "  12    host-side error (a bug in the emulator), reported as one line");
}
