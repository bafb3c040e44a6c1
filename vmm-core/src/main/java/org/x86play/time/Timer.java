package org.x86play.time;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * One device deadline on a {@link VirtualClock}: at most one pending expiry; {@link #schedule}
 * replaces it. Created by {@link VirtualClock#newTimer}.
 */
public final class Timer {
    private final VirtualClock clock;
    private final TimerCallback callback;
    final String name;
    long deadline;
    boolean scheduled;

    Timer(VirtualClock clock, String name, TimerCallback callback) {
        this.clock = clock;
        this.name = name;
        this.callback = callback;
    }

    /** Fires the callback when guest time reaches {@code deadlineNs} (at once on the next advance if already past). */
    public void schedule(long deadlineNs) {
        deadline = deadlineNs;
        scheduled = true;
        clock.timersChanged();
    }

    /** Fires {@code delayNs} after the current guest time. */
    public void scheduleIn(long delayNs) {
        schedule(clock.now() + Math.max(0, delayNs));
    }

    public void cancel() {
        if (scheduled) {
            scheduled = false;
            clock.timersChanged();
        }
    }

    public boolean isScheduled() { return scheduled; }

    /** The pending deadline (ns); meaningful only while {@link #isScheduled()}. */
    public long deadline() { return deadline; }

    void fire(long now) { callback.fire(now); }

    @Override
    public String toString() { return name + (scheduled ? "@" + deadline : "(idle)"); }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Whether the timer is pending and its deadline relative to the clock's current (committed) time. */
    public void saveState(StateWriter w) {
        w.bool(scheduled).i64(scheduled ? deadline - clock.committed() : 0);
    }

    /** Reverse of {@link #saveState}; the clock's own state must be loaded first. */
    public void loadState(StateReader r) throws SnapshotFormatException {
        boolean on = r.bool(name + " timer pending flag");
        long delta = r.longIn(-(1L << 60), 1L << 60, name + " timer deadline");
        if (on) schedule(clock.committed() + delta);
        else cancel();
    }
}
