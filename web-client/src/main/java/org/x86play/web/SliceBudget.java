package org.x86play.web;

/**
 * How many instructions one slice may run so that it takes about {@link #TARGET_NANOS} of host time:
 * adapts to the measured speed of slices that used their whole budget (idle slices end early and say
 * nothing about speed). The budget is bounded so a wrong guess cannot block the worker for long.
 */
final class SliceBudget {
    /** Host time one slice aims at: short enough for input latency, long enough to amortise the yield. */
    static final long TARGET_NANOS = 10_000_000L;
    static final int MIN = 20_000, MAX = 50_000_000, INITIAL = 200_000;

    private int budget = INITIAL;

    int instructions() { return budget; }

    /** A slice ran {@code executed} instructions in {@code nanos} host time and stopped at its budget. */
    void fullSlice(long executed, long nanos) {
        if (executed <= 0 || nanos <= 0) return;
        double ideal = (double) executed * TARGET_NANOS / nanos;
        // Halfway towards the ideal: one slow slice (GC, a compile tier-up) does not halve the next one.
        double next = (budget + ideal) / 2;
        budget = (int) Math.max(MIN, Math.min(MAX, next));
    }
}
