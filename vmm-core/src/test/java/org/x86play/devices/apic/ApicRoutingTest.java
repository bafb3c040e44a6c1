package org.x86play.devices.apic;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.devices.pic.DualPic;
import org.x86play.io.IoBus;
import org.x86play.time.VirtualClock;

/** ISA IRQ routing to PIC and I/O APIC, and the combined interrupt controller (virtual-wire mode). */
class ApicRoutingTest {
    final VirtualClock clock = new VirtualClock();
    final DualPic pic = new DualPic();
    final IoBus ports = new IoBus();
    final LocalApic apic = new LocalApic(clock);
    final IoApic io = new IoApic(1, apic);
    final IsaIrqRouter irqs = new IsaIrqRouter(pic, io);
    final ApicInterruptController ic = new ApicInterruptController(apic, pic, clock);

    ApicRoutingTest() {
        apic.setEoiListener(io::eoi);
        pic.attach(ports);
        // 8259A pair at vectors 0x20/0x28, nothing masked.
        ports.out(0x20, 1, 0x11); ports.out(0x21, 1, 0x20); ports.out(0x21, 1, 0x04); ports.out(0x21, 1, 0x01);
        ports.out(0xA0, 1, 0x11); ports.out(0xA1, 1, 0x28); ports.out(0xA1, 1, 0x02); ports.out(0xA1, 1, 0x01);
        ports.out(0x21, 1, 0);
        ports.out(0xA1, 1, 0);
    }

    void ioRoute(int pin, int vector) {
        io.writeRegister(0x11 + 2 * pin, 0);
        io.writeRegister(0x10 + 2 * pin, vector);
    }

    @Test
    void pinMapping() {
        assertEquals(2, IsaIrqRouter.pinOf(0));
        assertEquals(1, IsaIrqRouter.pinOf(1));
        assertEquals(-1, IsaIrqRouter.pinOf(2));
        assertEquals(8, IsaIrqRouter.pinOf(8));
        assertEquals(15, IsaIrqRouter.pinOf(15));
        assertEquals(-1, IsaIrqRouter.pinOf(16));
    }

    @Test
    void irq0ReachesBothThePicAndIoApicPin2() {
        apic.writeRegister(LocalApic.SVR, 0x1FF);
        ioRoute(2, 0x50);
        ioRoute(0, 0x60);
        irqs.raise(0);
        assertEquals(1, pic.irr(false) & 1, "PIC IRQ0");
        assertTrue(apic.hasInterrupt());
        assertEquals(0x50, apic.acknowledge(), "I/O APIC pin 2, not pin 0");
        apic.writeRegister(LocalApic.EOI, 0);
        assertFalse(apic.hasInterrupt());
        irqs.pulse(5);
        ioRoute(5, 0x55);
        irqs.pulse(5);
        assertEquals(0x20, pic.irr(false) & 0x20);
        assertEquals(0x55, apic.acknowledge());
    }

    @Test
    void softwareDisabledApicPassesThePicStraightThrough() {
        irqs.raise(1);
        assertTrue(ic.hasInterrupt());
        assertEquals(0x21, ic.acknowledge());
        assertEquals(0x02, pic.isr(false));
    }

    @Test
    void virtualWireModeTakesTheVectorFromThePic() {
        apic.writeRegister(LocalApic.SVR, 0x1FF);
        irqs.raise(3);
        assertFalse(ic.hasInterrupt(), "LINT0 masked: the PIC is ignored");
        apic.writeRegister(LocalApic.LVT_LINT0, 0x700);  // ExtINT
        assertTrue(ic.hasInterrupt());
        apic.deliver(0x90, ApicMessageSink.FIXED, false, false, 0);
        assertEquals(0x23, ic.acknowledge(), "ExtINT first, vector from the PIC's INTA");
        assertEquals(0, apic.readRegister(LocalApic.ISR + 0x40), "ExtINT bypasses ISR");
        assertEquals(0x90, ic.acknowledge(), "then the APIC's own interrupt");
        assertFalse(ic.hasInterrupt());
    }

    @Test
    void lint0MaskedIgnoresThePicButApicInterruptsStillFlow() {
        apic.writeRegister(LocalApic.SVR, 0x1FF);
        apic.writeRegister(LocalApic.LVT_LINT0, 0x10700);
        ioRoute(4, 0x44);
        irqs.raise(4);
        assertTrue(ic.hasInterrupt());
        assertEquals(0x44, ic.acknowledge());
        assertEquals(0, pic.isr(false), "the PIC saw no INTA");
        assertFalse(ic.hasInterrupt());
    }

    @Test
    void globallyDisabledApicPassesThePicThrough() {
        apic.writeRegister(LocalApic.SVR, 0x1FF);
        apic.writeRegister(LocalApic.LVT_LINT0, 0x10700);
        assertTrue(apic.setApicBase(0xFEE00000));
        irqs.raise(6);
        assertTrue(ic.hasInterrupt());
        assertEquals(0x26, ic.acknowledge());
    }

    @Test
    void ioApicExtIntEntryPassesOnePicInterrupt() {
        apic.writeRegister(LocalApic.SVR, 0x1FF);       // LINT0 masked
        io.writeRegister(0x10, 0x700);                 // pin 0: ExtINT
        irqs.raise(7);
        assertFalse(ic.hasInterrupt());
        io.setPin(0, true);
        assertTrue(ic.hasInterrupt());
        assertEquals(0x27, ic.acknowledge());
        assertFalse(apic.picConnected(), "the latched ExtINT was consumed");
    }
}
