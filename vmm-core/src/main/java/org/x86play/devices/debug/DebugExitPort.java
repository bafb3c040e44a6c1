package org.x86play.devices.debug;

import org.x86play.io.IoPortHandler;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * A debug-exit port in the manner of QEMU's isa-debug-exit: a write of {@code v} asks the machine
 * to stop with exit status {@code (v << 1) | 1} (always odd, so it cannot be mistaken for one of the
 * runner's own even statuses). Reads return all-ones, like an empty ISA slot.
 */
public final class DebugExitPort implements IoPortHandler {
    public static final int DEFAULT_PORT = 0xF4;

    private boolean requested;
    private int exitCode;

    /** True once the guest has written to the port. */
    public boolean exitRequested() { return requested; }

    /** {@code (v << 1) | 1} for the written value {@code v}; meaningful once {@link #exitRequested()}. */
    public int exitCode() { return exitCode; }

    /** Forgets a previous request (before a new run). */
    public void clear() { requested = false; exitCode = 0; }

    @Override
    public int in(int port, int size) {
        return size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFF;
    }

    @Override
    public void out(int port, int size, int value) {
        if (requested) return; // the first request wins
        requested = true;
        exitCode = (value << 1) | 1;
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    public void saveState(StateWriter w) { w.bool(requested).i32(exitCode); }

    public void loadState(StateReader r) throws SnapshotFormatException {
        requested = r.bool("debug-exit request");
        exitCode = r.i32();
    }
}
