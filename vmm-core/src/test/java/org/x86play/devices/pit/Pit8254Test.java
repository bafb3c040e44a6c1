package org.x86play.devices.pit;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.devices.pic.DualPic;
import org.x86play.devices.pic.IrqLines;
import org.x86play.io.IoBus;
import org.x86play.time.VirtualClock;

class Pit8254Test {
    final VirtualClock clock = new VirtualClock();
    final IoBus io = new IoBus();
    /** Counts rising edges per IRQ line and remembers the level. */
    final int[] rises = new int[16];
    final boolean[] level = new boolean[16];
    final IrqLines lines = (irq, high) -> {
        if (high && !level[irq]) rises[irq]++;
        level[irq] = high;
    };
    final Pit8254 pit = new Pit8254(clock, lines);

    Pit8254Test() { pit.attach(io); }

    /** Advances guest time to exactly PIT tick {@code t} since time 0. */
    void toTick(long t) {
        clock.advance(Pit8254.nsOfTick(t) - clock.now());
        assertEquals(t, Pit8254.tickAt(clock.now()));
    }

    void program(int channel, int rwModeBcd, int count) {
        io.out(0x43, 1, channel << 6 | rwModeBcd);
        int rw = (rwModeBcd >> 4) & 3;
        if (rw == 1 || rw == 3) io.out(0x40 + channel, 1, count & 0xFF);
        if (rw == 2 || rw == 3) io.out(0x40 + channel, 1, count >> 8 & 0xFF);
    }

    int latch(int channel) {
        io.out(0x43, 1, channel << 6);
        int lo = io.in(0x40 + channel, 1);
        return lo | io.in(0x40 + channel, 1) << 8;
    }

    @Test
    void mode2RateGeneratorInterruptsOncePerPeriod() {
        program(0, 0x34, 1193); // ch0, lobyte/hibyte, mode 2: ~1 kHz (Linux PIT clockevent)
        assertEquals(0, rises[0]);
        clock.advance(10_000_000); // 10 ms = 11931 ticks
        assertEquals(10, rises[0]);
        assertEquals(Pit8254.nsOfTick(11 * 1193), clock.nextDeadline());
        toTick(11931 + 100);
        int v = latch(0);
        assertEquals(1193 - (12031 % 1193), v);
    }

    @Test
    void mode3SquareWaveAt18HzLikeTheBios() {
        program(0, 0x36, 0); // count 0 = 65536: 18.2 Hz
        clock.advance(1_000_000_000L);
        assertEquals(18, rises[0]);
        toTick(65536 * 19 + 100);
        assertTrue(pit.out(0), "first half of the period is high");
        assertEquals(65536 - 200, pit.count(0), "mode 3 counts down by two");
        toTick(65536 * 20 - 10);
        assertFalse(pit.out(0), "second half is low");
    }

    @Test
    void latchFreezesTheValueUntilRead() {
        program(0, 0x34, 1000);
        toTick(100);
        io.out(0x43, 1, 0x00); // latch counter 0
        toTick(300);
        assertEquals(900 & 0xFF, io.in(0x40, 1));
        toTick(400);
        assertEquals(900 >> 8, io.in(0x40, 1));
        assertEquals(600, latch(0), "after the latch is read, reads follow the counter again");
    }

    @Test
    void lsbOnlyAndMsbOnlyAccess() {
        program(1, 0x14, 200); // ch1 LSB only, mode 2
        toTick(50);
        assertEquals(150, io.in(0x41, 1));
        assertEquals(150, io.in(0x41, 1));
        program(1, 0x24, 0x0300); // MSB only: count 0x300
        toTick(50 + 0x100);
        assertEquals(0x02, io.in(0x41, 1));
    }

    @Test
    void unlatchedWordReadsAlternateLsbMsb() {
        program(2, 0xB4, 0x1234);
        assertEquals(0x34, io.in(0x42, 1));
        assertEquals(0x12, io.in(0x42, 1));
    }

    @Test
    void readBackStatusAndCount() {
        io.out(0x43, 1, 0xB0); // ch2 lobyte/hibyte mode 0
        io.out(0x43, 1, 0xE8); // read-back status of ch2
        assertEquals(0x40 | 0x30 | 0x00, io.in(0x42, 1), "null count, OUT low in mode 0");
        io.out(0x42, 1, 0x00); io.out(0x42, 1, 0x10); // 0x1000
        io.out(0x61, 1, 0x01); // gate 2 on
        toTick(0x800);
        io.out(0x43, 1, 0xC8); // read-back count and status of ch2
        assertEquals(0x30, io.in(0x42, 1), "status first: count loaded, OUT still low");
        int v = io.in(0x42, 1) | io.in(0x42, 1) << 8;
        assertEquals(0x800, v);
        toTick(0x1000 + 5);
        io.out(0x43, 1, 0xE8);
        assertEquals(0xB0, io.in(0x42, 1), "OUT high after terminal count");
    }

    @Test
    void mode0OnChannel2AsUsedForTscCalibration() {
        // SeaBIOS / Linux: gate on, speaker off; mode 0; poll port 0x61 bit 5 until OUT2 rises.
        io.out(0x61, 1, (io.in(0x61, 1) & ~0x02) | 0x01);
        program(2, 0xB0, 11932); // ~10 ms
        assertEquals(0, io.in(0x61, 1) & 0x20);
        long polls = 0;
        while ((io.in(0x61, 1) & 0x20) == 0) {
            clock.advance(1000);
            polls++;
        }
        assertEquals(10_000, polls, 2);
        assertEquals(0x01, io.in(0x61, 1) & 0x0F, "port B control bits read back");
    }

    @Test
    void refreshBitToggles() {
        int a = io.in(0x61, 1) & 0x10;
        clock.advance(PortB.REFRESH_NS);
        int b = io.in(0x61, 1) & 0x10;
        assertNotEquals(a, b);
    }

    @Test
    void gateLowSuspendsMode0() {
        io.out(0x61, 1, 0x01);
        program(2, 0xB0, 1000);
        toTick(400);
        io.out(0x61, 1, 0x00);
        toTick(900);
        assertEquals(600, pit.count(2));
        io.out(0x61, 1, 0x01);
        toTick(1400);
        assertEquals(100, pit.count(2));
        assertFalse(pit.out(2));
        toTick(1500);
        assertTrue(pit.out(2));
    }

    @Test
    void gateRisingEdgeRestartsMode2() {
        io.out(0x61, 1, 0x01);
        program(2, 0xB4, 500);
        toTick(200);
        io.out(0x61, 1, 0x00);
        assertTrue(pit.out(2));
        toTick(250);
        io.out(0x61, 1, 0x01);
        toTick(260);
        assertEquals(490, pit.count(2), "reloaded at the gate edge");
    }

    @Test
    void mode0InterruptsOnceAtTerminalCount() {
        program(0, 0x30, 2000);
        assertFalse(level[0], "control word sets OUT low");
        clock.advance(Pit8254.nsOfTick(1999));
        assertEquals(0, rises[0]);
        clock.advance(Pit8254.nsOfTick(2001) - clock.now());
        assertEquals(1, rises[0]);
        assertTrue(level[0], "OUT stays high");
        clock.advance(1_000_000_000L);
        assertEquals(1, rises[0]);
        assertFalse(clock.hasPendingTimers());
        program(0, 0x30, 10);
        assertFalse(level[0], "a new count drops OUT");
    }

    @Test
    void mode4StrobePulsesOnce() {
        program(0, 0x38, 100);
        clock.advance(1_000_000_000L);
        assertEquals(1, rises[0]);
    }

    @Test
    void bcdCounting() {
        program(1, 0x35, 0x1000); // BCD 1000, mode 2
        toTick(1);
        assertEquals(0x0999, latch(1));
        program(1, 0x35, 0x0000); // BCD 0 = 10000
        toTick(2);
        assertEquals(0x9999, latch(1));
    }

    @Test
    void mode2NewCountTakesEffectAtTheEndOfThePeriod() {
        program(0, 0x34, 1000);
        toTick(300);
        io.out(0x40, 1, 100 & 0xFF);
        io.out(0x40, 1, 0);
        toTick(900);
        assertEquals(100, latch(0), "old period still running");
        toTick(1050);
        assertEquals(50, latch(0), "new period after reload at tick 1000");
        int before = rises[0];
        toTick(1300);
        assertEquals(before + 3, rises[0]);
    }

    @Test
    void idleGuestSleepsUntilTheNextTimerTick() {
        DualPic pic = new DualPic();
        pic.attach(io);
        pic.setClock(clock);
        Pit8254 pit2 = new Pit8254(clock, pic);
        pit2.attach(io); // replaces the ports of the recording PIT
        io.out(0x20, 1, 0x11); io.out(0x21, 1, 0x08); io.out(0x21, 1, 0x04); io.out(0x21, 1, 0x01);
        io.out(0x21, 1, 0xFE);
        program(0, 0x34, 11932); // 100 Hz
        assertTrue(pic.canInterruptLater());
        assertFalse(pic.hasInterrupt());
        pic.idle();
        assertTrue(pic.hasInterrupt());
        assertEquals(Pit8254.nsOfTick(11932), clock.now());
        assertEquals(0x08, pic.acknowledge());
    }

    @Test
    void mode1OneShotStartsOnTheGateEdge() {
        io.out(0x61, 1, 0x00);
        program(2, 0xB2, 300); // ch2 mode 1
        toTick(100);
        assertTrue(pit.out(2), "waits for a trigger with OUT high");
        io.out(0x61, 1, 0x01); // rising gate: trigger
        toTick(150);
        assertFalse(pit.out(2));
        assertEquals(250, pit.count(2));
        toTick(100 + 300);
        assertTrue(pit.out(2), "OUT high at terminal count");
        io.out(0x61, 1, 0x00);
        io.out(0x61, 1, 0x01); // retrigger
        toTick(450);
        assertFalse(pit.out(2));
    }

    @Test
    void mode5StrobeOnGateEdge() {
        io.out(0x61, 1, 0x00);
        program(2, 0xBA, 50); // ch2 mode 5
        toTick(10);
        io.out(0x61, 1, 0x01);
        toTick(59);
        assertTrue(pit.out(2));
        toTick(60);
        assertFalse(pit.out(2), "one tick low at terminal count");
        toTick(61);
        assertTrue(pit.out(2));
    }

    @Test
    void mode3OddCountIsHighOneTickLonger() {
        program(1, 0x76, 5); // ch1 mode 3, count 5: high 3 ticks, low 2
        toTick(2);
        assertTrue(pit.out(1));
        toTick(3);
        assertFalse(pit.out(1));
        toTick(4);
        assertFalse(pit.out(1));
        toTick(5);
        assertTrue(pit.out(1));
        assertEquals(0, pit.count(1) & 1, "counts stay even");
    }

    @Test
    void linuxOneShotModeReprogramsMode0() {
        program(0, 0x30, 0); // pit_shutdown style: mode 0, count 0 (65536)
        io.out(0x43, 1, 0x30);
        io.out(0x40, 1, 100);
        assertFalse(level[0]);
        io.out(0x40, 1, 0);
        clock.advance(Pit8254.nsOfTick(101) - clock.now());
        assertEquals(1, rises[0]);
        io.out(0x40, 1, 50); // next event: count rewritten without a control word
        assertFalse(level[0], "first byte of a mode 0 count drops OUT");
        io.out(0x40, 1, 0);
        clock.advance(Pit8254.nsOfTick(101 + 51) - clock.now());
        assertEquals(2, rises[0]);
    }
}
