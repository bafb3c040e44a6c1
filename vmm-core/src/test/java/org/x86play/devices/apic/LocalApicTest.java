package org.x86play.devices.apic;

import static org.junit.jupiter.api.Assertions.*;
import static org.x86play.devices.apic.LocalApic.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.x86play.time.VirtualClock;

/** Local APIC registers, acceptance, priority and EOI against SDM Vol. 3 ch. 10. */
class LocalApicTest {
    final LocalApic apic = new LocalApic(new VirtualClock());
    final List<Integer> eois = new ArrayList<>();

    LocalApicTest() {
        apic.setEoiListener(eois::add);
    }

    void enable() { apic.writeRegister(SVR, 0x1FF); }

    /** A fixed, edge-triggered interrupt message to physical APIC ID 0. */
    boolean fixed(int vector) { return apic.deliver(vector, ApicMessageSink.FIXED, false, false, 0); }

    boolean irrHas(int v) { return (apic.readRegister(IRR + (v >>> 5 << 4)) & (1 << (v & 31))) != 0; }

    boolean isrHas(int v) { return (apic.readRegister(ISR + (v >>> 5 << 4)) & (1 << (v & 31))) != 0; }

    int readEsr() {
        apic.writeRegister(ESR, 0);
        return apic.readRegister(ESR);
    }

    @Test
    void resetValues() {
        assertEquals(0, apic.readRegister(ID));
        assertEquals(0x00050014, apic.readRegister(VER));
        assertEquals(0, apic.readRegister(TPR));
        assertEquals(0, apic.readRegister(PPR));
        assertEquals(0, apic.readRegister(LDR));
        assertEquals(0xFFFFFFFF, apic.readRegister(DFR));
        assertEquals(0xFF, apic.readRegister(SVR));
        for (int r = LVT_TIMER; r <= LVT_ERROR; r += 0x10) assertEquals(0x10000, apic.readRegister(r), Integer.toHexString(r));
        assertEquals(0, apic.readRegister(TIMER_INITIAL));
        assertEquals(0, apic.readRegister(TIMER_CURRENT));
        assertEquals(0, apic.readRegister(TIMER_DIVIDE));
        assertEquals(0xFEE00900, apic.apicBase());
        assertFalse(apic.softwareEnabled());
        assertFalse(apic.hasInterrupt());
        assertTrue(apic.picConnected());
    }

    @Test
    void mmioAccessRulesAndWritableBits() {
        apic.write(TPR, 4, 0x1234);
        assertEquals(0x34, apic.read(TPR, 4));
        apic.write(TPR, 1, 0x55);            // not a 32-bit access: ignored
        apic.write(TPR + 4, 4, 0x66);        // not the first dword of the register: ignored
        assertEquals(0x34, apic.read(TPR, 4));
        assertEquals(0, apic.read(TPR + 4, 4));
        assertEquals(0x00, apic.read(VER + 1, 1));   // byte reads see the register's bytes
        assertEquals(0x05, apic.read(VER + 2, 1));
        apic.write(VER, 4, 0);               // read-only
        assertEquals(VERSION, apic.read(VER, 4));
        apic.write(DFR, 4, 0);
        assertEquals(0x0FFFFFFF, apic.read(DFR, 4));
        apic.write(LDR, 4, 0x12345678);
        assertEquals(0x12000000, apic.read(LDR, 4));
        apic.write(ID, 4, 0x07ABCDEF);
        assertEquals(0x07000000, apic.read(ID, 4));
        apic.write(SVR, 4, 0xFFFFFFFF);
        assertEquals(0x3FF, apic.read(SVR, 4));
        apic.write(LVT_LINT0, 4, 0xFFFFFFFF);  // remote IRR and delivery status are read-only
        assertEquals(0x0001A7FF, apic.read(LVT_LINT0, 4));
        apic.write(LVT_TIMER, 4, 0xFFFFFFFF);  // no TSC-deadline mode: bit 18 stays clear
        assertEquals(0x000300FF, apic.read(LVT_TIMER, 4));
        apic.write(LVT_ERROR, 4, 0xFFFFFFFF);
        assertEquals(0x000100FF, apic.read(LVT_ERROR, 4));
    }

    @Test
    void acceptanceSetsIrrAndAcknowledgeMovesItToIsr() {
        enable();
        assertTrue(fixed(0x45));
        assertTrue(irrHas(0x45));
        assertEquals(1 << 5, apic.readRegister(IRR + 0x20));
        assertTrue(apic.hasInterrupt());
        assertEquals(0x45, apic.acknowledge());
        assertFalse(irrHas(0x45));
        assertTrue(isrHas(0x45));
        assertEquals(0x40, apic.readRegister(PPR));
        assertFalse(apic.hasInterrupt());
    }

    @Test
    void highestPriorityFirstAndOnlyHigherClassesPreempt() {
        enable();
        fixed(0x31);
        fixed(0x85);
        fixed(0x62);
        assertEquals(0x85, apic.acknowledge());
        assertFalse(apic.hasInterrupt(), "0x62 is below the in-service class 8");
        fixed(0x8F);
        assertFalse(apic.hasInterrupt(), "same class as the in-service vector");
        fixed(0x90);
        assertTrue(apic.hasInterrupt());
        assertEquals(0x90, apic.acknowledge());
        apic.writeRegister(EOI, 0);            // retires 0x90, the highest in service
        assertTrue(isrHas(0x85));
        assertFalse(isrHas(0x90));
        apic.writeRegister(EOI, 0);            // retires 0x85
        assertEquals(0x8F, apic.acknowledge());
        apic.writeRegister(EOI, 0);
        assertEquals(0x62, apic.acknowledge());
        apic.writeRegister(EOI, 0);
        assertEquals(0x31, apic.acknowledge());
        apic.writeRegister(EOI, 0);
        assertFalse(apic.hasInterrupt());
        assertEquals(0, apic.readRegister(ISR + 0x10) | apic.readRegister(ISR + 0x40));
    }

    @Test
    void taskPriorityMasksClassesAtOrBelowIt() {
        enable();
        apic.writeRegister(TPR, 0x52);
        assertEquals(0x52, apic.readRegister(PPR));
        fixed(0x51);
        fixed(0x5F);
        assertFalse(apic.hasInterrupt(), "class 5 is not above PPR class 5");
        assertEquals(0xFF, apic.acknowledge(), "nothing deliverable: the spurious vector");
        assertTrue(irrHas(0x5F), "the spurious INTA leaves IRR alone");
        fixed(0x61);
        assertEquals(0x61, apic.acknowledge());
        assertEquals(0x60, apic.readRegister(PPR), "ISRV class 6 above TPR class 5");
        apic.writeRegister(TPR, 0x70);
        assertEquals(0x70, apic.readRegister(PPR));
        apic.writeRegister(EOI, 0);
        apic.writeRegister(TPR, 0);
        assertEquals(0, apic.readRegister(PPR));
        assertEquals(0x5F, apic.acknowledge());
    }

    @Test
    void eoiBroadcastsOnlyLevelTriggeredVectors() {
        enable();
        apic.deliver(0x33, ApicMessageSink.FIXED, true, false, 0);
        assertEquals(1 << 0x13, apic.readRegister(TMR + 0x10));
        fixed(0x44);
        assertEquals(0x44, apic.acknowledge());
        apic.writeRegister(EOI, 0);
        assertEquals(List.of(), eois);
        assertEquals(0x33, apic.acknowledge());
        apic.writeRegister(EOI, 0);
        assertEquals(List.of(0x33), eois);
        apic.writeRegister(EOI, 0);            // nothing in service: no effect
        assertEquals(List.of(0x33), eois);
    }

    @Test
    void illegalVectorsAreLoggedInTheErrorStatusRegister() {
        enable();
        apic.writeRegister(LVT_ERROR, 0xFE);
        assertFalse(fixed(0x0E));
        assertEquals(0, apic.readRegister(ESR), "ESR shows errors only after a write");
        assertTrue(irrHas(0xFE), "the first error raises the error LVT");
        assertEquals(ESR_RECEIVE_ILLEGAL_VECTOR, readEsr());
        assertEquals(0, readEsr(), "the write cleared the logged errors");
        apic.writeRegister(ICR_LOW, 0x00040003);   // self IPI, vector 3
        assertEquals(ESR_SEND_ILLEGAL_VECTOR, readEsr());
        assertFalse(irrHas(3));
    }

    @Test
    void errorInterruptIsRearmedByAnEsrWrite() {
        enable();
        apic.writeRegister(LVT_ERROR, 0xFE);
        fixed(1);
        assertEquals(0xFE, apic.acknowledge());
        apic.writeRegister(EOI, 0);
        fixed(2);
        assertFalse(apic.hasInterrupt(), "not rearmed yet");
        apic.writeRegister(ESR, 0);
        fixed(3);
        assertEquals(0xFE, apic.acknowledge());
    }

    @Test
    void softwareDisabledApicRefusesInterruptsAndKeepsLvtsMasked() {
        apic.writeRegister(SVR, 0x0EF);             // vector 0xEF, disabled
        assertFalse(fixed(0x40));
        assertFalse(irrHas(0x40));
        assertEquals(0xEF, apic.acknowledge(), "spurious vector from SVR");
        apic.writeRegister(LVT_TIMER, 0x40);
        assertEquals(0x10040, apic.readRegister(LVT_TIMER), "mask cannot be cleared while disabled");
        apic.writeRegister(SVR, 0x1EF);
        apic.writeRegister(LVT_TIMER, 0x40);
        apic.writeRegister(LVT_LINT0, 0x700);
        assertEquals(0x40, apic.readRegister(LVT_TIMER));
        apic.writeRegister(SVR, 0x0EF);
        assertEquals(0x10040, apic.readRegister(LVT_TIMER), "disabling masks every LVT");
        assertEquals(0x10700, apic.readRegister(LVT_LINT0));
    }

    @Test
    void ipisReachThisProcessorBySelfShorthandOrMatchingDestination() {
        enable();
        apic.writeRegister(ICR_LOW, 0x00040041);    // self
        apic.writeRegister(ICR_LOW, 0x00080042);    // all including self
        apic.writeRegister(ICR_LOW, 0x000C0043);    // all excluding self
        apic.writeRegister(ICR_HIGH, 0x00000000);
        apic.writeRegister(ICR_LOW, 0x00000044);    // physical destination 0 = us
        apic.writeRegister(ICR_HIGH, 0x01000000);
        apic.writeRegister(ICR_LOW, 0x00000045);    // physical destination 1: nobody
        apic.writeRegister(ICR_LOW, 0x00000546);    // INIT: no other processors, no effect
        apic.writeRegister(ICR_LOW, 0x00000647);    // start-up
        assertTrue(irrHas(0x41));
        assertTrue(irrHas(0x42));
        assertFalse(irrHas(0x43));
        assertTrue(irrHas(0x44));
        assertFalse(irrHas(0x45));
        assertFalse(irrHas(0x46));
        assertFalse(irrHas(0x47));
        assertEquals(0x01000000, apic.readRegister(ICR_HIGH));
        assertEquals(0x00000647, apic.readRegister(ICR_LOW), "delivery status reads idle");
        assertEquals(0, readEsr());
    }

    @Test
    void logicalDestinationsFlatAndCluster() {
        enable();
        apic.writeRegister(LDR, 0x04000000);
        assertTrue(apic.addressed(true, 0x06));
        assertFalse(apic.addressed(true, 0x02));
        assertTrue(apic.addressed(true, 0xFF));
        assertTrue(apic.addressed(false, 0x00));
        assertFalse(apic.addressed(false, 0x04));
        apic.writeRegister(DFR, 0x0FFFFFFF);        // cluster model
        apic.writeRegister(LDR, 0x21000000);        // cluster 2, member bit 0
        assertTrue(apic.addressed(true, 0x23));
        assertFalse(apic.addressed(true, 0x31));
        assertFalse(apic.addressed(true, 0x22));
        assertTrue(apic.deliver(0x50, ApicMessageSink.LOWEST_PRIORITY, false, true, 0x21));
        assertFalse(apic.deliver(0x51, ApicMessageSink.FIXED, false, true, 0x11));
        assertFalse(apic.deliver(0x52, ApicMessageSink.NMI, false, false, 0));
        assertTrue(irrHas(0x50));
        assertFalse(irrHas(0x51));
    }

    @Test
    void lint0InExtIntModeConnectsThePicOnlyWhenUnmasked() {
        assertTrue(apic.picConnected(), "software-disabled: the PIC goes straight to the CPU");
        enable();
        assertFalse(apic.picConnected(), "LINT0 masked");
        apic.writeRegister(LVT_LINT0, 0x700);
        assertTrue(apic.picConnected(), "virtual wire");
        apic.writeRegister(LVT_LINT0, 0x000);       // fixed mode
        assertFalse(apic.picConnected());
        apic.writeRegister(LVT_LINT0, 0x10700);
        assertFalse(apic.picConnected());
        assertTrue(apic.setApicBase(0xFEE00000));   // globally disabled
        assertTrue(apic.picConnected());
    }

    @Test
    void globalDisableStopsDeliveryAndResetsRegisters() {
        enable();
        apic.writeRegister(TPR, 0x20);
        fixed(0x80);
        assertTrue(apic.setApicBase(0xFEE00100));   // BSP bit written, enable clear
        assertEquals(0xFEE00100, apic.apicBase());
        assertFalse(apic.hasInterrupt());
        assertFalse(fixed(0x90));
        assertTrue(apic.setApicBase(0xFEE00800));
        assertEquals(0xFEE00900, apic.apicBase(), "BSP stays set");
        assertEquals(0, apic.readRegister(TPR));
        assertEquals(0xFF, apic.readRegister(SVR));
        assertFalse(irrHas(0x80));
        assertFalse(apic.setApicBase(0xFEE00A00), "bit 9 reserved");
        assertFalse(apic.setApicBase(0xFEE00C00), "bit 10 (x2APIC) reserved");
        assertFalse(apic.setApicBase(0xFEE00801), "bits 7:0 reserved");
        assertEquals(0xFEE00900, apic.apicBase());
    }
}
