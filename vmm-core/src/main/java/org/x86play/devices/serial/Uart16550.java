package org.x86play.devices.serial;

import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import org.x86play.io.IoPortHandler;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * A National Semiconductor 16550A UART (the PC's COM ports), enough for firmware and an OS
 * console driver: the eight registers, the divisor latch (LCR.DLAB), 16-byte receive FIFO,
 * loopback (MCR bit 4) and the interrupt identification logic (IIR priorities). Transmission is
 * instantaneous, so THRE/TEMT always read set. Interrupt requests are not wired yet: an interrupt
 * controller polls {@link #irqAsserted()}.
 * <p>
 * Input is flow-controlled: bytes are taken from the host ({@link #setInput}) only while the
 * receive buffer has room, so nothing the host offers is ever dropped.
 */
public final class Uart16550 implements IoPortHandler {
    public static final int COM1 = 0x3F8, COM2 = 0x2F8;

    // Register offsets.
    private static final int RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
    // LSR bits.
    private static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    // IER bits.
    private static final int IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04, IER_MS = 0x08;
    // MCR bits.
    private static final int MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    private static final int LCR_DLAB = 0x80;

    private static final int FIFO_SIZE = 16;
    private final int[] rx = new int[FIFO_SIZE];
    private int rxHead, rxCount;
    /** Host bytes a FIFO reset took back (delivered again before new host input): host input is never lost. */
    private final int[] held = new int[FIFO_SIZE];
    private int heldCount;

    private int ier, lcr = 0x03, mcr, scr, fcr;
    private int dll = 0x0C, dlm; // 9600 baud after reset, as PC firmware usually leaves it
    private boolean overrun;
    private boolean thrEmptyPending;
    /** MSR bits 4..7 (CTS DSR RI DCD) and the delta bits 0..3. */
    private int msrLines = 0xB0, msrDelta;

    private IntConsumer output;
    private IntSupplier input;
    private Runnable irqListener;
    /** The guest has enabled a UART interrupt at some time: it is interrupt-driven (see {@link #fill}). */
    private boolean interruptDriven;
    /** The INTR level last reported to {@link #irqListener}. */
    private boolean irqReported;

    /** Each byte the guest transmits (0..255); null discards them. */
    public void setOutput(IntConsumer output) { this.output = output; }

    /** Host input: returns the next byte (0..255) or -1 when none is waiting; called only when there is room. */
    public void setInput(IntSupplier input) { this.input = input; }

    /**
     * Called whenever {@link #irqAsserted()} changes, right after the register access that changed it, so
     * the board sees every edge (an edge-triggered I/O APIC pin would miss a low-high blip seen only by polling).
     */
    public void setIrqListener(Runnable l) { irqListener = l; }

    /** Moves host bytes into the receive buffer while it has room. Cheap; the machine calls it periodically. */
    public void pollInput() {
        fill();
        irqChanged();
    }

    /**
     * Host bytes enter the receiver only while there is room and the guest is listening, like a terminal
     * with flow control: a guest that has ever enabled UART interrupts (a driver, e.g. Linux's 8250) receives
     * only while its received-data interrupt is on, so typed-ahead input waits until the port is opened
     * instead of being swallowed by the driver's probing, FIFO resets and interrupt-less console writes. A
     * guest that never enables interrupts (a polling loop, firmware) gets bytes whenever it looks.
     */
    private void fill() {
        IntSupplier in = input;
        if (in == null || (mcr & MCR_LOOP) != 0) return;
        if (interruptDriven && (ier & IER_RDA) == 0) return;
        int room = capacity() - rxCount;
        while (room > 0 && heldCount > 0) {
            push(held[0]);
            heldCount--;
            System.arraycopy(held, 1, held, 0, heldCount);
            room--;
        }
        while (room-- > 0) {
            int b = in.getAsInt();
            if (b < 0) return;
            push(b & 0xFF);
        }
    }

    /**
     * FCR receiver reset. Loopback bytes are dropped as on the chip; host bytes go back to the host side
     * (ahead of newer input), because the host is a flow-controlled terminal whose input must not be lost
     * to a driver that resets the FIFO while starting the port.
     */
    private void resetReceiver() {
        if ((mcr & MCR_LOOP) == 0 && rxCount > 0) {
            int n = Math.min(rxCount, FIFO_SIZE - heldCount);
            System.arraycopy(held, 0, held, n, heldCount);
            for (int k = 0; k < n; k++) held[k] = rx[(rxHead + k) & (FIFO_SIZE - 1)];
            heldCount += n;
        }
        rxHead = 0;
        rxCount = 0;
    }

    private void irqChanged() {
        boolean now = irqAsserted();
        if (now != irqReported) {
            irqReported = now;
            Runnable l = irqListener;
            if (l != null) l.run();
        }
    }

    /** True when the IIR reports a pending interrupt (the 16550's INTR pin). */
    public boolean interruptPending() { return (identify() & 1) == 0; }

    /** The IRQ line as a PC board sees it: INTR gated by MCR.OUT2. */
    public boolean irqAsserted() { return (mcr & MCR_OUT2) != 0 && interruptPending(); }

    private boolean fifoEnabled() { return (fcr & 1) != 0; }

    private int capacity() { return fifoEnabled() ? FIFO_SIZE : 1; }

    private void push(int b) {
        if (rxCount >= capacity()) {
            overrun = true; // only loopback can get here: host input waits for room
            return;
        }
        rx[(rxHead + rxCount) & (FIFO_SIZE - 1)] = b;
        rxCount++;
    }

    private int pop() {
        if (rxCount == 0) return 0;
        int b = rx[rxHead];
        rxHead = (rxHead + 1) & (FIFO_SIZE - 1);
        rxCount--;
        return b;
    }

    /** IIR value without side effects: the highest-priority pending source (16550A data sheet, Table 4). */
    private int identify() {
        int fifoBits = fifoEnabled() ? 0xC0 : 0;
        if ((ier & IER_RLS) != 0 && overrun) return fifoBits | 0x06;
        if ((ier & IER_RDA) != 0 && rxCount > 0) return fifoBits | 0x04;
        if ((ier & IER_THRE) != 0 && thrEmptyPending) return fifoBits | 0x02;
        if ((ier & IER_MS) != 0 && msrDelta != 0) return fifoBits;
        return fifoBits | 0x01;
    }

    private int currentMsrLines() {
        if ((mcr & MCR_LOOP) == 0) return msrLines;
        // Loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.
        return ((mcr & 0x02) << 3) | ((mcr & 0x01) << 5) | ((mcr & 0x04) << 4) | ((mcr & 0x08) << 4);
    }

    private void updateMsr(int before) {
        int after = currentMsrLines();
        int changed = before ^ after;
        msrDelta |= (changed >> 4) & 0x0B;             // DCTS, DDSR, DDCD on any change
        if ((before & 0x40) != 0 && (after & 0x40) == 0) msrDelta |= 0x04; // TERI: RI went inactive
    }

    @Override
    public int in(int port, int size) {
        int v = read(port & 7);
        irqChanged();
        return size == 1 ? v : size == 2 ? v | 0xFF00 : v | 0xFFFFFF00;
    }

    private int read(int reg) {
        switch (reg) {
            case RBR_THR:
                if ((lcr & LCR_DLAB) != 0) return dll;
                fill();
                int b = pop();
                fill();
                return b;
            case IER:
                return (lcr & LCR_DLAB) != 0 ? dlm : ier;
            case IIR_FCR: {
                fill();
                int id = identify();
                if ((id & 0x0F) == 0x02) thrEmptyPending = false; // reading IIR acknowledges THRE
                return id;
            }
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR: {
                fill();
                int v = LSR_THRE | LSR_TEMT | (rxCount > 0 ? LSR_DR : 0) | (overrun ? LSR_OE : 0);
                overrun = false;
                return v;
            }
            case MSR: {
                int v = currentMsrLines() | msrDelta;
                msrDelta = 0;
                return v;
            }
            default:
                return scr;
        }
    }

    @Override
    public void out(int port, int size, int value) {
        write(port & 7, value & 0xFF);
        irqChanged();
    }

    private void write(int reg, int v) {
        switch (reg) {
            case RBR_THR:
                if ((lcr & LCR_DLAB) != 0) { dll = v; return; }
                if ((mcr & MCR_LOOP) != 0) {
                    push(v);
                } else {
                    IntConsumer o = output;
                    if (o != null) o.accept(v);
                }
                // Writing THR clears a THRE interrupt; the byte leaves at once and THRE is set again: the
                // INTR pin drops and rises, which the board must see as a new edge.
                thrEmptyPending = false;
                irqChanged();
                thrEmptyPending = true;
                return;
            case IER:
                if ((lcr & LCR_DLAB) != 0) { dlm = v; return; }
                // Enabling the THRE interrupt while THR is empty raises it at once.
                if ((v & IER_THRE) != 0 && (ier & IER_THRE) == 0) thrEmptyPending = true;
                ier = v & 0x0F;
                if (ier != 0) interruptDriven = true;
                return;
            case IIR_FCR:
                if (((v ^ fcr) & 1) != 0 || (v & 2) != 0) resetReceiver();
                fcr = v & 0xC9;
                fill();
                return;
            case LCR:
                lcr = v;
                return;
            case MCR: {
                int before = currentMsrLines();
                mcr = v & 0x1F;
                updateMsr(before);
                return;
            }
            case LSR:
            case MSR:
                return; // read-only (factory test registers)
            default:
                scr = v;
        }
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Both FIFOs (with contents), every register, line and interrupt state; the host sinks are not state. */
    public void saveState(StateWriter w) {
        w.ints(rx).u8(rxHead).u8(rxCount).ints(held).u8(heldCount);
        w.u8(ier).u8(lcr).u8(mcr).u8(scr).u8(fcr).u8(dll).u8(dlm).bool(overrun).bool(thrEmptyPending);
        w.u8(msrLines).u8(msrDelta).bool(interruptDriven).bool(irqReported);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        r.intsIn(rx, 0, 0xFF, "UART receive FIFO");
        rxHead = r.u8();
        rxCount = r.u8();
        if (rxHead >= FIFO_SIZE || rxCount > FIFO_SIZE) throw r.fail("UART FIFO position " + rxHead + "/" + rxCount + " out of range");
        r.intsIn(held, 0, 0xFF, "UART held bytes");
        heldCount = r.u8();
        if (heldCount > FIFO_SIZE) throw r.fail("UART held count " + heldCount + " out of range");
        ier = r.u8(); lcr = r.u8(); mcr = r.u8(); scr = r.u8(); fcr = r.u8(); dll = r.u8(); dlm = r.u8();
        overrun = r.bool("UART overrun");
        thrEmptyPending = r.bool("UART THRE pending");
        msrLines = r.u8();
        msrDelta = r.u8();
        interruptDriven = r.bool("UART interrupt driven");
        irqReported = r.bool("UART IRQ level");
    }
}
