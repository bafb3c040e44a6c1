package org.x86play.devices.apic;

import static org.junit.jupiter.api.Assertions.*;
import static org.x86play.devices.apic.LocalApic.*;

import org.junit.jupiter.api.Test;
import org.x86play.devices.pic.DualPic;
import org.x86play.time.VirtualClock;

/** The local APIC timer (SDM Vol. 3 §10.5.4) on the virtual clock: 100 MHz bus, 10 ns per tick at divide 1. */
class LocalApicTimerTest {
    static final int DIV1 = 0xB, DIV2 = 0x0, DIV16 = 0x3, DIV128 = 0xA;

    final VirtualClock clock = new VirtualClock();
    final LocalApic apic = new LocalApic(clock);

    LocalApicTimerTest() {
        apic.writeRegister(SVR, 0x1FF);
    }

    /** Acknowledges and retires one pending interrupt, returning its vector (-1 if none). */
    int take() {
        if (!apic.hasInterrupt()) return -1;
        int v = apic.acknowledge();
        apic.writeRegister(EOI, 0);
        return v;
    }

    @Test
    void divisorEncoding() {
        int[] expect = {2, 4, 8, 16, 32, 64, 128, 1};
        int[] config = {0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA, 0xB};
        for (int i = 0; i < 8; i++) assertEquals(expect[i], ApicTimer.divisor(config[i]), "config " + config[i]);
        apic.writeRegister(TIMER_DIVIDE, 0xFFFFFFFF);
        assertEquals(0xB, apic.readRegister(TIMER_DIVIDE));
    }

    @Test
    void oneShotFiresOnceAtTheRightTimeAndCountsDown() {
        apic.writeRegister(TIMER_DIVIDE, DIV1);
        apic.writeRegister(LVT_TIMER, 0x40);
        apic.writeRegister(TIMER_INITIAL, 1000);   // 1000 ticks * 10 ns
        assertEquals(10_000, clock.nextDeadline());
        assertTrue(apic.timerArmed());
        clock.advance(2_500);
        assertEquals(750, apic.readRegister(TIMER_CURRENT));
        assertEquals(1000, apic.readRegister(TIMER_INITIAL));
        clock.advance(7_499);
        assertEquals(1, apic.readRegister(TIMER_CURRENT));
        assertEquals(-1, take());
        clock.advance(1);
        assertEquals(0x40, take());
        assertEquals(0, apic.readRegister(TIMER_CURRENT));
        assertFalse(apic.timerArmed());
        clock.advance(1_000_000);
        assertEquals(-1, take());
        assertFalse(clock.hasPendingTimers());
    }

    @Test
    void periodicReloadsWithoutDrift() {
        apic.writeRegister(TIMER_DIVIDE, DIV16);       // 160 ns per tick
        apic.writeRegister(LVT_TIMER, LVT_PERIODIC | 0x41);
        apic.writeRegister(TIMER_INITIAL, 625);        // 100 us period
        for (int k = 1; k <= 5; k++) {
            assertEquals(k * 100_000L, clock.nextDeadline());
            clock.advance(99_999);
            assertEquals(-1, take(), "period " + k);
            clock.advance(1);
            assertEquals(0x41, take(), "period " + k);
            assertEquals(625, apic.readRegister(TIMER_CURRENT));
        }
        clock.advance(160 * 25);
        assertEquals(600, apic.readRegister(TIMER_CURRENT));
        assertTrue(apic.timerArmed());
    }

    @Test
    void currentCountFollowsInstructionTimeWithinAChunk() {
        long[] instructions = {0};
        clock.setInstructionCounter(() -> instructions[0]);
        apic.writeRegister(TIMER_DIVIDE, DIV2);        // 20 ns per tick; 100 MIPS = 10 ns per instruction
        apic.writeRegister(LVT_TIMER, LVT_PERIODIC | 0x42);
        apic.writeRegister(TIMER_INITIAL, 100);        // 2 us period
        instructions[0] = 50;                          // 500 ns
        assertEquals(75, apic.readRegister(TIMER_CURRENT));
        instructions[0] = 250;                         // 2.5 us: reloaded once
        assertEquals(75, apic.readRegister(TIMER_CURRENT));
        assertEquals(0x42, take());
    }

    @Test
    void maskedTimerKeepsCountingWithoutInterrupts() {
        apic.writeRegister(TIMER_DIVIDE, DIV1);
        apic.writeRegister(LVT_TIMER, LVT_MASKED | LVT_PERIODIC | 0x43);
        apic.writeRegister(TIMER_INITIAL, 100);
        clock.advance(5_050);
        assertEquals(-1, take());
        assertEquals(95, apic.readRegister(TIMER_CURRENT));
        apic.writeRegister(LVT_TIMER, LVT_PERIODIC | 0x43);
        clock.advance(950);
        assertEquals(0x43, take());
    }

    @Test
    void writingZeroStopsAndRewritingRestarts() {
        apic.writeRegister(TIMER_DIVIDE, DIV1);
        apic.writeRegister(LVT_TIMER, LVT_PERIODIC | 0x44);
        apic.writeRegister(TIMER_INITIAL, 100);
        clock.advance(500);
        apic.writeRegister(TIMER_INITIAL, 0);
        assertFalse(apic.timerArmed());
        assertFalse(clock.hasPendingTimers());
        assertEquals(0, apic.readRegister(TIMER_CURRENT));
        clock.advance(10_000);
        assertEquals(-1, take());
        apic.writeRegister(TIMER_INITIAL, 300);        // restarts at the current time
        assertEquals(10_500 + 3_000, clock.nextDeadline());
    }

    @Test
    void divideChangeWhileCountingContinuesFromTheCurrentCount() {
        apic.writeRegister(TIMER_DIVIDE, DIV1);
        apic.writeRegister(LVT_TIMER, 0x45);
        apic.writeRegister(TIMER_INITIAL, 1000);
        clock.advance(4_000);                          // 600 left
        apic.writeRegister(TIMER_DIVIDE, DIV128);      // 1280 ns per tick
        assertEquals(600, apic.readRegister(TIMER_CURRENT));
        assertEquals(4_000 + 600 * 1_280L, clock.nextDeadline());
    }

    @Test
    void controllerIdleSkipsToTheTimerAndKnowsWhenNothingIsLeft() {
        DualPic pic = new DualPic();   // no clock of its own, nothing requested
        ApicInterruptController ic = new ApicInterruptController(apic, pic, clock);
        assertFalse(ic.canInterruptLater());
        apic.writeRegister(TIMER_DIVIDE, DIV128);
        apic.writeRegister(LVT_TIMER, 0x46);
        apic.writeRegister(TIMER_INITIAL, 78_125);     // 100 ms
        assertTrue(ic.canInterruptLater());
        assertFalse(ic.hasInterrupt());
        ic.idle();
        assertEquals(100_000_000L, clock.now());
        assertTrue(ic.hasInterrupt());
        assertEquals(0x46, ic.acknowledge());
        apic.writeRegister(EOI, 0);
        assertFalse(ic.canInterruptLater(), "one-shot expired, no other timers");
    }
}
