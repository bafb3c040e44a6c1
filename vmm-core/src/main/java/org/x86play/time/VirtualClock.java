package org.x86play.time;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * Guest time in nanoseconds, derived from executed instructions (a fixed instructions-per-second
 * rate) plus the idle time skipped while the CPU is halted. A run is therefore reproducible, and a
 * halted guest costs no host CPU: the run loop jumps straight to {@link #nextDeadline()}.
 * <p>
 * Devices own {@link Timer}s (one pending deadline each) and are called back when guest time reaches
 * them, always with the clock standing exactly at the deadline, so periodic devices do not drift.
 * <p>
 * Driving the clock (the run loop, never per instruction): either {@link #advanceInstructions(long)}
 * once per chunk, or give the clock the CPU's counter ({@link #setInstructionCounter}) and call
 * {@link #sync()} per chunk; with a counter, {@link #now()} also accounts for the instructions of the
 * current chunk, so a guest polling a timer port sees time move.
 * <p>
 * Pacing ({@link #setPacing}): guest time never runs ahead of host time since pacing began; when the
 * guest is ahead, instruction-derived time is dropped (the guest runs slower) and {@link #idle()}
 * stops at the host time; {@link #idleWaitNanos()} says how long the embedder may sleep.
 */
public final class VirtualClock {
    public static final long NS_PER_SECOND = 1_000_000_000L;
    /** Default rate: a 100 MIPS guest. */
    public static final long DEFAULT_INSTRUCTIONS_PER_SECOND = 100_000_000L;

    private long now;
    private long instructionsPerSecond = DEFAULT_INSTRUCTIONS_PER_SECOND;
    /** Sub-nanosecond remainder of instruction-derived time, in units of 1/instructionsPerSecond ns. */
    private long remainder;

    private Timer[] timers = new Timer[8];
    private int timerCount;
    private long earliest = Long.MAX_VALUE;
    private Timer earliestTimer;
    private boolean firing;

    private InstructionCounter counter;
    private long counted;

    private HostTime host;
    private long hostStart, guestStart;

    /** Current guest time (ns). With an instruction counter, includes instructions not yet {@link #sync}ed. */
    public long now() {
        if (counter != null && !firing) sync();
        return now;
    }

    /** Guest time without consulting the instruction counter (what the clock last committed). */
    public long committed() { return now; }

    public long instructionsPerSecond() { return instructionsPerSecond; }

    /**
     * Guest time in cycles of the instruction rate (instructions plus skipped idle time): what a
     * time-stamp counter should read so that it agrees with the PIT, the RTC and the idle skips.
     */
    public long cycles() { return Rate.ticksAt(now(), instructionsPerSecond); }

    /** Sets how many guest instructions make one second (1 .. 4e9). */
    public void setInstructionsPerSecond(long ips) {
        if (ips <= 0 || ips > 4_000_000_000L) {
            throw new IllegalArgumentException("instructions per second must be 1..4e9, got " + ips);
        }
        instructionsPerSecond = ips;
        remainder = 0;
    }

    /** Makes {@link #now()} and {@link #sync()} follow the CPU's instruction count from its current value. */
    public void setInstructionCounter(InstructionCounter c) {
        counter = c;
        counted = c == null ? 0 : c.instructions();
    }

    /** Advances guest time by the instructions retired since the last sync (needs an instruction counter). */
    public void sync() {
        if (counter == null) return;
        long n = counter.instructions();
        long d = n - counted;
        counted = n;
        if (d > 0) advanceInstructions(d);
    }

    /** Advances guest time by {@code count} executed instructions. */
    public void advanceInstructions(long count) {
        if (count <= 0) return;
        long ips = instructionsPerSecond;
        // count * 1e9 / ips without overflow: whole seconds first, then the rest plus the carried remainder.
        long ns = (count / ips) * NS_PER_SECOND;
        long part = (count % ips) * NS_PER_SECOND + remainder; // < 2 * ips * 1e9: fits for ips <= 4e9
        ns += part / ips;
        remainder = part % ips;
        advance(ns);
    }

    /** Advances guest time by {@code ns}, firing every timer whose deadline is reached, in deadline order. */
    public void advance(long ns) {
        if (ns <= 0) return;
        long target = now + ns;
        if (host != null) target = Math.min(target, hostLimit());
        advanceTo(target);
    }

    private void advanceTo(long target) {
        if (firing) { // a callback advancing time: just move, the outer loop fires the rest
            if (target > now) now = target;
            return;
        }
        firing = true;
        try {
            while (earliestTimer != null && earliest <= target) {
                Timer t = earliestTimer;
                if (earliest > now) now = earliest;
                t.scheduled = false;
                recompute();
                t.fire(now);
            }
            if (target > now) now = target;
        } finally {
            firing = false;
        }
    }

    /** The earliest pending deadline (ns), or {@link Long#MAX_VALUE} when no timer is scheduled. */
    public long nextDeadline() { return earliest; }

    public boolean hasPendingTimers() { return earliestTimer != null; }

    /**
     * For the run loop while the CPU is halted: skips guest time to the next deadline and fires it.
     * Paced: stops at the current host time instead when that comes first.
     * @return true if time moved
     */
    public boolean idle() {
        sync();
        long target = earliest;
        if (host != null) target = Math.min(target, hostLimit());
        if (target == Long.MAX_VALUE || target < now) return false;
        advanceTo(target);
        return true;
    }

    /** Paced only: how long (host ns) until the next deadline is due; 0 when it is due or pacing is off. */
    public long idleWaitNanos() {
        if (host == null || earliestTimer == null) return 0;
        return Math.max(0, earliest - hostLimit());
    }

    /** Wall-clock pacing on (with a host time source) or off (null): guest time may not pass host time. */
    public void setPacing(HostTime hostTime) {
        host = hostTime;
        if (hostTime != null) {
            hostStart = hostTime.nanos();
            guestStart = now;
        }
    }

    public boolean isPaced() { return host != null; }

    private long hostLimit() {
        return guestStart + (host.nanos() - hostStart);
    }

    /** A new timer (not scheduled) calling {@code callback}; {@code name} is for diagnostics. */
    public Timer newTimer(String name, TimerCallback callback) {
        Timer t = new Timer(this, name, callback);
        if (timerCount == timers.length) timers = java.util.Arrays.copyOf(timers, timerCount * 2);
        timers[timerCount++] = t;
        return t;
    }

    void timersChanged() { recompute(); }

    private void recompute() {
        long e = Long.MAX_VALUE;
        Timer et = null;
        for (int i = 0; i < timerCount; i++) {
            Timer t = timers[i];
            if (t.scheduled && (et == null || t.deadline < e)) {
                e = t.deadline;
                et = t;
            }
        }
        earliest = e;
        earliestTimer = et;
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /**
     * Guest time, the instruction rate and its sub-nanosecond remainder, and the instruction count the clock
     * has accounted for. Timers are saved by their devices ({@link Timer#saveState}), relative to this time.
     */
    public void saveState(StateWriter w) {
        w.i64(now).i64(instructionsPerSecond).i64(remainder).i64(counted);
    }

    /** Reverse of {@link #saveState}; call before any device restores its timers. Pacing restarts from here. */
    public void loadState(StateReader r) throws SnapshotFormatException {
        now = r.longIn(0, Long.MAX_VALUE / 4, "guest time (ns)");
        instructionsPerSecond = r.longIn(1, 4_000_000_000L, "instructions per second");
        remainder = r.longIn(0, instructionsPerSecond - 1, "time remainder");
        counted = r.longIn(0, Long.MAX_VALUE, "counted instructions");
        for (int i = 0; i < timerCount; i++) timers[i].scheduled = false;
        recompute();
        if (host != null) setPacing(host);
    }
}
