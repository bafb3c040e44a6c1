package org.x86play.devices.rtc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.devices.pic.IrqLines;
import org.x86play.io.IoBus;
import org.x86play.time.VirtualClock;

class Mc146818Test {
    static final long LEAP_EVE = 1709251198L * 1000 + 250; // 2024-02-29 23:59:58.250 UTC (a Thursday)
    static final long S = 1_000_000_000L;

    final VirtualClock clock = new VirtualClock();
    final IoBus io = new IoBus();
    final int[] rises = new int[16];
    final boolean[] level = new boolean[16];
    final IrqLines lines = (irq, high) -> {
        if (high && !level[irq]) rises[irq]++;
        level[irq] = high;
    };
    final Mc146818 rtc = new Mc146818(clock, lines, () -> LEAP_EVE);

    Mc146818Test() { rtc.attach(io); }

    int read(int reg) { io.out(0x70, 1, reg); return io.in(0x71, 1); }

    void write(int reg, int v) { io.out(0x70, 1, reg); io.out(0x71, 1, v); }

    @Test
    void readsTheWallClockInBcdAnd24HourMode() {
        assertEquals(0x58, read(0));
        assertEquals(0x59, read(2));
        assertEquals(0x23, read(4));
        assertEquals(0x05, read(6), "Thursday");
        assertEquals(0x29, read(7));
        assertEquals(0x02, read(8));
        assertEquals(0x24, read(9));
        assertEquals(0x20, read(0x32), "century");
        assertEquals(0x26, read(0x0A) & 0x7F);
        assertEquals(0x02, read(0x0B));
        assertEquals(0x80, read(0x0D), "valid RAM and time");
    }

    @Test
    void timeAdvancesWithGuestTimeAcrossTheLeapDay() {
        clock.advance(2 * S);
        assertEquals(0x00, read(0));
        assertEquals(0x00, read(4));
        assertEquals(0x01, read(7));
        assertEquals(0x03, read(8), "2024 is a leap year: Feb 29 → Mar 1");
        assertEquals(0x06, read(6), "Friday");
        clock.advance(366L * 86400 * S);
        assertEquals(0x25, read(9));
        assertEquals(0x03, read(8));
        assertEquals(0x02, read(7));
    }

    @Test
    void binaryAnd12HourFormats() {
        write(0x0B, 0x04); // binary, 12 h
        assertEquals(58, read(0));
        assertEquals(0x80 | 11, read(4), "11 PM");
        assertEquals(24, read(9));
        clock.advance(2 * S);
        assertEquals(12, read(4), "midnight is 12 AM");
        write(0x0B, 0x00); // BCD, 12 h
        clock.advance(13 * 3600 * S);
        assertEquals(0x81, read(4), "1 PM");
    }

    @Test
    void setBitFreezesTimeForProgramming() {
        write(0x0B, 0x82); // SET, 24 h, BCD
        write(4, 0x07);
        write(2, 0x30);
        write(0, 0x00);
        write(7, 0x15);
        write(8, 0x06);
        write(9, 0x99);
        write(0x32, 0x19);
        clock.advance(5 * S);
        assertEquals(0x00, read(0), "no updates while SET");
        write(0x0B, 0x02);
        clock.advance(3 * S);
        assertEquals(0x03, read(0));
        assertEquals(0x30, read(2));
        assertEquals(0x07, read(4));
        assertEquals(0x99, read(9));
        assertEquals(0x19, read(0x32));
        assertEquals(0x03, read(6), "1999-06-15 was a Tuesday");
        clock.advance((24 * 3600 - 7 * 3600 - 30 * 60 - 3) * S + 200L * 86400 * S);
        assertEquals(0x00, read(9), "1999 → 2000");
        assertEquals(0x20, read(0x32));
    }

    @Test
    void updateInProgressShowsJustBeforeEachUpdate() {
        assertEquals(0, read(0x0A) & 0x80);
        clock.advance(S - 1_000_000); // 1 ms before the first update
        assertEquals(0x80, read(0x0A) & 0x80);
        clock.advance(1_000_000);
        assertEquals(0, read(0x0A) & 0x80);
    }

    @Test
    void periodicInterruptAt1024Hz() {
        write(0x0A, 0x26);     // 32.768 kHz, rate 6 = 1024 Hz
        write(0x0B, 0x42);     // PIE
        int flagsSeen = 0;
        for (int i = 0; i < 1024; i++) {
            clock.advance(S / 1024 + 1);
            assertTrue(level[8], "IRQ8 asserted at step " + i);
            int c = read(0x0C);
            if ((c & 0xC0) == 0xC0) flagsSeen++;
            assertFalse(level[8], "reading C lowers IRQ8");
        }
        assertEquals(1024, flagsSeen);
        assertEquals(1024, rises[8]);
        write(0x0B, 0x02);
        assertFalse(clock.hasPendingTimers(), "no timers while RTC interrupts are off");
    }

    @Test
    void periodicFlagWithoutInterrupt() {
        write(0x0A, 0x2F); // 2 Hz
        clock.advance(S);
        assertEquals(0x50, read(0x0C), "PF and UF set without PIE/UIE, IRQF stays clear");
        assertEquals(0, rises[8]);
        assertEquals(0, read(0x0C), "reading C cleared it");
    }

    @Test
    void updateEndedInterruptEverySecond() {
        write(0x0B, 0x12);
        clock.advance(S);
        assertEquals(1, rises[8]);
        assertEquals(0x90, read(0x0C) & 0x90, "IRQF and UF (PF is set too at the default rate)");
        clock.advance(3 * S);
        assertEquals(2, rises[8], "IRQF stays set until C is read");
        assertEquals(0x90, read(0x0C) & 0x90, "IRQF and UF (PF is set too at the default rate)");
    }

    @Test
    void alarmInterrupt() {
        write(1, 0x05);        // alarm 00:00:05
        write(3, 0x00);
        write(5, 0x00);
        write(0x0B, 0x22);     // AIE
        clock.advance(6 * S);  // 23:59:58 → 00:00:04
        assertEquals(0, rises[8]);
        clock.advance(S);
        assertEquals(1, rises[8]);
        assertEquals(0xB0, read(0x0C) & 0xB0, "IRQF, AF and UF");
        write(1, 0xC0);        // every second (don't care) at minute 0
        clock.advance(S);
        assertEquals(2, rises[8]);
    }

    @Test
    void dividerResetStopsTheClock() {
        write(0x0A, 0x76);
        clock.advance(10 * S);
        assertEquals(0x58, read(0));
        write(0x0A, 0x26);
        clock.advance(S);
        assertEquals(0x59, read(0));
    }

    @Test
    void memorySizeBytes() {
        rtc.setMemorySize(32L << 20, 0);
        assertEquals(0x80, read(0x15));
        assertEquals(0x02, read(0x16), "640 KiB base memory");
        assertEquals(0x00, read(0x17));
        assertEquals(0x7C, read(0x18), "31 MiB extended in KiB");
        assertEquals(0x7C, read(0x31));
        assertEquals(0x00, read(0x34));
        assertEquals(0x01, read(0x35), "16 MiB above 16 MiB in 64 KiB units");
        rtc.setMemorySize(3L << 30, 2L << 30);
        assertEquals(0xFF, read(0x17));
        assertEquals(0xFF, read(0x18), "capped at 0xFFFF KiB");
        assertEquals(0xFF00 & 0xFF, read(0x34));
        assertEquals(0xBF, read(0x35), "(3 GiB - 16 MiB) / 64 KiB = 0xBF00");
        assertEquals(0x00, read(0x5B));
        assertEquals(0x80, read(0x5C));
        assertEquals(0x00, read(0x5D), "2 GiB above 4 GiB = 0x8000 units");
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) sum += read(i);
        assertEquals(sum, read(0x2E) << 8 | read(0x2F), "checksum");
    }

    @Test
    void nvramAndNmiMask() {
        write(0x40, 0xA5);
        assertEquals(0xA5, read(0x40));
        assertEquals(0xA5, rtc.nvram(0x40));
        io.out(0x70, 1, 0x80 | 0x40);
        assertTrue(rtc.nmiDisabled());
        assertEquals(0xA5, io.in(0x71, 1), "bit 7 of the index selects no register");
        io.out(0x70, 1, 0x0F);
        assertFalse(rtc.nmiDisabled());
        write(0x0D, 0x00);
        assertEquals(0x80, read(0x0D), "D is read-only");
    }

    @Test
    void twelveHourWritesAndDontCareAlarmHours() {
        write(0x0B, 0x80);      // SET, BCD, 12 h
        write(4, 0x80 | 0x12);  // 12 PM = noon
        write(2, 0x59);
        write(0, 0x58);
        write(0x0B, 0x20);      // run, AIE, 12 h
        assertEquals(0x92, read(4));
        write(1, 0x00);         // alarm at second 0 of any minute 00 of any hour
        write(3, 0x00);
        write(5, 0xC0);
        clock.advance(2 * S);   // 12:59:58 → 13:00:00
        assertEquals(0x81, read(4), "1 PM");
        assertEquals(1, rises[8], "hour don't-care alarm fired at 13:00:00");
    }
}
