package org.x86play.machine;

/** Bounds on one run. Zero means unbounded. */
public final class RunLimits {
    public long maxInstructions;
    /** Wall-clock bound, checked every few thousand instructions (host time, not guest time). */
    public long timeoutMillis;

    public RunLimits maxInstructions(long n) { maxInstructions = n; return this; }
    public RunLimits timeoutMillis(long ms) { timeoutMillis = ms; return this; }
}
