package org.x86play.devices.apic;

import org.x86play.memory.MmioHandler;
import org.x86play.memory.PhysicalMemory;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The Intel 82093AA I/O APIC: 24 interrupt input pins, each with a redirection entry that turns an
 * edge or level on the pin into an interrupt message for the local APIC(s) (datasheet §3).
 * <p>
 * Registers are reached indirectly: IOREGSEL (offset 0x00) selects, IOWIN (offset 0x10) reads or writes
 * 32 bits. IOAPICID 0x00, IOAPICVER 0x01 (0x00170011: version 0x11, 24 entries), IOAPICARB 0x02,
 * redirection entry n at 0x10 + 2n (low dword) and 0x11 + 2n (high dword).
 * <p>
 * Pins: {@link #setPin} takes the electrical level; the entry's polarity says which level asserts.
 * Edge-triggered: an asserting transition on an unmasked pin sends one message (edges on masked pins
 * are lost). Level-triggered: an asserted, unmasked pin sends a message when Remote IRR is clear, and
 * Remote IRR is set when a local APIC accepts it, until an EOI with the entry's vector ({@link #eoi}).
 */
public final class IoApic implements MmioHandler {
    public static final int DEFAULT_BASE = 0xFEC00000, WINDOW = 0x20;
    public static final int PINS = 24, VERSION = 0x00170011;
    public static final int IOREGSEL = 0x00, IOWIN = 0x10;
    public static final int REG_ID = 0x00, REG_VERSION = 0x01, REG_ARBITRATION = 0x02, REG_REDIRECTION = 0x10;

    // Redirection entry bits 31:0 (datasheet §3.2.4).
    public static final int MASKED = 1 << 16, LEVEL = 1 << 15, REMOTE_IRR = 1 << 14, ACTIVE_LOW = 1 << 13,
            LOGICAL = 1 << 11;
    /** Vector, delivery mode, destination mode, polarity, trigger mode, mask; delivery status and Remote IRR are read-only. */
    private static final int WRITABLE = 0x0001AFFF;

    private final ApicMessageSink target;
    private final int resetId;
    private int select, id;
    private final int[] low = new int[PINS], high = new int[PINS];
    /** Electrical level of each pin, bit n = pin n. */
    private int levels;

    /**
     * @param id     the power-up IOAPICID (0..15), as the firmware's MADT/MP table describes it
     * @param target where interrupt messages go (the {@link LocalApic})
     */
    public IoApic(int id, ApicMessageSink target) {
        this.resetId = id & 0xF;
        this.target = target;
        reset();
    }

    /** Power-up: all entries masked, edge, active-high, Remote IRR clear; pin levels are kept. */
    public void reset() {
        id = resetId;
        select = 0;
        for (int i = 0; i < PINS; i++) {
            low[i] = MASKED;
            high[i] = 0;
        }
    }

    /** Maps the register window at {@link #DEFAULT_BASE}. */
    public void attach(PhysicalMemory memory) {
        memory.mapMmio(DEFAULT_BASE, WINDOW, this);
    }

    // ------------------------------------------------------------------ pins

    /** Drives input pin {@code pin} (0..23) to an electrical level; other pins are ignored. */
    public void setPin(int pin, boolean high) {
        if (pin < 0 || pin >= PINS) return;
        int bit = 1 << pin;
        boolean wasAsserted = asserted(pin);
        levels = high ? levels | bit : levels & ~bit;
        int e = low[pin];
        if ((e & LEVEL) != 0) {
            service(pin);
        } else if (!wasAsserted && asserted(pin) && (e & MASKED) == 0) {
            send(pin);
        }
    }

    private boolean asserted(int pin) {
        boolean high = (levels & (1 << pin)) != 0;
        return high != ((low[pin] & ACTIVE_LOW) != 0);
    }

    /** Level-triggered pin: (re)sends while asserted, unmasked and not awaiting an EOI. */
    private void service(int pin) {
        int e = low[pin];
        if ((e & (LEVEL | MASKED | REMOTE_IRR)) != LEVEL || !asserted(pin)) return;
        if (send(pin)) low[pin] |= REMOTE_IRR;
    }

    private boolean send(int pin) {
        int e = low[pin];
        return target.deliver(e & 0xFF, (e >>> 8) & 7, (e & LEVEL) != 0, (e & LOGICAL) != 0, high[pin] >>> 24);
    }

    /** EOI broadcast from a local APIC: clears Remote IRR of level entries with this vector and re-checks their pins. */
    public void eoi(int vector) {
        for (int pin = 0; pin < PINS; pin++) {
            int e = low[pin];
            if ((e & REMOTE_IRR) != 0 && (e & 0xFF) == (vector & 0xFF)) {
                low[pin] = e & ~REMOTE_IRR;
                service(pin);
            }
        }
    }

    // ------------------------------------------------------------------ registers

    @Override
    public int read(int offset, int size) {
        if (offset == IOREGSEL) return select;
        if ((offset & ~3) == IOWIN) {
            int v = readRegister(select) >>> ((offset & 3) << 3);
            return size >= 4 ? v : v & ((1 << (size << 3)) - 1);
        }
        return 0;
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset == IOREGSEL) select = value & 0xFF;
        else if (offset == IOWIN && size == 4) writeRegister(select, value);
    }

    /** The register at index {@code reg} (what IOWIN shows when IOREGSEL = reg). */
    public int readRegister(int reg) {
        switch (reg) {
            case REG_ID: return id << 24;
            case REG_VERSION: return VERSION;
            case REG_ARBITRATION: return id << 24;   // the arbitration ID follows the APIC ID
            default: {
                int pin = (reg - REG_REDIRECTION) >>> 1;
                if (reg < REG_REDIRECTION || pin >= PINS) return 0;
                return (reg & 1) == 0 ? low[pin] : high[pin];   // delivery status (bit 12) is always idle
            }
        }
    }

    public void writeRegister(int reg, int value) {
        if (reg == REG_ID) {
            id = (value >>> 24) & 0xF;
            return;
        }
        int pin = (reg - REG_REDIRECTION) >>> 1;
        if (reg < REG_REDIRECTION || pin >= PINS) return;   // version, arbitration: read-only
        if ((reg & 1) != 0) {
            high[pin] = value & 0xFF000000;
            return;
        }
        int e = (low[pin] & REMOTE_IRR) | (value & WRITABLE);
        if ((e & LEVEL) == 0) e &= ~REMOTE_IRR;   // Remote IRR is defined for level entries only
        low[pin] = e;
        service(pin);   // an asserted level pin fires once unmasked
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** IOREGSEL, the ID, all redirection entries (with Remote IRR) and the pin levels. */
    public void saveState(StateWriter w) {
        w.i32(select).i32(id).ints(low).ints(high).i32(levels);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        select = r.i32() & 0xFF;
        id = r.i32() & 0xF;
        r.ints(low);
        r.ints(high);
        levels = r.i32() & ((1 << PINS) - 1);
    }
}
