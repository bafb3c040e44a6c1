package org.x86play.devices.acpi;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.devices.pic.IrqLines;
import org.x86play.io.IoBus;
import org.x86play.time.VirtualClock;

class AcpiPmTest {
    static final int BASE = AcpiPm.DEFAULT_BASE, STS = BASE, EN = BASE + 2, CNT = BASE + 4, TMR = BASE + 8,
            GPE_STS = BASE + 0xC, GPE_EN = BASE + 0xE;
    static final long SECOND = VirtualClock.NS_PER_SECOND;
    final VirtualClock clock = new VirtualClock();
    final IoBus io = new IoBus();
    final boolean[] level = new boolean[16];
    final int[] changes = new int[16];
    final IrqLines lines = (irq, high) -> {
        if (level[irq] != high) changes[irq]++;
        level[irq] = high;
    };
    int powerOffs;
    final AcpiPm pm = new AcpiPm(clock, lines, BASE, () -> powerOffs++);

    AcpiPmTest() { pm.attach(io); }

    long tmr() { return io.in(TMR, 4) & 0xFFFFFFFFL; }

    @Test
    void timerCountsAt3579545HzOfGuestTime() {
        assertEquals(0, tmr());
        clock.advance(SECOND);
        assertEquals(3_579_545, tmr());
        clock.advance(SECOND / 2);
        assertEquals(5_369_317, tmr()); // floor(1.5 * 3579545)
        clock.advance(1000);            // 1 µs = 3.58 ticks
        assertEquals(5_369_321, tmr());
        io.out(TMR, 4, 0);              // read-only
        assertEquals(5_369_321, tmr());
    }

    @Test
    void timerIs32BitsWideAndWraps() {
        clock.advance(1200 * SECOND);   // 4,295,454,000 ticks: past 2^32
        assertEquals(4_295_454_000L - (1L << 32), tmr());
        assertEquals(tmr() & 0xFFFF, io.in(TMR, 2), "narrow reads see the low bits");
        assertEquals(tmr() >>> 24, io.in(TMR + 3, 1));
    }

    @Test
    void bit31ToggleSetsTmrStsWithoutInterruptWhenDisabled() {
        long toggleNs = (1L << 31) * SECOND / AcpiPm.TIMER_HZ + 1;   // just after tick 2^31
        clock.advance(toggleNs - 2000);
        assertEquals(0, io.in(STS, 2) & AcpiPm.TMR_STS);
        clock.advance(2000);
        assertEquals(AcpiPm.TMR_STS, io.in(STS, 2) & AcpiPm.TMR_STS);
        assertFalse(level[AcpiPm.SCI_IRQ]);
        assertFalse(clock.hasPendingTimers(), "no timer runs while TMR_EN is clear");
    }

    @Test
    void tmrEnRaisesSciOnTimeAtTheToggle() {
        io.out(EN, 2, AcpiPm.TMR_EN);
        assertTrue(clock.hasPendingTimers());
        long toggle = org.x86play.time.Rate.nsOfTick(1L << 31, AcpiPm.TIMER_HZ);
        assertEquals(toggle, clock.nextDeadline());
        clock.advance(toggle - 1);
        assertFalse(level[AcpiPm.SCI_IRQ]);
        clock.advance(1);
        assertTrue(level[AcpiPm.SCI_IRQ]);
        io.out(STS, 2, AcpiPm.TMR_STS);                    // acknowledge
        assertFalse(level[AcpiPm.SCI_IRQ]);
        assertEquals(org.x86play.time.Rate.nsOfTick(2L << 31, AcpiPm.TIMER_HZ), clock.nextDeadline(),
                "the 1->0 toggle of bit 31 is next");
        io.out(EN, 2, 0);
        assertFalse(clock.hasPendingTimers());
    }

    @Test
    void statusIsWriteOneToClear() {
        pm.pressPowerButton();
        clock.advance(700 * SECOND);                       // TMR_STS too
        int both = AcpiPm.PWRBTN_STS | AcpiPm.TMR_STS;
        assertEquals(both, io.in(STS, 2));
        io.out(STS, 2, 0);                                 // zeros change nothing
        assertEquals(both, io.in(STS, 2));
        io.out(STS, 2, AcpiPm.TMR_STS);
        assertEquals(AcpiPm.PWRBTN_STS, io.in(STS, 2));
        io.out(STS + 1, 1, AcpiPm.PWRBTN_STS >>> 8);       // byte access to the high half
        assertEquals(0, io.in(STS, 2));
    }

    @Test
    void powerButtonSciFollowsStatusAndEnable() {
        pm.pressPowerButton();
        assertFalse(level[AcpiPm.SCI_IRQ], "not enabled");
        io.out(EN, 2, AcpiPm.PWRBTN_EN);
        assertTrue(level[AcpiPm.SCI_IRQ]);
        assertEquals(AcpiPm.PWRBTN_EN, io.in(EN, 2));
        io.out(EN, 2, 0);
        assertFalse(level[AcpiPm.SCI_IRQ]);
        io.out(EN, 2, AcpiPm.PWRBTN_EN);
        io.out(STS, 2, 0xFFFF);
        assertFalse(level[AcpiPm.SCI_IRQ]);
        assertEquals(4, changes[AcpiPm.SCI_IRQ]);
        io.out(EN, 2, 0xFFFF);
        assertEquals(0x4721, io.in(EN, 2), "reserved enable bits read 0");
    }

    @Test
    void sciEnAlwaysReadsOne() {
        assertEquals(AcpiPm.SCI_EN, io.in(CNT, 2));
        io.out(CNT, 2, 0);
        assertEquals(AcpiPm.SCI_EN, io.in(CNT, 2) & AcpiPm.SCI_EN);
    }

    static int sleep(int type, boolean enable) {
        return type << AcpiPm.SLP_TYP_SHIFT | (enable ? AcpiPm.SLP_EN : 0);
    }

    @Test
    void slpEnWithSoftOffTypePowersOff() {
        io.out(CNT, 2, sleep(AcpiPm.SLP_TYP_SOFT_OFF, false)); // ACPICA writes SLP_TYP first ...
        assertEquals(0, powerOffs);
        assertEquals(sleep(AcpiPm.SLP_TYP_SOFT_OFF, false) | AcpiPm.SCI_EN, io.in(CNT, 2), "SLP_EN reads 0");
        io.out(CNT, 2, sleep(AcpiPm.SLP_TYP_SOFT_OFF, true));  // ... then with SLP_EN
        assertEquals(1, powerOffs);
    }

    @Test
    void otherSleepTypesDoNotPowerOffButWakeAtOnce() {
        for (int type = 0; type < 8; type++) {
            if (type == AcpiPm.SLP_TYP_SOFT_OFF) continue;
            io.out(CNT, 2, sleep(type, true));
            assertEquals(0, powerOffs, "SLP_TYP " + type);
            assertEquals(AcpiPm.WAK_STS, io.in(STS, 2) & AcpiPm.WAK_STS);
            io.out(STS, 2, AcpiPm.WAK_STS);
            assertEquals(0, io.in(STS, 2));
        }
        io.out(CNT + 1, 1, sleep(AcpiPm.SLP_TYP_SOFT_OFF, true) >>> 8);   // byte write of the high half
        assertEquals(1, powerOffs);
    }

    @Test
    void gpeBlockStatusAndEnable() {
        pm.raiseGpe(9);
        assertEquals(0x02, io.in(GPE_STS + 1, 1));
        assertFalse(level[AcpiPm.SCI_IRQ]);
        io.out(GPE_EN + 1, 1, 0x02);
        assertTrue(level[AcpiPm.SCI_IRQ]);
        assertEquals(0x0200, io.in(GPE_EN, 2));
        io.out(GPE_STS + 1, 1, 0x02);
        assertFalse(level[AcpiPm.SCI_IRQ]);
        assertEquals(0, io.in(GPE_STS, 2));
    }

    @Test
    void fourByteAccessSpansStatusAndEnable() {
        pm.pressPowerButton();
        io.out(EN, 2, AcpiPm.PWRBTN_EN);
        assertEquals(AcpiPm.PWRBTN_EN << 16 | AcpiPm.PWRBTN_STS, io.in(STS, 4));
        pm.reset();
        assertEquals(0, io.in(STS, 4));
        assertFalse(level[AcpiPm.SCI_IRQ]);
    }
}
