package org.x86play.devices.pic;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * One Intel 8259A programmable interrupt controller (8086 mode), per the 8259A datasheet:
 * initialisation words ICW1..ICW4, operation words OCW1..OCW3, fully nested priority with rotation,
 * special mask mode, special fully nested mode, poll mode, auto-EOI, edge/level sensing.
 * <p>
 * Edge sensing latches IRR on a rising input edge (the request survives the input falling again, so
 * a short timer pulse is not lost); level sensing makes IRR follow the input. The pair logic
 * ({@link DualPic}) wires the cascade and the ELCR.
 */
public final class Pic8259 {
    final boolean master;
    int irr, isr, imr;
    /** Current input levels (bit per IR line) and the inputs sensed by level (ICW1.LTIM or ELCR). */
    int lines, levelMask, elcr;
    boolean ltim;
    int vectorBase;
    /** The lowest-priority level; the highest is lowestPriority + 1 (mod 8). Reset: IR7 lowest. */
    int lowestPriority = 7;
    boolean autoEoi, rotateOnAutoEoi, specialMask, specialFullyNested, single, poll, readIsr;
    int icw3;
    /** Initialisation sequence: 0 = operational, 2..4 = next ICW expected. */
    private int initStep;
    private boolean expectIcw4;

    Pic8259(boolean master) { this.master = master; }

    void reset() {
        irr = isr = imr = 0; // input levels stay: after ICW1 an edge input needs a new rising edge
        ltim = false;
        levelMask = elcr;
        vectorBase = 0;
        lowestPriority = 7;
        autoEoi = rotateOnAutoEoi = specialMask = specialFullyNested = single = poll = readIsr = false;
        icw3 = 0;
        initStep = 0;
    }

    /** Drives input line {@code ir} (0..7). */
    void setLine(int ir, boolean high) {
        int bit = 1 << (ir & 7);
        if (high) {
            if ((lines & bit) == 0 && (levelMask & bit) == 0) irr |= bit; // rising edge
            lines |= bit;
            if ((levelMask & bit) != 0) irr |= bit;
        } else {
            lines &= ~bit;
            if ((levelMask & bit) != 0) irr &= ~bit;
        }
    }

    void setElcr(int value) {
        elcr = value & 0xFF;
        updateLevelMask();
    }

    private void updateLevelMask() {
        levelMask = ltim ? 0xFF : elcr;
        irr = (irr & ~levelMask) | (lines & levelMask);
    }

    /** Priority rank of level {@code ir}: 0 = highest. */
    private int rank(int ir) { return (ir - lowestPriority - 1) & 7; }

    /** Highest-priority set bit of {@code bits} as a level, or -1. */
    private int highest(int bits) {
        if (bits == 0) return -1;
        for (int r = 0; r < 8; r++) {
            int ir = (lowestPriority + 1 + r) & 7;
            if ((bits & (1 << ir)) != 0) return ir;
        }
        return -1;
    }

    /** The level this chip would present on INT now, or -1. */
    int pending() {
        int req = irr & ~imr;
        if (req == 0) return -1;
        int candidate = highest(req);
        // In special mask mode, levels masked in IMR do not block lower ones (8259A "special mask mode").
        int blocking = specialMask ? isr & ~imr : isr;
        int inService = highest(blocking);
        if (inService >= 0) {
            int a = rank(inService), b = rank(candidate);
            // Special fully nested mode (master): the slave may interrupt while its own level is in service.
            boolean nestedSlave = specialFullyNested && master && !single && inService == candidate
                    && (icw3 & (1 << candidate)) != 0;
            if (a < b || (a == b && !nestedSlave)) return -1;
        }
        return candidate;
    }

    /** INTA: takes the request at {@code ir} into service (returns nothing; the pair builds the vector). */
    void accept(int ir) {
        int bit = 1 << ir;
        irr &= ~bit;
        if ((levelMask & lines & bit) != 0) irr |= bit; // a level input still high keeps requesting
        if (autoEoi) {
            if (rotateOnAutoEoi) lowestPriority = ir;
        } else {
            isr |= bit;
        }
    }

    int vector(int ir) { return (vectorBase & 0xF8) | (ir & 7); }

    /** Writes to the command port (A0 = 0): ICW1, OCW2 or OCW3. */
    void writeCommand(int v) {
        if ((v & 0x10) != 0) { // ICW1
            reset();
            ltim = (v & 0x08) != 0;
            single = (v & 0x02) != 0;
            expectIcw4 = (v & 0x01) != 0;
            updateLevelMask();
            initStep = 2;
        } else if ((v & 0x08) == 0) {
            ocw2(v);
        } else { // OCW3
            if ((v & 0x40) != 0) specialMask = (v & 0x20) != 0;
            poll = (v & 0x04) != 0;
            if ((v & 0x02) != 0) readIsr = (v & 0x01) != 0;
        }
    }

    private void ocw2(int v) {
        int level = v & 7;
        switch (v >>> 5) {
            case 1: { // non-specific EOI
                int ir = highest(isr);
                if (ir >= 0) isr &= ~(1 << ir);
                break;
            }
            case 3: isr &= ~(1 << level); break;            // specific EOI
            case 5: {                                        // rotate on non-specific EOI
                int ir = highest(isr);
                if (ir >= 0) {
                    isr &= ~(1 << ir);
                    lowestPriority = ir;
                }
                break;
            }
            case 4: rotateOnAutoEoi = true; break;
            case 0: rotateOnAutoEoi = false; break;
            case 7: isr &= ~(1 << level); lowestPriority = level; break; // rotate on specific EOI
            case 6: lowestPriority = level; break;          // set priority
            default: break;                                  // 2: no operation
        }
    }

    /** Writes to the data port (A0 = 1): an ICW during initialisation, else OCW1 (the mask). */
    void writeData(int v) {
        switch (initStep) {
            case 2:
                vectorBase = v & 0xF8;
                initStep = single ? (expectIcw4 ? 4 : 0) : 3;
                break;
            case 3:
                icw3 = v & 0xFF;
                initStep = expectIcw4 ? 4 : 0;
                break;
            case 4:
                autoEoi = (v & 0x02) != 0;
                specialFullyNested = (v & 0x10) != 0;
                initStep = 0;
                break;
            default:
                imr = v & 0xFF;
        }
    }

    int readData() { return imr; }

    boolean inInit() { return initStep != 0; }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    void saveState(StateWriter w) {
        w.u8(irr).u8(isr).u8(imr).u8(lines).u8(levelMask).u8(elcr).bool(ltim).u8(vectorBase).u8(lowestPriority);
        w.bool(autoEoi).bool(rotateOnAutoEoi).bool(specialMask).bool(specialFullyNested).bool(single).bool(poll).bool(readIsr);
        w.u8(icw3).u8(initStep).bool(expectIcw4);
    }

    void loadState(StateReader r) throws SnapshotFormatException {
        irr = r.u8(); isr = r.u8(); imr = r.u8(); lines = r.u8(); levelMask = r.u8(); elcr = r.u8();
        ltim = r.bool("PIC LTIM");
        vectorBase = r.u8() & 0xF8;
        lowestPriority = r.u8() & 7;
        autoEoi = r.bool("PIC AEOI");
        rotateOnAutoEoi = r.bool("PIC rotate on AEOI");
        specialMask = r.bool("PIC special mask");
        specialFullyNested = r.bool("PIC SFNM");
        single = r.bool("PIC single");
        poll = r.bool("PIC poll");
        readIsr = r.bool("PIC read ISR");
        icw3 = r.u8();
        initStep = r.u8();
        if (initStep > 4) throw r.fail("PIC initialisation step must be 0..4, got " + initStep);
        expectIcw4 = r.bool("PIC ICW4 expected");
    }
}
