package org.x86play.web;

/**
 * Decides when a 'stats' message is due (about once per host second) and computes the MIPS of the
 * last interval: all instructions over wall time, and over the host time spent inside the emulator.
 */
final class StatsMeter {
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private long lastNanos, lastInstructions, busyNanos;
    private double mips, busyMips;

    void start(long hostNanos, long instructions) {
        lastNanos = hostNanos;
        lastInstructions = instructions;
        busyNanos = 0;
    }

    /** Host time one slice spent running the machine. */
    void addBusy(long nanos) { busyNanos += nanos; }

    /** True (and the MIPS figures updated) when an interval has passed. */
    boolean due(long hostNanos, long instructions) {
        long wall = hostNanos - lastNanos;
        if (wall < INTERVAL_NANOS) return false;
        long executed = instructions - lastInstructions;
        mips = executed * 1e3 / wall;
        busyMips = busyNanos > 0 ? executed * 1e3 / busyNanos : 0;
        start(hostNanos, instructions);
        return true;
    }

    /** Million instructions per wall-clock second over the last interval. */
    double mips() { return mips; }

    /** Million instructions per second of host time actually spent running (speed while busy). */
    double busyMips() { return busyMips; }
}
