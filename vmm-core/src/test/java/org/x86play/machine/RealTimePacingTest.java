package org.x86play.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real-time mode ({@link PcPlatform#setRealTime}) with a fake host clock: how a halted guest waits. */
class RealTimePacingTest {
    /** Host time moves 1 µs per reading, as a fast host loop would see it. */
    private final long[] host = {0};

    private long readHost() {
        host[0] += 1_000;
        return host[0];
    }

    @Test
    void haltedGuestAsksTheHostToWaitForTheNextTimerAndStopsAtOnce() {
        Machine m = MachineTest.ramProgram("sti\nhlt\njmp $");
        PcPlatform p = new PcPlatform(m, () -> 0L);
        p.clock.newTimer("test", now -> { }).schedule(5_000_000); // 5 ms of guest time away
        List<Long> waits = new ArrayList<>();
        p.setRealTime(this::readHost, ns -> {
            waits.add(ns);
            m.requestStop("host wait"); // what a browser slice does: end the run, come back later
        });
        RunResult r = m.run(new RunLimits().maxInstructions(1_000_000));
        assertEquals(RunResult.Reason.STOPPED, r.reason, r.message);
        assertEquals(1, waits.size(), "one wait, not a spin through the halted chunk");
        long wait = waits.get(0);
        assertTrue(wait > 4_900_000 && wait <= PcPlatform.MAX_IDLE_WAIT_NS, "wait until the timer: " + wait);
        assertTrue(r.instructions < 10, "the halted CPU did not spin: " + r.instructions);
        assertTrue(host[0] < 100_000, "a few host-clock readings, got to " + host[0] + " ns");
    }

    @Test
    void dueTimerFiresWithoutWaiting() {
        Machine m = MachineTest.ramProgram("sti\nhlt\njmp $");
        PcPlatform p = new PcPlatform(m, () -> 0L);
        int[] fired = {0};
        p.clock.newTimer("test", now -> fired[0]++).schedule(50_000); // 50 µs: due after ~50 host readings
        List<Long> waits = new ArrayList<>();
        p.setRealTime(this::readHost, ns -> {
            waits.add(ns);
            host[0] += ns; // a sleeping host: the time passes
        });
        m.run(new RunLimits().maxInstructions(100));
        assertEquals(1, fired[0]);
        assertTrue(waits.get(0) <= 50_000, "first wait is at most the time to the deadline: " + waits.get(0));
    }
}
