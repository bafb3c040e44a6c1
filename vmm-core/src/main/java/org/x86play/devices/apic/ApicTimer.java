package org.x86play.devices.apic;

import org.x86play.time.Rate;
import org.x86play.time.Timer;
import org.x86play.time.VirtualClock;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The local APIC timer (SDM Vol. 3 §10.5.4): a 32-bit down-counter clocked by the bus clock divided
 * by the divide configuration, in one-shot or periodic mode (no TSC-deadline mode). It counts on the
 * {@link VirtualClock} through a {@link Timer}, so a halted guest skips straight to the expiry;
 * the current count is computed from guest time when read.
 * <p>
 * The bus clock is {@value #BUS_HZ} Hz (one tick per instruction at the clock's default 100 MIPS);
 * every divisor 1..128 divides it exactly. Guests calibrate it against the PIT or take it from CPUID
 * leaf 0x15/0x16, which this processor does not report.
 */
final class ApicTimer {
    /** Bus (timer input) frequency in Hz. */
    static final long BUS_HZ = 100_000_000L;

    private final VirtualClock clock;
    private final Timer timer;
    private final Runnable expired;

    private int initialCount, divideConfig;
    private boolean periodic;
    /** Counting: the count was {@code startCount} at guest time {@code startNs} and has not reached 0 yet. */
    private boolean counting;
    private long startNs, startCount;

    /** @param expired called each time the count reaches zero (the LVT timer interrupt) */
    ApicTimer(VirtualClock clock, Runnable expired) {
        this.clock = clock;
        this.expired = expired;
        this.timer = clock.newTimer("apic-timer", this::fire);
    }

    void reset() {
        timer.cancel();
        counting = false;
        initialCount = divideConfig = 0;
        periodic = false;
    }

    /** Divisor for a divide configuration register value: bits 3,1,0 = 111 → 1, else 2^(value+1) (SDM Figure 10-10). */
    static int divisor(int config) {
        int d = (config & 3) | ((config >>> 1) & 4);
        return d == 7 ? 1 : 2 << d;
    }

    private long hz() { return BUS_HZ / divisor(divideConfig); }

    int initialCount() { return initialCount; }

    int divideConfig() { return divideConfig; }

    /** True while the count runs down towards an expiry (an interrupt may still come). */
    boolean isArmed() { return counting; }

    /** Writing the initial count (re)starts the count from it; 0 stops the timer (SDM §10.5.4). */
    void setInitialCount(int value) {
        long now = clock.now();
        initialCount = value;
        if (value == 0) {
            counting = false;
            timer.cancel();
            return;
        }
        start(now, value & 0xFFFFFFFFL);
    }

    /** Only bits 0, 1 and 3 exist. A running count continues from its current value at the new rate. */
    void setDivideConfig(int value) {
        long now = clock.now();
        long current = counting ? remaining(now) : 0;
        divideConfig = value & 0xB;
        if (counting && current > 0) start(now, current);
    }

    /** LVT timer mode bit 17: periodic. Takes effect at the next expiry. */
    void setPeriodic(boolean on) { periodic = on; }

    /** The current-count register. */
    int currentCount() {
        long now = clock.now();
        return counting ? (int) remaining(now) : 0;
    }

    /** Count at guest time {@code now} (>= startNs): a periodic count reloads from the initial count. */
    private long remaining(long now) {
        long elapsed = Rate.ticksAt(now - startNs, hz());
        if (elapsed < startCount) return startCount - elapsed;
        long initial = initialCount & 0xFFFFFFFFL;
        if (!periodic || initial == 0) return 0;
        return initial - (elapsed - startCount) % initial;
    }

    private void start(long now, long count) {
        startNs = now;
        startCount = count;
        counting = true;
        timer.schedule(now + Rate.nsOfTick(count, hz()));
    }

    private void fire(long now) {
        long initial = initialCount & 0xFFFFFFFFL;
        if (periodic && initial != 0) start(now, initial);
        else counting = false;
        expired.run();
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Registers, the running count (start time and count) and the pending expiry. */
    void saveState(StateWriter w) {
        w.i32(initialCount).i32(divideConfig).bool(periodic).bool(counting).i64(startNs).i64(startCount);
        timer.saveState(w);
    }

    void loadState(StateReader r) throws SnapshotFormatException {
        initialCount = r.i32();
        divideConfig = r.i32() & 0xB;
        periodic = r.bool("APIC timer periodic");
        counting = r.bool("APIC timer counting");
        startNs = r.longIn(0, Long.MAX_VALUE / 4, "APIC timer start time");
        startCount = r.longIn(0, 0xFFFFFFFFL, "APIC timer start count");
        timer.loadState(r);
    }
}
