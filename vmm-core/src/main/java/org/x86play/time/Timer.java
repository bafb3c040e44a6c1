package org.x86play.time;

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
}
