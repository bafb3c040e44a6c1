package org.x86play.devices.rtc;

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
 * The Motorola MC146818 real-time clock and CMOS RAM at 0x70 (index, bit 7 = NMI disable) / 0x71
 * (data), per the MC146818A datasheet: time/calendar/alarm registers 0x00-0x09 in BCD or binary and
 * 12/24 h (register B DM and 24/12 bits), status registers A-D, periodic / alarm / update-ended
 * interrupts on IRQ8 (register C flags, IRQF, all cleared by reading C), and 114 bytes of CMOS RAM.
 * <p>
 * Time: read from the {@link WallClock} at construction (and {@link #resyncFromWallClock()}), then
 * advanced by guest time — reproducible with a fixed wall clock. The time is computed from
 * {@code epochSeconds + elapsed guest seconds}; timers run only while an interrupt is enabled, so an
 * idle guest with RTC interrupts off lets the machine detect "halted forever".
 */
public final class Mc146818 implements IoPortHandler {
    public static final int INDEX_PORT = 0x70, DATA_PORT = 0x71;
    public static final int IRQ = 8;
    public static final int REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C, REG_D = 0x0D;
    public static final int CENTURY = 0x32, EQUIPMENT = 0x14;
    static final long SECOND = VirtualClock.NS_PER_SECOND;
    /** UIP is set this long before each update (tBUC 244 µs) plus the update cycle (1984 µs). */
    static final long UIP_NS = 244_000 + 1_984_000;

    // Register B bits.
    static final int B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_SQWE = 0x08, B_DM = 0x04, B_24H = 0x02;
    // Register C bits.
    static final int C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10;

    private final VirtualClock clock;
    private final IrqLines irqs;
    private final WallClock wall;
    private final byte[] cmos = new byte[128];
    private final Timer periodicTimer, updateTimer;

    private int index;
    private boolean nmiDisabled = true;
    private int regA = 0x26, regB = B_24H, flags;

    /** Epoch seconds at guest time {@link #baseNs} while running; the frozen time while stopped. */
    private long baseSeconds, baseNs;
    /** Alarm registers as written (raw, in the current format). */
    private int alarmSec, alarmMin, alarmHour;
    /** Last second / periodic tick for which flags were evaluated. */
    private long seenSecond, seenPeriod;

    public Mc146818(VirtualClock clock, IrqLines irqs, WallClock wall) {
        this.clock = clock;
        this.irqs = irqs;
        this.wall = wall;
        periodicTimer = clock.newTimer("rtc-periodic", this::periodicFired);
        updateTimer = clock.newTimer("rtc-update", this::updateFired);
        cmos[CENTURY] = 0x20;
        cmos[EQUIPMENT] = 0x06; // bit 1: math coprocessor, bit 2: (PS/2) pointing device; bits 5-4 = 00: EGA/VGA
        cmos[0x10] = 0;       // no floppy drives
        resyncFromWallClock();
        setMemorySize(1 << 20, 0);
    }

    /** Registers 0x70-0x71. */
    public void attach(IoBus io) { io.register(INDEX_PORT, 2, this); }

    /** Reloads the date and time from the wall clock (whole seconds). */
    public void resyncFromWallClock() {
        baseSeconds = Math.floorDiv(wall.epochMillis(), 1000);
        baseNs = clock.now();
        seenSecond = baseSeconds;
        seenPeriod = periodIndex(baseNs);
        reschedule();
    }

    /** NMI disabled by bit 7 of the last index write (reset: disabled). */
    public boolean nmiDisabled() { return nmiDisabled; }

    // ------------------------------------------------------------------ CMOS RAM contents

    /**
     * Sets the memory-size bytes the BIOS reads: 0x15/0x16 base memory (640 KiB), 0x17/0x18 and
     * 0x30/0x31 extended memory above 1 MiB in KiB (at most 0xFFFF), 0x34/0x35 memory between 16 MiB
     * and 4 GiB in 64 KiB units, 0x5B-0x5D memory above 4 GiB in 64 KiB units; then the checksum.
     * @param below4g RAM bytes from address 0 (below the PCI hole)
     * @param above4g RAM bytes from 4 GiB
     */
    public void setMemorySize(long below4g, long above4g) {
        put16(0x15, 640);
        long ext = Math.max(0, below4g - (1 << 20)) / 1024;
        put16(0x17, (int) Math.min(0xFFFF, ext));
        put16(0x30, (int) Math.min(0xFFFF, ext));
        long above16 = Math.max(0, below4g - (16 << 20)) / 65536;
        put16(0x34, (int) Math.min(0xFFFF, above16));
        long high = Math.max(0, above4g) / 65536;
        high = Math.min(high, 0xFFFFFF);
        cmos[0x5B] = (byte) high;
        cmos[0x5C] = (byte) (high >>> 8);
        cmos[0x5D] = (byte) (high >>> 16);
        updateChecksum();
    }

    private void put16(int at, int v) {
        cmos[at] = (byte) v;
        cmos[at + 1] = (byte) (v >>> 8);
    }

    /** Recomputes the AT checksum at 0x2E (MSB) / 0x2F over bytes 0x10..0x2D. */
    public void updateChecksum() {
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) sum += cmos[i] & 0xFF;
        cmos[0x2E] = (byte) (sum >>> 8);
        cmos[0x2F] = (byte) sum;
    }

    /** A CMOS RAM byte (0x0E..0x7F) as the host sets it up (e.g. boot order, CPU count). */
    public void setNvram(int at, int value) {
        if (at >= 0x0E && at < 0x80) cmos[at] = (byte) value;
    }

    public int nvram(int at) { return at >= 0x0E && at < 0x80 ? cmos[at] & 0xFF : 0; }

    // ------------------------------------------------------------------ time

    private boolean dividerRunning() { return ((regA >>> 4) & 7) == 2; }

    private boolean ticking() { return dividerRunning() && (regB & B_SET) == 0; }

    /** Epoch seconds of the RTC's time now. */
    public long epochSeconds() {
        if (!ticking()) return baseSeconds;
        return baseSeconds + Math.floorDiv(clock.now() - baseNs, SECOND);
    }

    private long periodHz() {
        int rs = regA & 15;
        if (rs == 0) return 0;
        if (rs <= 2) rs += 7; // rates 1 and 2 alias 8 and 9 with the 32.768 kHz time base
        return 32768 >> (rs - 1);
    }

    private long periodIndex(long ns) {
        long hz = periodHz();
        return hz == 0 ? 0 : Rate.ticksAt(ns, hz);
    }

    private void reschedule() {
        long now = clock.now();
        long hz = periodHz();
        if ((regB & B_PIE) != 0 && hz != 0 && dividerRunning()) {
            periodicTimer.schedule(Rate.nsOfTick(Rate.ticksAt(now, hz) + 1, hz));
        } else {
            periodicTimer.cancel();
        }
        if ((regB & (B_UIE | B_AIE)) != 0 && ticking()) {
            long k = Math.floorDiv(now - baseNs, SECOND) + 1;
            updateTimer.schedule(baseNs + k * SECOND);
        } else {
            updateTimer.cancel();
        }
    }

    private void periodicFired(long now) {
        seenPeriod = periodIndex(now);
        setFlags(C_PF);
        reschedule();
    }

    private void updateFired(long now) {
        evaluateSeconds();
        reschedule();
    }

    /** Sets UF (and AF on an alarm match) for a second boundary passed since the last look. */
    private void evaluateSeconds() {
        if (!ticking()) return;
        long s = epochSeconds();
        if (s == seenSecond) return;
        seenSecond = s;
        int f = C_UF;
        if (alarmMatches(s)) f |= C_AF;
        setFlags(f);
    }

    private boolean alarmMatches(long s) {
        long sod = Math.floorMod(s, 86400);
        return matches(alarmSec, (int) (sod % 60), false)
                && matches(alarmMin, (int) (sod / 60 % 60), false)
                && matches(alarmHour, (int) (sod / 3600), true);
    }

    /** An alarm byte with both top bits set is "don't care" (datasheet); else compare decoded. */
    private boolean matches(int raw, int value, boolean hour) {
        if ((raw & 0xC0) == 0xC0) return true;
        return (hour ? decodeHour(raw) : decode(raw)) == value;
    }

    private void setFlags(int f) {
        flags |= f;
        boolean irq = (flags & regB & (C_PF | C_AF | C_UF)) != 0;
        if (irq && (flags & C_IRQF) == 0) {
            flags |= C_IRQF;
            if (irqs != null) irqs.setIrq(IRQ, true);
        }
    }

    /** Flags that became due without a timer (interrupt disabled): seen when register C is read. */
    private void lazyFlags() {
        evaluateSeconds();
        long p = periodIndex(clock.now());
        if (periodHz() != 0 && dividerRunning() && p != seenPeriod) {
            seenPeriod = p;
            setFlags(C_PF);
        }
    }

    // ------------------------------------------------------------------ register encoding

    private int encode(int v) {
        return (regB & B_DM) != 0 ? v : (v / 10) << 4 | v % 10;
    }

    private int decode(int v) {
        return (regB & B_DM) != 0 ? v : ((v >>> 4) & 15) * 10 + (v & 15);
    }

    private int encodeHour(int h) {
        if ((regB & B_24H) != 0) return encode(h);
        int h12 = h % 12 == 0 ? 12 : h % 12;
        return encode(h12) | (h >= 12 ? 0x80 : 0);
    }

    private int decodeHour(int raw) {
        if ((regB & B_24H) != 0) return decode(raw);
        int h = decode(raw & 0x7F) % 12;
        return (raw & 0x80) != 0 ? h + 12 : h;
    }

    private int readTime(int reg) {
        long s = epochSeconds();
        long days = Math.floorDiv(s, 86400);
        int sod = (int) Math.floorMod(s, 86400);
        switch (reg) {
            case 0: return encode(sod % 60);
            case 2: return encode(sod / 60 % 60);
            case 4: return encodeHour(sod / 3600);
            case 6: return encode(Calendar.dayOfWeek(days));
            default: break;
        }
        long[] ymd = Calendar.civilFromDays(days);
        switch (reg) {
            case 7: return encode((int) ymd[2]);
            case 8: return encode((int) ymd[1]);
            case 9: return encode((int) (ymd[0] % 100));
            default: return encode((int) (ymd[0] / 100)); // century
        }
    }

    private void writeTime(int reg, int raw) {
        boolean wasTicking = ticking();
        long now = clock.now();
        long phase = wasTicking ? Math.floorMod(now - baseNs, SECOND) : 0;
        long s = epochSeconds();
        long days = Math.floorDiv(s, 86400);
        int sod = (int) Math.floorMod(s, 86400);
        int sec = sod % 60, min = sod / 60 % 60, hour = sod / 3600;
        long[] ymd = Calendar.civilFromDays(days);
        long year = ymd[0];
        int month = (int) ymd[1], day = (int) ymd[2];
        switch (reg) {
            case 0: sec = Math.min(59, decode(raw & 0x7F)); break;
            case 2: min = Math.min(59, decode(raw & 0x7F)); break;
            case 4: hour = Math.min(23, decodeHour(raw)); break;
            case 6: return; // the day of week follows from the date here
            case 7: day = Math.max(1, Math.min(31, decode(raw))); break;
            case 8: month = Math.max(1, Math.min(12, decode(raw))); break;
            case 9: year = year / 100 * 100 + decode(raw) % 100; break;
            default: year = decode(raw) * 100L + year % 100; break; // century byte
        }
        day = Math.min(day, Calendar.daysInMonth(year, month));
        baseSeconds = Calendar.daysFromCivil(year, month, day) * 86400 + hour * 3600L + min * 60L + sec;
        if (wasTicking) { // keep the divider phase
            baseNs = now - phase;
            seenSecond = baseSeconds;
        }
    }

    // ------------------------------------------------------------------ registers

    /** A register read (index 0..127), as the guest sees it through port 0x71. */
    public int readRegister(int reg) {
        switch (reg) {
            case 0: case 2: case 4: case 6: case 7: case 8: case 9: case CENTURY:
                return readTime(reg);
            case 1: return alarmSec;
            case 3: return alarmMin;
            case 5: return alarmHour;
            case REG_A: {
                int uip = ticking() && Math.floorMod(clock.now() - baseNs, SECOND) >= SECOND - UIP_NS ? 0x80 : 0;
                return uip | (regA & 0x7F);
            }
            case REG_B: return regB;
            case REG_C: {
                lazyFlags();
                int v = flags;
                flags = 0;
                if ((v & C_IRQF) != 0 && irqs != null) irqs.setIrq(IRQ, false);
                return v;
            }
            case REG_D: return 0x80; // VRT: the battery is fine
            default: return cmos[reg & 0x7F] & 0xFF;
        }
    }

    public void writeRegister(int reg, int v) {
        v &= 0xFF;
        switch (reg) {
            case 0: case 2: case 4: case 6: case 7: case 8: case 9: case CENTURY:
                writeTime(reg, v);
                break;
            case 1: alarmSec = v; break;
            case 3: alarmMin = v; break;
            case 5: alarmHour = v; break;
            case REG_A: {
                boolean wasTicking = ticking();
                long sec = epochSeconds();
                regA = v & 0x7F; // UIP is read-only
                runStateChanged(wasTicking, sec);
                break;
            }
            case REG_B: {
                boolean wasTicking = ticking();
                long sec = epochSeconds();
                if ((v & B_SET) != 0) v &= ~B_UIE; // datasheet: setting SET clears UIE
                regB = v;
                runStateChanged(wasTicking, sec);
                break;
            }
            case REG_C: case REG_D: break; // read-only
            default: cmos[reg & 0x7F] = (byte) v;
        }
        reschedule();
    }

    /** Freezes the time when updates stop (SET, divider reset); restarts the second when they resume. */
    private void runStateChanged(boolean wasTicking, long secondsThen) {
        boolean ticking = ticking();
        if (wasTicking && !ticking) {
            baseSeconds = secondsThen;
        } else if (!wasTicking && ticking) {
            // The first update follows one second after the divider / SET is released.
            baseNs = clock.now();
            seenSecond = baseSeconds;
        }
    }

    @Override
    public int in(int port, int size) {
        if (port == INDEX_PORT) return 0xFF; // the index register is write-only
        return readRegister(index);
    }

    @Override
    public void out(int port, int size, int value) {
        if (port == INDEX_PORT) {
            index = value & 0x7F;
            nmiDisabled = (value & 0x80) != 0;
        } else {
            writeRegister(index, value);
        }
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** CMOS RAM, index/NMI, registers A-C, the running time base, alarm, evaluation marks and both timers. */
    public void saveState(StateWriter w) {
        w.bytes(cmos).u8(index).bool(nmiDisabled).u8(regA).u8(regB).u8(flags);
        w.i64(baseSeconds).i64(baseNs).u8(alarmSec).u8(alarmMin).u8(alarmHour).i64(seenSecond).i64(seenPeriod);
        periodicTimer.saveState(w);
        updateTimer.saveState(w);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        r.bytes(cmos);
        index = r.u8() & 0x7F;
        nmiDisabled = r.bool("RTC NMI disable");
        regA = r.u8();
        regB = r.u8();
        flags = r.u8();
        baseSeconds = r.longIn(-(1L << 50), 1L << 50, "RTC base seconds");
        baseNs = r.longIn(0, Long.MAX_VALUE / 4, "RTC base time");
        alarmSec = r.u8();
        alarmMin = r.u8();
        alarmHour = r.u8();
        seenSecond = r.i64();
        seenPeriod = r.i64();
        periodicTimer.loadState(r);
        updateTimer.loadState(r);
    }
}
