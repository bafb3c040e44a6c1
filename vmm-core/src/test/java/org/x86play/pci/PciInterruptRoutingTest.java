package org.x86play.pci;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.devices.pic.DualPic;
import org.x86play.devices.pic.IrqLines;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

class PciInterruptRoutingTest {
    final IoBus io = new IoBus();
    final PhysicalMemory memory = new PhysicalMemory(1 << 20);
    final boolean[] lines = new boolean[16];
    final int[] calls = new int[1];
    final IrqLines irqs = (irq, high) -> { lines[irq] = high; calls[0]++; };
    final PciPlatform pci = PciPlatform.create(io, memory, irqs);

    int pirqReg(int n) {
        io.out(0xCF8, 4, 0x80000000 | 1 << 11 | 0x60);
        return io.in(0xCFC + n, 1);
    }

    void setPirq(int n, int v) {
        io.out(0xCF8, 4, 0x80000000 | 1 << 11 | 0x60);
        io.out(0xCFC + n, 1, v);
    }

    @Test
    void pirqRouteRegistersResetDisabledAndAreWritable() {
        io.out(0xCF8, 4, 0x80000000 | 1 << 11 | 0x60);
        assertEquals(0x80808080, io.in(0xCFC, 4));
        setPirq(2, 0x0B);
        assertEquals(0x0B, pirqReg(2));
        setPirq(3, 0xFF);
        assertEquals(0x8F, pirqReg(3), "bits 6:4 reserved");
        assertEquals(0x8F0B8080, io.in(0xCFC, 4), "PIRQA..D little-endian in one dword");
        assertEquals(11, pci.isaBridge.routedIrq(2));
        assertEquals(-1, pci.isaBridge.routedIrq(3), "disabled");
        setPirq(0, 0x02);
        assertEquals(-1, pci.isaBridge.routedIrq(0), "IRQ2 is reserved");
    }

    @Test
    void intxReachesTheRoutedIrqAndFollowsRouteChanges() {
        PciTestDevice d = new PciTestDevice(io, memory);
        pci.bus.plug(3, 0, d); // slot 3 INTA# -> PIRQC
        assertEquals(2, Piix3IsaBridge.pirqOf(PciBus.devfn(3, 0), 1));
        d.raise(true);
        assertEquals(0, calls[0], "PIRQC not routed yet");
        setPirq(2, 10);
        assertTrue(lines[10]);
        setPirq(2, 11);
        assertFalse(lines[10], "old IRQ released on reroute");
        assertTrue(lines[11]);
        d.raise(false);
        assertFalse(lines[11]);
    }

    @Test
    void interruptDisableMasksAndStatusShowsTheInternalState() {
        PciTestDevice d = new PciTestDevice(io, memory);
        pci.bus.plug(3, 0, d);
        setPirq(2, 10);
        d.writeConfig(PciDevice.COMMAND, 2, PciDevice.CMD_INTX_DISABLE);
        d.raise(true);
        assertFalse(lines[10]);
        assertEquals(0x08, d.readConfig(PciDevice.STATUS, 2) & 0x08, "interrupt status set regardless");
        d.writeConfig(PciDevice.COMMAND, 2, 0);
        assertTrue(lines[10], "unmasking delivers the pending level");
        d.raise(false);
        assertEquals(0, d.readConfig(PciDevice.STATUS, 2) & 0x08);
    }

    @Test
    void sharedPirqStaysHighUntilAllFunctionsRelease() {
        PciTestDevice a = new PciTestDevice(io, memory), b = new PciTestDevice(io, memory);
        pci.bus.plug(3, 0, a);
        pci.bus.plug(7, 0, b); // (7 + 1 - 2) & 3 = 2: also PIRQC
        setPirq(2, 9);
        a.raise(true);
        b.raise(true);
        a.raise(false);
        assertTrue(lines[9]);
        b.raise(false);
        assertFalse(lines[9]);
    }

    @Test
    void firmwareStyleRoutingProgramsRoutesElcrAndInterruptLines() {
        DualPic pic = new DualPic();
        pic.attach(io);
        pci.bus.plug(2, 0, new PciTestDevice(io, memory));  // INTA# -> PIRQB
        pci.bus.plug(5, 0, new PciTestDevice(io, memory));  // INTA# -> PIRQA
        pci.routePirqs(new int[] {10, 11, -1, 9});
        assertEquals(0x0A, pirqReg(0));
        assertEquals(0x80, pirqReg(2));
        assertEquals(11, pci.bus.device(PciBus.devfn(2, 0)).readConfig(PciDevice.INTERRUPT_LINE, 1));
        assertEquals(10, pci.bus.device(PciBus.devfn(5, 0)).readConfig(PciDevice.INTERRUPT_LINE, 1));
        assertEquals(0x0E, io.in(0x4D1, 1), "IRQ 9, 10, 11 level-triggered");
        assertEquals(0x00, io.in(0x4D0, 1));
    }
}
