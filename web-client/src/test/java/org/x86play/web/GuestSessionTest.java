package org.x86play.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.machine.Machine;
import org.x86play.machine.PcPlatform;
import org.x86play.machine.RunResult;

/** Slices of a tiny real-mode guest under a fake host clock. */
class GuestSessionTest {
    private long hostNs = 1_000_000_000L;

    /** A guest at 0000:1000 running {@code code}. */
    private GuestSession session(int... code) {
        Machine m = new Machine(1 << 20);
        byte[] b = new byte[code.length];
        for (int i = 0; i < code.length; i++) b[i] = (byte) code[i];
        m.memory.load(0x1000, b, 0, b.length);
        m.cpu.seg[Cpu.CS].set(0, 0, 0xFFFF, 0x9B);
        m.cpu.eip = 0x1000;
        PcPlatform p = new PcPlatform(m, () -> 0L);
        return new GuestSession(m, p, () -> hostNs);
    }

    @Test
    void busyGuestRunsItsBudgetAndContinuesAtOnce() {
        GuestSession s = session(0xEB, 0xFE); // jmp $
        GuestSession.Slice slice = s.run();
        assertNull(slice.finished);
        assertEquals(0, slice.delayNanos);
        assertEquals(SliceBudget.INITIAL, slice.instructions);
    }

    @Test
    void haltedGuestEndsTheSliceAndWaitsForItsTimer() {
        GuestSession s = session(0xFB, 0xF4, 0xEB, 0xFD); // sti; hlt; jmp back to hlt
        s.platform.clock.newTimer("tick", now -> { }).schedule(s.platform.clock.committed() + 3_000_000);
        GuestSession.Slice slice = s.run();
        assertNull(slice.finished);
        assertEquals(3_000_000, slice.delayNanos, "waits exactly until the timer (host time stood still)");
        assertTrue(slice.instructions < 10, "no spinning while halted: " + slice.instructions);
    }

    @Test
    void aLongHostGapIsNotCaughtUp() {
        GuestSession s = session(0xFB, 0xF4, 0xEB, 0xFD);
        int[] ticks = {0};
        long period = 1_000_000; // a 1 kHz guest timer
        s.platform.clock.newTimer("tick", now -> ticks[0]++).schedule(s.platform.clock.committed() + period);
        hostNs += 60_000_000_000L; // the tab slept for a minute
        assertTrue(s.lagNanos() > GuestSession.MAX_LAG_NANOS);
        s.run();
        assertTrue(s.lagNanos() <= GuestSession.MAX_LAG_NANOS, "lag dropped: " + s.lagNanos());
        assertEquals(0, ticks[0], "the minute did not become guest time");
    }

    @Test
    void guestThatStopsForGoodReportsIt() {
        GuestSession s = session(0xFA, 0xF4); // cli; hlt
        GuestSession.Slice slice = s.run();
        assertEquals(RunResult.Reason.HALTED_FOREVER, slice.finished.reason);
    }

    @Test
    void serialBytesFlowBothWays() {
        // out 0x3F8 <- 'A', then read LSR until data ready, echo the byte back, loop.
        GuestSession s = session(
                0xBA, 0xF8, 0x03,       // mov dx, 0x3F8
                0xB0, 'A', 0xEE,        // mov al, 'A'; out dx, al
                0xBA, 0xFD, 0x03,       // wait: mov dx, 0x3FD
                0xEC,                   // in al, dx
                0xA8, 0x01,             // test al, 1
                0x74, 0xF8,             // jz wait
                0xBA, 0xF8, 0x03,       // mov dx, 0x3F8
                0xEC, 0xEE,             // in al, dx; out dx, al
                0xEB, 0xF1);            // jmp wait
        s.run();
        assertEquals("A", s.serialOut.take());
        s.serialIn.add("hi\u00e9");
        s.run();
        assertEquals("hi\u00e9", s.serialOut.take());
        assertNull(s.serialOut.take());
    }

    @Test
    void badBootParametersAreRejectedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuestSession.linux(new byte[16], null, "", 4096, () -> 0L, () -> 0L));
        assertTrue(e.getMessage().contains("memMb"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GuestSession.linux(new byte[0], null, "", 64, () -> 0L, () -> 0L));
        assertTrue(e.getMessage().contains("kernel"), e.getMessage());
    }
}
