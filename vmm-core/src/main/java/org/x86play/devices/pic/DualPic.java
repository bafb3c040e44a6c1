package org.x86play.devices.pic;

import java.util.function.BooleanSupplier;
import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.machine.InterruptController;
import org.x86play.time.VirtualClock;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The PC/AT pair of 8259A PICs: master at 0x20/0x21 (IRQ0..7), slave at 0xA0/0xA1 (IRQ8..15)
 * cascaded on the master's IR2, plus the PIIX/ICH edge/level control registers (ELCR) at
 * 0x4D0/0x4D1. It is the machine's {@link InterruptController}: INTR is the master's INT output.
 * <p>
 * The cascade input is sensed by level (it follows the slave's INT output), so a slave request that
 * is masked or cleared before INTA does not leave a stale master request behind.
 * Idle: {@link #idle()} lets the {@link VirtualClock} skip to its next timer deadline.
 */
public final class DualPic implements InterruptController, IrqLines, IoPortHandler {
    public static final int MASTER_PORT = 0x20, SLAVE_PORT = 0xA0, ELCR_PORT = 0x4D0;
    /** ELCR bits that must stay edge: IRQ0, 1, 2 (master) and IRQ8, 13 (slave), per the PIIX datasheet. */
    private static final int ELCR1_MASK = 0xF8, ELCR2_MASK = 0xDE;
    private static final int CASCADE_IR = 2;

    final Pic8259 master = new Pic8259(true), slave = new Pic8259(false);
    private boolean intr;
    private VirtualClock clock;
    private BooleanSupplier externalWake;

    public DualPic() {
        reset();
    }

    /** Power-on state: both chips uninitialised (vector base 0, nothing masked), ELCR all edge. */
    public void reset() {
        master.elcr = 0;
        slave.elcr = 0;
        master.lines = slave.lines = 0;
        master.reset();
        slave.reset();
        update();
    }

    /** Registers 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1. */
    public void attach(IoBus io) {
        io.register(MASTER_PORT, 2, this);
        io.register(SLAVE_PORT, 2, this);
        io.register(ELCR_PORT, 2, this);
    }

    /** The clock whose timers may still wake a halted CPU and which {@link #idle()} advances. */
    public void setClock(VirtualClock clock) { this.clock = clock; }

    /** An extra "an interrupt may still come" source, e.g. host keyboard input is possible. */
    public void setExternalWake(BooleanSupplier wake) { externalWake = wake; }

    // ------------------------------------------------------------------ lines

    @Override
    public void setIrq(int irq, boolean high) {
        if (irq < 0 || irq > 15) return;
        if (irq < 8) {
            if (irq == CASCADE_IR) return; // the slave drives IR2
            master.setLine(irq, high);
        } else {
            slave.setLine(irq - 8, high);
        }
        update();
    }

    private void update() {
        boolean slaveOut = slave.pending() >= 0;
        int bit = 1 << CASCADE_IR;
        if (!master.single) {
            if (slaveOut) master.irr |= bit; else master.irr &= ~bit;
        }
        intr = master.pending() >= 0;
    }

    // ------------------------------------------------------------------ InterruptController

    @Override
    public boolean hasInterrupt() { return intr; }

    /**
     * INTA cycle. With nothing pending (the request went away) the 8259A answers with its IR7 vector
     * without setting ISR: the spurious interrupt (IRQ7, or IRQ15 from the slave with the master's
     * IR2 taken into service).
     */
    @Override
    public int acknowledge() {
        int ir = master.pending();
        int vector;
        if (ir < 0) {
            vector = master.vector(7);
        } else {
            master.accept(ir);
            if (ir == CASCADE_IR && !master.single) {
                int s = slave.pending();
                if (s < 0) {
                    vector = slave.vector(7);
                } else {
                    slave.accept(s);
                    vector = slave.vector(s);
                }
            } else {
                vector = master.vector(ir);
            }
        }
        update();
        return vector;
    }

    @Override
    public boolean canInterruptLater() {
        return intr || (clock != null && clock.hasPendingTimers())
                || (externalWake != null && externalWake.getAsBoolean());
    }

    @Override
    public void idle() {
        if (clock != null) clock.idle();
    }

    // ------------------------------------------------------------------ ports

    @Override
    public int in(int port, int size) {
        int v;
        switch (port) {
            case MASTER_PORT: v = readCommand(master); break;
            case MASTER_PORT + 1: v = master.readData(); break;
            case SLAVE_PORT: v = readCommand(slave); break;
            case SLAVE_PORT + 1: v = slave.readData(); break;
            case ELCR_PORT: v = master.elcr; break;
            case ELCR_PORT + 1: v = slave.elcr; break;
            default: v = 0xFF;
        }
        return size == 1 ? v : v | 0xFF00 | (size == 4 ? 0xFFFF0000 : 0);
    }

    private int readCommand(Pic8259 chip) {
        if (chip.poll) {
            // Poll command: the read is the INTA (8259A "poll command"); bit 7 = request, bits 2..0 = level.
            chip.poll = false;
            int ir = chip.pending();
            if (ir < 0) return 0;
            chip.accept(ir);
            update();
            return 0x80 | ir;
        }
        return chip.readIsr ? chip.isr : chip.irr;
    }

    @Override
    public void out(int port, int size, int value) {
        int v = value & 0xFF;
        switch (port) {
            case MASTER_PORT: master.writeCommand(v); break;
            case MASTER_PORT + 1: master.writeData(v); break;
            case SLAVE_PORT: slave.writeCommand(v); break;
            case SLAVE_PORT + 1: slave.writeData(v); break;
            case ELCR_PORT: master.setElcr(v & ELCR1_MASK); break;
            case ELCR_PORT + 1: slave.setElcr(v & ELCR2_MASK); break;
            default: return;
        }
        update();
    }

    // ------------------------------------------------------------------ inspection (tests, debuggers)

    public int irr(boolean slaveChip) { return slaveChip ? slave.irr : master.irr; }

    public int isr(boolean slaveChip) { return slaveChip ? slave.isr : master.isr; }

    public int imr(boolean slaveChip) { return slaveChip ? slave.imr : master.imr; }

    public int vectorBase(boolean slaveChip) { return slaveChip ? slave.vectorBase : master.vectorBase; }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Both 8259As (with ELCR and input levels); INTR is derived again on load. */
    public void saveState(StateWriter w) {
        master.saveState(w);
        slave.saveState(w);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        master.loadState(r);
        slave.loadState(r);
        update();
    }
}
