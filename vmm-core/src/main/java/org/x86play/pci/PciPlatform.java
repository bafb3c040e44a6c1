package org.x86play.pci;

import org.x86play.devices.pic.IrqLines;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The PCI side of an i440FX/PIIX3 PC: bus 0 behind configuration mechanism #1 at 0xCF8/0xCFC, the 82441FX
 * host bridge at 00:00.0, the PIIX3 PCI-to-ISA bridge at 00:01.0 as the INTx router, and the PIIX3 Reset
 * Control register at 0xCF9. Further devices go in with {@code bus.plug(slot, function, device)}, from
 * slot 2 up ({@link PciBus#freeSlot()}).
 */
public final class PciPlatform {
    public static final int HOST_BRIDGE_DEVFN = 0x00, ISA_BRIDGE_DEVFN = 0x08;
    private static final int ELCR_PORT = 0x4D0;

    public final PciBus bus;
    public final PciHostBridge hostBridge;
    public final I440fx i440fx;
    public final Piix3IsaBridge isaBridge;
    public final Piix3ResetControl resetControl;
    private final IoBus io;

    /**
     * Builds the bus and registers ports 0xCF8..0xCFF.
     * @param irqs  the ISA IRQ inputs PIRQs are steered to (may be null)
     * @param reset called on a reset request through 0xCF9 (may be null)
     */
    public PciPlatform(IoBus io, PhysicalMemory memory, IrqLines irqs, Runnable reset) {
        this.io = io;
        bus = new PciBus(io, memory);
        hostBridge = new PciHostBridge(bus);
        i440fx = new I440fx();
        isaBridge = new Piix3IsaBridge(irqs);
        resetControl = new Piix3ResetControl(reset);
        bus.setIntxRouter(isaBridge);
        bus.plug(HOST_BRIDGE_DEVFN, i440fx);
        bus.plug(ISA_BRIDGE_DEVFN, isaBridge);
        hostBridge.setPassThrough(resetControl);
        hostBridge.attach(io);
    }

    public static PciPlatform create(IoBus io, PhysicalMemory memory, IrqLines irqs) {
        return new PciPlatform(io, memory, irqs, null);
    }

    /**
     * Does the interrupt set-up PC firmware does before an OS boots without routing tables: steers PIRQA..D
     * to {@code irqs[0..3]} (-1 leaves one disabled), marks those IRQs level-triggered in the ELCR
     * (0x4D0/0x4D1) and writes each present function's Interrupt Line with the IRQ its pin reaches (0xFF when
     * unrouted, the x86 "unknown" value, PCI 3.0 §6.2.4). Call it after plugging the devices.
     */
    public void routePirqs(int[] irqs) {
        if (irqs.length != Piix3IsaBridge.PIRQ_COUNT) throw new IllegalArgumentException("four PIRQs");
        int level = 0;
        for (int n = 0; n < Piix3IsaBridge.PIRQ_COUNT; n++) {
            int route = irqs[n] < 0 ? Piix3IsaBridge.ROUTE_DISABLED : irqs[n] & 0xF;
            isaBridge.writeConfig(Piix3IsaBridge.PIRQ_ROUTE + n, 1, route);
            int irq = isaBridge.routedIrq(n);
            if (irq >= 0) level |= 1 << irq;
        }
        io.out(ELCR_PORT, 1, io.in(ELCR_PORT, 1) | (level & 0xFF));
        io.out(ELCR_PORT + 1, 1, io.in(ELCR_PORT + 1, 1) | (level >>> 8));
        for (int devfn = 0; devfn < PciBus.SLOTS * PciBus.FUNCTIONS; devfn++) {
            PciDevice d = bus.device(devfn);
            if (d == null || d.interruptPin() == 0) continue;
            int irq = isaBridge.routedIrq(Piix3IsaBridge.pirqOf(devfn, d.interruptPin()));
            d.writeConfig(PciDevice.INTERRUPT_LINE, 1, irq < 0 ? 0xFF : irq);
        }
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** 0xCF8, 0xCF9 and every plugged function's state, each preceded by its devfn (the set must match on load). */
    public void saveState(StateWriter w) {
        hostBridge.saveState(w);
        resetControl.saveState(w);
        int n = 0;
        for (int devfn = 0; devfn < PciBus.SLOTS * PciBus.FUNCTIONS; devfn++) if (bus.device(devfn) != null) n++;
        w.i32(n);
        for (int devfn = 0; devfn < PciBus.SLOTS * PciBus.FUNCTIONS; devfn++) {
            PciDevice d = bus.device(devfn);
            if (d == null) continue;
            w.u16(devfn);
            d.saveState(w);
        }
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        hostBridge.loadState(r);
        resetControl.loadState(r);
        int present = 0;
        for (int devfn = 0; devfn < PciBus.SLOTS * PciBus.FUNCTIONS; devfn++) if (bus.device(devfn) != null) present++;
        int n = r.count(PciBus.SLOTS * PciBus.FUNCTIONS, 3, "PCI function");
        if (n != present) throw r.fail("snapshot has " + n + " PCI functions, this machine " + present);
        for (int i = 0; i < n; i++) {
            int devfn = r.u16();
            PciDevice d = devfn < PciBus.SLOTS * PciBus.FUNCTIONS ? bus.device(devfn) : null;
            if (d == null) throw r.fail("no PCI function at devfn 0x" + Integer.toHexString(devfn) + " in this machine");
            d.loadState(r);
        }
    }
}
