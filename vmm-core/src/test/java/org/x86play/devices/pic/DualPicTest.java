package org.x86play.devices.pic;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.x86play.io.IoBus;
import org.x86play.time.VirtualClock;

class DualPicTest {
    final DualPic pic = new DualPic();
    final IoBus io = new IoBus();

    @BeforeEach
    void initLikeLinux() {
        pic.attach(io);
        // Linux init_8259A / SeaBIOS: ICW1 edge+ICW4, ICW2 vector base, ICW3 cascade, ICW4 8086 mode.
        io.out(0x20, 1, 0x11); io.out(0x21, 1, 0x20); io.out(0x21, 1, 0x04); io.out(0x21, 1, 0x01);
        io.out(0xA0, 1, 0x11); io.out(0xA1, 1, 0x28); io.out(0xA1, 1, 0x02); io.out(0xA1, 1, 0x01);
        io.out(0x21, 1, 0x00);
        io.out(0xA1, 1, 0x00);
    }

    void eoiMaster() { io.out(0x20, 1, 0x20); }

    void eoiSlave() { io.out(0xA0, 1, 0x20); }

    int readIsr(int port) { io.out(port, 1, 0x0B); return io.in(port, 1); }

    int readIrr(int port) { io.out(port, 1, 0x0A); return io.in(port, 1); }

    @Test
    void initialisationSetsVectorBasesAndMask() {
        assertEquals(0x20, pic.vectorBase(false));
        assertEquals(0x28, pic.vectorBase(true));
        io.out(0x21, 1, 0xFB);
        assertEquals(0xFB, io.in(0x21, 1));
        assertFalse(pic.hasInterrupt());
    }

    @Test
    void edgeRequestIsDeliveredOnceAndNeedsEoi() {
        pic.raise(0);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x01, readIrr(0x20));
        assertEquals(0x20, pic.acknowledge());
        assertEquals(0x01, readIsr(0x20));
        assertEquals(0x00, readIrr(0x20));
        assertFalse(pic.hasInterrupt(), "line still high but no new edge");
        eoiMaster();
        assertEquals(0, readIsr(0x20));
        assertFalse(pic.hasInterrupt());
        pic.lower(0);
        pic.raise(0);
        assertTrue(pic.hasInterrupt(), "a new rising edge requests again");
    }

    @Test
    void edgeLatchSurvivesAShortPulse() {
        pic.pulse(1);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x21, pic.acknowledge());
    }

    @Test
    void fixedPriorityAndNesting() {
        pic.raise(3);
        assertEquals(0x23, pic.acknowledge());
        pic.raise(4);
        assertFalse(pic.hasInterrupt(), "IRQ4 is below IRQ3 in service");
        pic.raise(1);
        assertTrue(pic.hasInterrupt(), "IRQ1 preempts IRQ3");
        assertEquals(0x21, pic.acknowledge());
        assertEquals(0x0A, readIsr(0x20));
        eoiMaster(); // clears IRQ1, the highest in service
        assertEquals(0x08, readIsr(0x20));
        assertFalse(pic.hasInterrupt());
        eoiMaster();
        assertEquals(0x24, pic.acknowledge());
    }

    @Test
    void maskBlocksUntilUnmasked() {
        io.out(0x21, 1, 0x02);
        pic.raise(1);
        assertFalse(pic.hasInterrupt());
        assertEquals(0x02, readIrr(0x20), "requests are still latched in IRR");
        io.out(0x21, 1, 0x00);
        assertTrue(pic.hasInterrupt());
    }

    @Test
    void cascadeDeliversSlaveVectorsAndNeedsBothEois() {
        pic.raise(12);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x2C, pic.acknowledge());
        assertEquals(0x04, readIsr(0x20), "master IR2 in service");
        assertEquals(0x10, readIsr(0xA0));
        pic.raise(14);
        assertFalse(pic.hasInterrupt(), "IR2 in service blocks the slave (not special fully nested)");
        eoiSlave();
        eoiMaster();
        assertEquals(0x2E, pic.acknowledge());
    }

    @Test
    void slaveMaskedOnMasterCascadeLine() {
        io.out(0x21, 1, 0x04);
        pic.raise(8);
        assertFalse(pic.hasInterrupt());
        io.out(0x21, 1, 0x00);
        assertEquals(0x28, pic.acknowledge());
    }

    @Test
    void levelTriggeredThroughElcr() {
        io.out(0x4D1, 1, 0x04); // IRQ10 level
        assertEquals(0x04, io.in(0x4D1, 1));
        pic.raise(10);
        assertEquals(0x2A, pic.acknowledge());
        eoiSlave();
        eoiMaster();
        assertTrue(pic.hasInterrupt(), "a level input still high requests again after EOI");
        assertEquals(0x2A, pic.acknowledge());
        pic.lower(10);
        eoiSlave();
        eoiMaster();
        assertFalse(pic.hasInterrupt());
        assertEquals(0, readIrr(0xA0), "IRR follows a level input");
    }

    @Test
    void elcrReservedBitsStayEdge() {
        io.out(0x4D0, 1, 0xFF);
        io.out(0x4D1, 1, 0xFF);
        assertEquals(0xF8, io.in(0x4D0, 1), "IRQ0-2 cannot be level");
        assertEquals(0xDE, io.in(0x4D1, 1), "IRQ8 and IRQ13 cannot be level");
    }

    @Test
    void levelModeFromIcw1() {
        io.out(0x20, 1, 0x19); io.out(0x21, 1, 0x20); io.out(0x21, 1, 0x04); io.out(0x21, 1, 0x01);
        io.out(0x21, 1, 0x00);
        pic.raise(5);
        pic.lower(5);
        assertFalse(pic.hasInterrupt(), "a level request that goes away is gone");
    }

    @Test
    void autoEoiLeavesNothingInService() {
        io.out(0x20, 1, 0x11); io.out(0x21, 1, 0x20); io.out(0x21, 1, 0x04); io.out(0x21, 1, 0x03);
        io.out(0x21, 1, 0x00);
        pic.raise(4);
        assertEquals(0x24, pic.acknowledge());
        assertEquals(0, readIsr(0x20));
        pic.raise(6);
        assertTrue(pic.hasInterrupt());
    }

    @Test
    void spuriousInterruptWhenNothingIsPending() {
        assertEquals(0x27, pic.acknowledge(), "IR7 vector");
        assertEquals(0, readIsr(0x20), "spurious IRQ7 does not set ISR");
    }

    @Test
    void specificEoi() {
        pic.raise(5);
        pic.acknowledge();
        pic.raise(2 + 1);
        pic.acknowledge();
        assertEquals(0x28, readIsr(0x20));
        io.out(0x20, 1, 0x65); // specific EOI for IR5
        assertEquals(0x08, readIsr(0x20));
    }

    @Test
    void rotateOnNonSpecificEoiMakesTheServicedLevelLowest() {
        pic.raise(0);
        pic.acknowledge();
        io.out(0x20, 1, 0xA0); // rotate on non-specific EOI
        pic.lower(0);
        pic.raise(0);
        pic.raise(1);
        assertEquals(0x21, pic.acknowledge(), "IRQ0 now has the lowest priority");
        io.out(0x20, 1, 0xC7); // set priority: IR7 lowest again
        io.out(0x20, 1, 0x61); // specific EOI IR1
        assertEquals(0x20, pic.acknowledge());
    }

    @Test
    void specialMaskModeLetsLowerLevelsThrough() {
        pic.raise(3);
        pic.acknowledge();
        pic.raise(5);
        assertFalse(pic.hasInterrupt());
        io.out(0x21, 1, 0x08);  // mask IR3 (in service)
        io.out(0x20, 1, 0x68);  // OCW3: set special mask mode
        assertTrue(pic.hasInterrupt());
        assertEquals(0x25, pic.acknowledge());
        io.out(0x20, 1, 0x48);  // reset special mask mode
        io.out(0x21, 1, 0x00);
    }

    @Test
    void pollModeReadsTheHighestRequestAsAnAcknowledge() {
        pic.raise(6);
        io.out(0x20, 1, 0x0C); // OCW3 poll
        assertEquals(0x86, io.in(0x20, 1));
        assertEquals(0x40, readIsr(0x20));
        io.out(0x20, 1, 0x0C);
        assertEquals(0x00, io.in(0x20, 1), "nothing pending");
    }

    @Test
    void idleAdvancesTheClockAndTimersKeepTheCpuWakeable() {
        VirtualClock clock = new VirtualClock();
        pic.setClock(clock);
        assertFalse(pic.canInterruptLater());
        clock.newTimer("irq0", now -> pic.pulse(0)).schedule(1_000_000);
        assertTrue(pic.canInterruptLater());
        pic.idle();
        assertEquals(1_000_000, clock.now());
        assertTrue(pic.hasInterrupt());
        assertEquals(0x20, pic.acknowledge());
        boolean[] input = {true};
        pic.setExternalWake(() -> input[0]);
        assertTrue(pic.canInterruptLater());
    }
}
