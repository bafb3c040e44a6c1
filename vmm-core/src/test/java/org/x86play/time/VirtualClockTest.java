package org.x86play.time;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
    final VirtualClock clock = new VirtualClock();

    @Test
    void instructionsConvertToNanosecondsWithoutDrift() {
        clock.setInstructionsPerSecond(3);
        clock.advanceInstructions(1);
        assertEquals(333_333_333L, clock.now());
        clock.advanceInstructions(1);
        clock.advanceInstructions(1);
        assertEquals(1_000_000_000L, clock.now(), "remainders carry over");
        clock.setInstructionsPerSecond(100_000_000);
        clock.advanceInstructions(4096);
        assertEquals(1_000_040_960L, clock.now());
        clock.advanceInstructions(250_000_000_000L); // 2500 s in one go: no overflow
        assertEquals(2501_000_040_960L, clock.now());
    }

    @Test
    void timersFireInDeadlineOrderAtTheirExactTime() {
        List<String> log = new ArrayList<>();
        Timer a = clock.newTimer("a", now -> log.add("a@" + now));
        Timer b = clock.newTimer("b", now -> log.add("b@" + now));
        b.schedule(300);
        a.schedule(100);
        assertEquals(100, clock.nextDeadline());
        clock.advance(250);
        assertEquals(List.of("a@100"), log);
        assertEquals(250, clock.now());
        assertEquals(300, clock.nextDeadline());
        clock.advance(1000);
        assertEquals(List.of("a@100", "b@300"), log);
        assertFalse(clock.hasPendingTimers());
        assertEquals(Long.MAX_VALUE, clock.nextDeadline());
    }

    @Test
    void periodicTimerReschedulesFromItsCallback() {
        int[] count = {0};
        Timer[] t = new Timer[1];
        t[0] = clock.newTimer("tick", now -> {
            count[0]++;
            assertEquals(0, now % 1000, "fires exactly on the period");
            t[0].schedule(now + 1000);
        });
        t[0].schedule(1000);
        clock.advance(10_500);
        assertEquals(10, count[0]);
        assertEquals(11_000, clock.nextDeadline());
    }

    @Test
    void cancelledTimerDoesNotFire() {
        int[] count = {0};
        Timer t = clock.newTimer("x", now -> count[0]++);
        t.schedule(10);
        t.cancel();
        clock.advance(100);
        assertEquals(0, count[0]);
        assertFalse(t.isScheduled());
    }

    @Test
    void idleSkipsStraightToTheNextDeadline() {
        int[] count = {0};
        clock.newTimer("x", now -> count[0]++).schedule(5_000_000_000L);
        assertTrue(clock.idle());
        assertEquals(5_000_000_000L, clock.now());
        assertEquals(1, count[0]);
        assertFalse(clock.idle(), "nothing left to wait for");
        assertEquals(5_000_000_000L, clock.now());
    }

    @Test
    void instructionCounterMakesNowSeeTheCurrentChunk() {
        long[] retired = {0};
        clock.setInstructionsPerSecond(1_000_000_000L); // 1 ns per instruction
        clock.setInstructionCounter(() -> retired[0]);
        retired[0] = 1234;
        assertEquals(1234, clock.now());
        retired[0] = 2000;
        clock.sync();
        assertEquals(2000, clock.committed());
        int[] fired = {0};
        clock.newTimer("x", now -> fired[0]++).schedule(2500);
        retired[0] = 2600;
        assertEquals(2600, clock.now());
        assertEquals(1, fired[0], "a device read past a deadline fires it");
    }

    @Test
    void pacingKeepsGuestTimeBehindHostTime() {
        long[] host = {1_000_000};
        clock.setPacing(() -> host[0]);
        clock.advance(500);
        assertEquals(0, clock.now(), "no host time has passed");
        host[0] += 300;
        clock.advance(500);
        assertEquals(300, clock.now());
        clock.newTimer("x", now -> { }).schedule(1000);
        assertEquals(700, clock.idleWaitNanos());
        clock.idle();
        assertEquals(300, clock.now(), "idle stops at host time");
        host[0] += 700;
        assertEquals(0, clock.idleWaitNanos());
        clock.idle();
        assertEquals(1000, clock.now());
        clock.setPacing(null);
        clock.advance(5000);
        assertEquals(6000, clock.now());
    }

    @Test
    void cyclesIncludeSkippedIdleTime() {
        clock.setInstructionsPerSecond(50_000_000);
        clock.advanceInstructions(1000);
        assertEquals(1000, clock.cycles());
        clock.newTimer("x", now -> { }).schedule(1_000_000_000L);
        clock.idle();
        assertEquals(50_000_000, clock.cycles(), "one second of idle = one second of cycles");
    }

    @Test
    void rateConversionsRoundTrip() {
        long hz = 1_193_182;
        for (long tick : new long[] {0, 1, 2, 1193181, 1193182, 1193183, 123456789012L}) {
            long ns = Rate.nsOfTick(tick, hz);
            assertEquals(tick, Rate.ticksAt(ns, hz), "tick " + tick);
            if (ns > 0) assertEquals(tick - 1, Rate.ticksAt(ns - 1, hz), "first ns of tick " + tick);
        }
        assertEquals(hz * 3600 * 1000, Rate.ticksAt(3600L * 1000 * 1_000_000_000L, hz), "1000 hours");
    }
}
