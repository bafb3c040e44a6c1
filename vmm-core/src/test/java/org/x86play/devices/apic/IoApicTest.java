package org.x86play.devices.apic;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.time.VirtualClock;

/** The 82093AA I/O APIC delivering to a real {@link LocalApic}. */
class IoApicTest {
    final LocalApic apic = new LocalApic(new VirtualClock());
    final IoApic io = new IoApic(1, apic);

    IoApicTest() {
        apic.writeRegister(LocalApic.SVR, 0x1FF);
        apic.setEoiListener(io::eoi);
    }

    int reg(int index) {
        io.write(IoApic.IOREGSEL, 4, index);
        return io.read(IoApic.IOWIN, 4);
    }

    void setReg(int index, int value) {
        io.write(IoApic.IOREGSEL, 4, index);
        io.write(IoApic.IOWIN, 4, value);
    }

    void route(int pin, int low, int destination) {
        setReg(0x11 + 2 * pin, destination << 24);
        setReg(0x10 + 2 * pin, low);
    }

    /** INTA + EOI at the local APIC; returns the vector or -1 with nothing pending. */
    int take() {
        if (!apic.hasInterrupt()) return -1;
        int v = apic.acknowledge();
        apic.writeRegister(LocalApic.EOI, 0);
        return v;
    }

    @Test
    void identificationAndResetState() {
        assertEquals(0x01000000, reg(0x00));
        assertEquals(0x00170011, reg(0x01));
        assertEquals(0x01000000, reg(0x02));
        setReg(0x00, 0x0F000000);
        assertEquals(0x0F000000, reg(0x00));
        setReg(0x01, 0);
        assertEquals(IoApic.VERSION, reg(0x01), "read-only");
        for (int pin = 0; pin < 24; pin++) {
            assertEquals(0x00010000, reg(0x10 + 2 * pin), "pin " + pin);
            assertEquals(0, reg(0x11 + 2 * pin));
        }
        assertEquals(0, reg(0x40), "beyond entry 23");
        io.write(IoApic.IOREGSEL, 1, 0x12);
        assertEquals(0x12, io.read(IoApic.IOREGSEL, 4));
    }

    @Test
    void redirectionEntryBits() {
        setReg(0x10 + 2 * 5, 0xFFFFFFFF);
        assertEquals(0x0001AFFF, reg(0x10 + 2 * 5), "delivery status and remote IRR read-only");
        setReg(0x11 + 2 * 5, 0xFFFFFFFF);
        assertEquals(0xFF000000, reg(0x11 + 2 * 5));
        io.write(IoApic.IOWIN, 2, 0);                  // IOWIN takes 32-bit accesses only
        assertEquals(0xFF000000, reg(0x11 + 2 * 5));
    }

    @Test
    void edgeTriggeredPinsDeliverOnRisingEdgesOnly() {
        route(4, 0x34, 0);
        io.setPin(4, true);
        assertEquals(0x34, take());
        io.setPin(4, true);                            // still high: no new edge
        assertEquals(-1, take());
        io.setPin(4, false);
        assertEquals(-1, take());
        io.setPin(4, true);
        assertEquals(0x34, take());
        assertEquals(0, apic.readRegister(LocalApic.TMR + 0x10), "edge: TMR clear");
    }

    @Test
    void maskedEdgesAreLost() {
        route(3, IoApic.MASKED | 0x33, 0);
        io.setPin(3, true);
        io.setPin(3, false);
        route(3, 0x33, 0);
        assertEquals(-1, take());
        io.setPin(3, true);
        assertEquals(0x33, take());
    }

    @Test
    void levelTriggeredPinHoldsRemoteIrrUntilEoi() {
        route(10, IoApic.LEVEL | 0x3A, 0);
        io.setPin(10, true);
        assertEquals(IoApic.REMOTE_IRR, reg(0x10 + 20) & IoApic.REMOTE_IRR);
        assertTrue(apic.hasInterrupt());
        assertEquals(1 << 0x1A, apic.readRegister(LocalApic.TMR + 0x10), "level: TMR set");
        int v = apic.acknowledge();
        assertEquals(0x3A, v);
        io.setPin(10, true);
        assertFalse(apic.hasInterrupt(), "no redelivery before the EOI");
        apic.writeRegister(LocalApic.EOI, 0);          // broadcast: still asserted, so delivered again
        assertTrue(apic.hasInterrupt());
        assertEquals(IoApic.REMOTE_IRR, reg(0x10 + 20) & IoApic.REMOTE_IRR);
        apic.acknowledge();
        io.setPin(10, false);                          // the device is serviced
        apic.writeRegister(LocalApic.EOI, 0);
        assertEquals(0, reg(0x10 + 20) & IoApic.REMOTE_IRR);
        assertFalse(apic.hasInterrupt());
    }

    @Test
    void eoiWithAnotherVectorLeavesRemoteIrrSet() {
        route(9, IoApic.LEVEL | 0x39, 0);
        io.setPin(9, true);
        io.eoi(0x38);
        assertEquals(IoApic.REMOTE_IRR, reg(0x10 + 18) & IoApic.REMOTE_IRR);
        io.eoi(0x39);
        assertEquals(IoApic.REMOTE_IRR, reg(0x10 + 18) & IoApic.REMOTE_IRR, "cleared and immediately re-sent");
        io.setPin(9, false);
        io.eoi(0x39);
        assertEquals(0, reg(0x10 + 18) & IoApic.REMOTE_IRR);
    }

    @Test
    void unmaskingAnAssertedLevelPinDelivers() {
        route(11, IoApic.MASKED | IoApic.LEVEL | 0x3B, 0);
        io.setPin(11, true);
        assertEquals(-1, take());
        assertEquals(0, reg(0x10 + 22) & IoApic.REMOTE_IRR);
        route(11, IoApic.LEVEL | 0x3B, 0);
        assertTrue(apic.hasInterrupt());
    }

    @Test
    void activeLowPolarity() {
        io.setPin(7, true);                            // idle high
        route(7, IoApic.ACTIVE_LOW | 0x37, 0);
        assertEquals(-1, take());
        io.setPin(7, false);                           // asserting edge
        assertEquals(0x37, take());
        io.setPin(7, true);
        assertEquals(-1, take());
    }

    @Test
    void destinationsPhysicalLogicalAndBroadcast() {
        route(5, 0x35, 1);                             // physical APIC 1: not us
        io.setPin(5, true);
        assertEquals(-1, take());
        io.setPin(5, false);
        route(5, 0x35, 0xFF);                          // broadcast
        io.setPin(5, true);
        assertEquals(0x35, take());
        io.setPin(5, false);
        apic.writeRegister(LocalApic.LDR, 0x02000000);
        route(5, IoApic.LOGICAL | 0x36, 0x02);
        io.setPin(5, true);
        assertEquals(0x36, take());
        io.setPin(5, false);
        route(5, IoApic.LOGICAL | 0x37, 0x01);
        io.setPin(5, true);
        assertEquals(-1, take());
    }

    @Test
    void levelMessageNotAcceptedLeavesRemoteIrrClear() {
        apic.writeRegister(LocalApic.SVR, 0x0FF);      // software-disabled local APIC
        route(12, IoApic.LEVEL | 0x3C, 0);
        io.setPin(12, true);
        assertEquals(0, reg(0x10 + 24) & IoApic.REMOTE_IRR);
        apic.writeRegister(LocalApic.SVR, 0x1FF);
        route(12, IoApic.LEVEL | 0x3C, 0);             // re-writing the entry re-checks the pin
        assertEquals(0x3C, take());
    }

    @Test
    void pinsOutOfRangeAreIgnored() {
        io.setPin(24, true);
        io.setPin(-1, true);
        assertEquals(-1, take());
    }
}
