package org.x86play.devices.acpi;

import org.x86play.devices.pic.IrqLines;
import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.time.Rate;
import org.x86play.time.Timer;
import org.x86play.time.VirtualClock;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * ACPI fixed-feature hardware (ACPI 6.x §4.8), one 16-port block at {@code base} (default 0x600), as
 * described to the OS by the FADT that {@code org.x86play.acpi.AcpiTables} builds:
 * <pre>
 *   base+0x0  PM1a_EVT_BLK  PM1_STS (16-bit, write-1-to-clear) + PM1_EN (16-bit)   §4.8.3.1
 *   base+0x4  PM1a_CNT_BLK  PM1_CNT (16-bit)                                        §4.8.3.2
 *   base+0x8  PM_TMR_BLK    32-bit 3.579545 MHz counter, read-only                  §4.8.3.3
 *   base+0xC  GPE0_BLK      GPE0_STS (2 bytes, W1C) + GPE0_EN (2 bytes)             §4.8.4.1
 * </pre>
 * There is no SMM: SCI_EN always reads 1 (the FADT's SMI_CMD is 0). The SCI is IRQ 9, level-triggered,
 * high while any enabled status bit is set. Writing SLP_EN with SLP_TYP = {@link #SLP_TYP_SOFT_OFF}
 * (the DSDT's \_S5) calls the embedder's power-off callback; other sleep types "wake" at once
 * (WAK_STS set) since no sleep states are implemented. Accesses of any width are split into bytes.
 */
public final class AcpiPm implements IoPortHandler {
    public static final int DEFAULT_BASE = 0x600;
    public static final int PORTS = 16;
    /** Register block offsets from the base and their lengths in bytes (the FADT's *_BLK / *_LEN). */
    public static final int PM1_EVT = 0x0, PM1_EVT_LEN = 4;
    public static final int PM1_CNT = 0x4, PM1_CNT_LEN = 2;
    public static final int PM_TMR = 0x8, PM_TMR_LEN = 4;
    public static final int GPE0 = 0xC, GPE0_LEN = 4;
    public static final int SCI_IRQ = 9;
    public static final int TIMER_HZ = 3_579_545;
    /** SLP_TYP values this chipset implements (what \_S0 and \_S5 must name). */
    public static final int SLP_TYP_S0 = 0, SLP_TYP_SOFT_OFF = 5;

    // PM1_STS / PM1_EN bits (§4.8.3.1, Tables 4.16/4.17).
    public static final int TMR_STS = 1, GBL_STS = 1 << 5, PWRBTN_STS = 1 << 8, SLPBTN_STS = 1 << 9,
            RTC_STS = 1 << 10, PCIEXP_WAKE_STS = 1 << 14, WAK_STS = 1 << 15;
    public static final int TMR_EN = 1, GBL_EN = 1 << 5, PWRBTN_EN = 1 << 8, SLPBTN_EN = 1 << 9,
            RTC_EN = 1 << 10, PCIEXP_WAKE_DIS = 1 << 14;
    static final int STS_MASK = TMR_STS | GBL_STS | PWRBTN_STS | SLPBTN_STS | RTC_STS | PCIEXP_WAKE_STS | WAK_STS;
    static final int EN_MASK = TMR_EN | GBL_EN | PWRBTN_EN | SLPBTN_EN | RTC_EN | PCIEXP_WAKE_DIS;
    /** Enable bits that gate the SCI (PCIEXP_WAKE_DIS is a disable bit, WAK_STS has no enable). */
    static final int SCI_EN_MASK = TMR_EN | GBL_EN | PWRBTN_EN | SLPBTN_EN | RTC_EN;

    // PM1_CNT bits (§4.8.3.2.1, Table 4.18).
    public static final int SCI_EN = 1, BM_RLD = 1 << 1, GBL_RLS = 1 << 2, SLP_TYP_SHIFT = 10,
            SLP_TYP_MASK = 7 << SLP_TYP_SHIFT, SLP_EN = 1 << 13;

    private final VirtualClock clock;
    private final IrqLines irqs;
    private final int base;
    private final Runnable powerOff;
    private final Timer overflowTimer;

    private int sts, en, cnt, gpeSts, gpeEn;
    /** PM timer ticks >>> 31 when TMR_STS was last evaluated: a change means bit 31 toggled. */
    private long seenHalf;
    private boolean sciLevel;

    /**
     * @param powerOff called when the guest enters soft-off (S5); may be null
     */
    public AcpiPm(VirtualClock clock, IrqLines irqs, int base, Runnable powerOff) {
        this.clock = clock;
        this.irqs = irqs;
        this.base = base & 0xFFFF;
        this.powerOff = powerOff;
        overflowTimer = clock.newTimer("acpi-pmtmr", this::overflowFired);
        seenHalf = ticks(clock.now()) >>> 31;
    }

    /** Registers the 16 ports at the base. */
    public void attach(IoBus io) { io.register(base, PORTS, this); }

    public int base() { return base; }

    /** The power button was pressed: PWRBTN_STS (an SCI when PWRBTN_EN). */
    public void pressPowerButton() { raiseStatus(PWRBTN_STS); }

    /** Sets a general-purpose event status bit (0..15), an SCI when its enable bit is set. */
    public void raiseGpe(int gpe) {
        gpeSts |= 1 << (gpe & 15);
        updateSci();
    }

    /** Back to power-on state (all status/enable bits clear). */
    public void reset() {
        sts = en = cnt = gpeSts = gpeEn = 0;
        overflowTimer.cancel();
        seenHalf = ticks(clock.now()) >>> 31;
        updateSci();
    }

    /** PM timer value now (the low 32 bits of the ticks since guest time 0). */
    public int timer() { return (int) ticks(clock.now()); }

    public boolean sciAsserted() { return sciLevel; }

    // ------------------------------------------------------------------ ports

    @Override
    public int in(int port, int size) {
        int off = (port - base) & 0xFFFF;
        if (off < PM1_EVT + 2) refreshTimerStatus(clock.now());
        int tmr = off + size > PM_TMR && off < PM_TMR + PM_TMR_LEN ? timer() : 0;
        int v = 0;
        for (int i = 0; i < size; i++) v |= readByte(off + i, tmr) << (i << 3);
        return v;
    }

    @Override
    public void out(int port, int size, int value) {
        int off = (port - base) & 0xFFFF;
        int oldEn = en;
        for (int i = 0; i < size; i++) writeByte(off + i, value >>> (i << 3) & 0xFF);
        if (((oldEn ^ en) & TMR_EN) != 0) scheduleOverflow();
        updateSci();
    }

    private int readByte(int off, int tmr) {
        switch (off) {
            case PM1_EVT: return sts & 0xFF;
            case PM1_EVT + 1: return sts >>> 8;
            case PM1_EVT + 2: return en & 0xFF;
            case PM1_EVT + 3: return en >>> 8;
            case PM1_CNT: return (cnt | SCI_EN) & 0xFF;
            case PM1_CNT + 1: return cnt >>> 8;
            case PM_TMR: case PM_TMR + 1: case PM_TMR + 2: case PM_TMR + 3:
                return tmr >>> ((off - PM_TMR) << 3) & 0xFF;
            case GPE0: return gpeSts & 0xFF;
            case GPE0 + 1: return gpeSts >>> 8;
            case GPE0 + 2: return gpeEn & 0xFF;
            case GPE0 + 3: return gpeEn >>> 8;
            default: return 0xFF;
        }
    }

    private void writeByte(int off, int b) {
        switch (off) {
            case PM1_EVT: sts &= ~(b & STS_MASK); break;            // write-1-to-clear
            case PM1_EVT + 1: sts &= ~((b << 8) & STS_MASK); break;
            case PM1_EVT + 2: en = (en & 0xFF00) | (b & EN_MASK); break;
            case PM1_EVT + 3: en = (en & 0x00FF) | ((b << 8) & EN_MASK); break;
            case PM1_CNT: cnt = (cnt & 0xFF00) | (b & BM_RLD); break; // GBL_RLS: no firmware to notify
            case PM1_CNT + 1: writeControlHigh(b << 8); break;
            case GPE0: gpeSts &= ~b; break;
            case GPE0 + 1: gpeSts &= ~(b << 8); break;
            case GPE0 + 2: gpeEn = (gpeEn & 0xFF00) | b; break;
            case GPE0 + 3: gpeEn = (gpeEn & 0x00FF) | (b << 8); break;
            default: break; // PM_TMR is read-only; the gap at 6-7 is unused
        }
    }

    /** High byte of PM1_CNT: SLP_TYP is stored, SLP_EN (write-only) starts the sleep transition (§7.4.2). */
    private void writeControlHigh(int v) {
        cnt = (cnt & 0x00FF) | (v & SLP_TYP_MASK);
        if ((v & SLP_EN) == 0) return;
        if ((v & SLP_TYP_MASK) >>> SLP_TYP_SHIFT == SLP_TYP_SOFT_OFF) {
            if (powerOff != null) powerOff.run();
        } else {
            sts |= WAK_STS; // sleep states are not implemented: wake up at once
        }
    }

    // ------------------------------------------------------------------ timer status and SCI

    private static long ticks(long ns) { return Rate.ticksAt(ns, TIMER_HZ); }

    /** TMR_STS is set whenever bit 31 of the counter toggles (§4.8.3.3, TMR_VAL_EXT); evaluated lazily. */
    private void refreshTimerStatus(long now) {
        long half = ticks(now) >>> 31;
        if (half != seenHalf) {
            seenHalf = half;
            sts |= TMR_STS;
        }
    }

    /** With TMR_EN, a timer at the next bit-31 toggle raises the SCI on time; otherwise none runs. */
    private void scheduleOverflow() {
        if ((en & TMR_EN) == 0) {
            overflowTimer.cancel();
            return;
        }
        refreshTimerStatus(clock.now());
        overflowTimer.schedule(Rate.nsOfTick((seenHalf + 1) << 31, TIMER_HZ));
    }

    private void overflowFired(long now) {
        refreshTimerStatus(now);
        updateSci();
        scheduleOverflow();
    }

    private void raiseStatus(int bits) {
        sts |= bits;
        updateSci();
    }

    private void updateSci() {
        boolean level = (sts & en & SCI_EN_MASK) != 0 || (gpeSts & gpeEn) != 0;
        if (level != sciLevel) {
            sciLevel = level;
            irqs.setIrq(SCI_IRQ, level);
        }
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** PM1 status/enable/control, GPE0, the PM-timer overflow mark, the SCI level and the overflow timer. */
    public void saveState(StateWriter w) {
        w.i32(sts).i32(en).i32(cnt).i32(gpeSts).i32(gpeEn).i64(seenHalf).bool(sciLevel);
        overflowTimer.saveState(w);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        sts = r.i32() & 0xFFFF;
        en = r.i32() & 0xFFFF;
        cnt = r.i32() & 0xFFFF;
        gpeSts = r.i32();
        gpeEn = r.i32();
        seenHalf = r.i64();
        sciLevel = r.bool("ACPI SCI level");
        overflowTimer.loadState(r);
    }
}
