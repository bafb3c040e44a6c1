package org.x86play.devices.ps2;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.x86play.devices.pic.IrqLines;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

class I8042Test {
    final IoBus io = new IoBus();
    final PhysicalMemory memory = new PhysicalMemory(2 << 20);
    final int[] rises = new int[16];
    final boolean[] level = new boolean[16];
    final IrqLines lines = (irq, high) -> {
        if (high && !level[irq]) rises[irq]++;
        level[irq] = high;
    };
    int resets;
    final A20Control a20 = new A20Control(memory::setA20, true);
    final I8042 kbc = new I8042(lines, a20, () -> resets++);
    final SystemControlPortA portA = new SystemControlPortA(a20, () -> resets++);

    I8042Test() {
        kbc.attach(io);
        portA.attach(io);
    }

    void cmd(int c) { io.out(0x64, 1, c); }

    void data(int d) { io.out(0x60, 1, d); }

    int status() { return io.in(0x64, 1); }

    /** Reads everything in the output buffer (as a polling driver would). */
    List<Integer> drain() {
        List<Integer> out = new ArrayList<>();
        while ((status() & 1) != 0) out.add(io.in(0x60, 1));
        return out;
    }

    @Test
    void selfTestAndInterfaceTests() {
        cmd(0xAA);
        assertEquals(0x01, status() & 0x01, "OBF");
        assertEquals(0x08, status() & 0x08, "A2: last write was a command");
        assertEquals(List.of(0x55), drain());
        cmd(0xAB);
        assertEquals(List.of(0x00), drain());
        cmd(0xA9);
        assertEquals(List.of(0x00), drain());
        assertEquals(0, status() & 1);
    }

    @Test
    void commandByteReadWrite() {
        cmd(0x20);
        assertEquals(List.of(0x45), drain(), "power-on command byte: translate, SYS, keyboard IRQ");
        cmd(0x60);
        data(0x65);
        assertEquals(0x65, kbc.commandByte());
        cmd(0x20);
        assertEquals(List.of(0x65), drain());
        assertEquals(0x04, status() & 0x04, "SYS flag mirrors command byte bit 2");
    }

    @Test
    void linuxAuxProbeSequence() {
        // i8042_controller_init: disable both ports and interrupts via the CTR.
        cmd(0x60);
        data(0x74); // translate, aux off, kbd off, SYS
        cmd(0xD3);  // aux loopback
        data(0x5A);
        assertEquals(0x21, status() & 0x21, "OBF with AUXB");
        assertEquals(0x5A, io.in(0x60, 1));
        cmd(0xA8);
        cmd(0x20);
        assertEquals(0, drain().get(0) & 0x20, "aux enabled clears CTR bit 5");
        cmd(0xA7);
        cmd(0x20);
        assertEquals(0x20, drain().get(0) & 0x20);
        cmd(0xD4);
        data(0xFF); // reset the mouse while its port is disabled: the reply waits
        assertEquals(0, status() & 1);
        cmd(0xA8);
        assertEquals(0x21, status() & 0x21);
        assertEquals(List.of(0xFA, 0xAA, 0x00), drain(), "ACK, BAT passed, device ID 0");
    }

    void mouse(int b) { cmd(0xD4); data(b); }

    @Test
    void mouseCommandsAndPackets() {
        cmd(0x60);
        data(0x47);
        mouse(0xF2);
        assertEquals(List.of(0xFA, 0x00), drain());
        mouse(0xF3);
        mouse(40);
        mouse(0xE8);
        mouse(3);
        assertEquals(List.of(0xFA, 0xFA, 0xFA, 0xFA), drain());
        mouse(0xE9);
        assertEquals(List.of(0xFA, 0x00, 3, 40), drain());
        kbc.mouseEvent(5, 5, 0);
        assertEquals(List.of(), drain(), "no packets before data reporting is enabled");
        mouse(0xF4);
        assertEquals(List.of(0xFA), drain());
        kbc.mouseEvent(-3, 10, 1);
        assertTrue(level[12]);
        assertEquals(0x20, status() & 0x20, "AUXB");
        assertEquals(List.of(0x09 | 0x10, 0xFD, 10), drain(), "left button, x negative, y up");
        kbc.mouseEvent(300, -1, 0);
        assertEquals(List.of(0x08 | 0x40 | 0x20, 0xFF, 0xFF), drain(), "x overflow clamps, y negative");
        mouse(0xF5);
        kbc.mouseEvent(1, 1, 0);
        assertEquals(List.of(0xFA), drain(), "reporting off: no packet");
        mouse(0xF0); // remote mode
        kbc.mouseEvent(2, 3, 4);
        kbc.mouseEvent(2, 3, 4);
        assertEquals(List.of(0xFA), drain(), "remote mode: nothing until asked");
        mouse(0xEB); // read data: the accumulated motion
        assertEquals(List.of(0xFA, 0x0C, 4, 6), drain());
    }

    @Test
    void keyboardResetAndIdentify() {
        data(0xFF);
        assertEquals(List.of(0xFA, 0xAA), drain());
        data(0xF2);
        assertEquals(List.of(0xFA, 0xAB, 0x41), drain(), "ID byte 0x83 translated to 0x41");
        cmd(0x60);
        data(0x05); // translation off
        data(0xF2);
        assertEquals(List.of(0xFA, 0xAB, 0x83), drain());
        data(0xEE);
        assertEquals(List.of(0xEE), drain());
        data(0x42);
        assertEquals(List.of(0xFE), drain(), "unknown command: resend");
    }

    @Test
    void ledsTypematicAndScancodeSet() {
        data(0xED);
        data(0x07);
        assertEquals(List.of(0xFA, 0xFA), drain());
        assertEquals(7, kbc.keyboard().leds());
        data(0xF3);
        data(0x20);
        assertEquals(List.of(0xFA, 0xFA), drain());
        assertEquals(0x20, kbc.keyboard().typematic());
        data(0xF0);
        data(0x00);
        assertEquals(List.of(0xFA, 0xFA, 0x41), drain(), "ACK, ACK, set 2 (translated)");
        data(0xF0);
        data(0x01);
        assertEquals(List.of(0xFA, 0xFA), drain());
        assertEquals(1, kbc.keyboard().scancodeSet());
        cmd(0x60);
        data(0x01);
        data(0xF0);
        data(0x00);
        assertEquals(List.of(0xFA, 0xFA, 0x01), drain());
    }

    @Test
    void keysAreTranslatedToSet1() {
        kbc.keyDown(0x1E); // A
        kbc.keyUp(0x1E);
        kbc.keyDown(0xE048); // cursor up
        kbc.keyUp(0xE048);
        kbc.keyDown(0x41); // F7 (set 2 code 0x83)
        assertEquals(List.of(0x1E, 0x9E, 0xE0, 0x48, 0xE0, 0xC8, 0x41), drain());
    }

    @Test
    void untranslatedKeysAreSet2() {
        cmd(0x60);
        data(0x05);
        kbc.keyDown(0x1E);
        kbc.keyUp(0x1E);
        kbc.keyDown(0xE048);
        kbc.keyUp(0xE048);
        kbc.keyDown(0x01); // Esc
        kbc.keyDown(0x1C); // Enter
        assertEquals(List.of(0x1C, 0xF0, 0x1C, 0xE0, 0x75, 0xE0, 0xF0, 0x75, 0x76, 0x5A), drain());
    }

    @Test
    void set1KeysPassThrough() {
        cmd(0x60);
        data(0x05);
        data(0xF0);
        data(0x01);
        drain();
        kbc.keyDown(0x2C);
        kbc.keyUp(0x2C);
        assertEquals(List.of(0x2C, 0xAC), drain());
    }

    @Test
    void irq1ForEveryKeyboardByte() {
        kbc.keyDown(0x1E);
        kbc.keyUp(0x1E);
        assertTrue(level[1]);
        assertEquals(1, rises[1]);
        io.in(0x60, 1);
        assertTrue(level[1], "the next byte is waiting");
        assertEquals(2, rises[1], "a new edge for it");
        io.in(0x60, 1);
        assertFalse(level[1]);
        cmd(0x60);
        data(0x44); // keyboard interrupt off
        kbc.keyDown(0x1E);
        assertFalse(level[1]);
        assertEquals(1, status() & 1);
    }

    @Test
    void disabledKeyboardHoldsKeysUntilEnabled() {
        cmd(0xAD);
        kbc.keyDown(0x10);
        assertEquals(0, status() & 1);
        cmd(0xAE);
        assertEquals(List.of(0x10), drain());
    }

    @Test
    void scanningDisabledDropsKeys() {
        data(0xF5);
        assertEquals(List.of(0xFA), drain());
        kbc.keyDown(0x10);
        assertEquals(List.of(), drain());
        data(0xF4);
        kbc.keyDown(0x10);
        assertEquals(List.of(0xFA, 0x10), drain());
    }

    @Test
    void a20ThroughTheOutputPort() {
        assertTrue(memory.isA20Enabled());
        cmd(0xD0);
        int port = drain().get(0);
        assertEquals(0x03, port & 0x03, "reset line high, A20 on");
        cmd(0xD1);
        data(0xDD); // A20 off (HIMEM.SYS style)
        assertFalse(memory.isA20Enabled());
        cmd(0xD0);
        assertEquals(0, drain().get(0) & 0x02);
        cmd(0xD1);
        data(0xDF);
        assertTrue(memory.isA20Enabled());
        assertEquals(0, resets);
    }

    @Test
    void resetThroughPulseAndOutputPort() {
        cmd(0xFE);
        assertEquals(1, resets);
        cmd(0xFF); // pulse nothing
        assertEquals(1, resets);
        cmd(0xD1);
        data(0x02); // bit 0 low: reset
        assertEquals(2, resets);
    }

    @Test
    void fastA20AndResetThroughPort92() {
        cmd(0xD1);
        data(0xDD);
        assertFalse(memory.isA20Enabled());
        io.out(0x92, 1, 0x02);
        assertTrue(memory.isA20Enabled(), "port 0x92 bit 1 ORs in");
        assertEquals(0x02, io.in(0x92, 1) & 0x03);
        io.out(0x92, 1, 0x00);
        assertFalse(memory.isA20Enabled());
        io.out(0x92, 1, 0x03);
        assertEquals(1, resets);
        assertEquals(0x02, io.in(0x92, 1) & 0x03, "reset bit reads back clear");
    }

    @Test
    void translationTableSpotChecks() {
        assertEquals(0x01, ScancodeTranslation.toSet1(0x76)); // Esc
        assertEquals(0x1C, ScancodeTranslation.toSet1(0x5A)); // Enter
        assertEquals(0x39, ScancodeTranslation.toSet1(0x29)); // Space
        assertEquals(0x58, ScancodeTranslation.toSet1(0x07)); // F12
        assertEquals(0xFA, ScancodeTranslation.toSet1(0xFA)); // ACK passes
        for (int s1 = 1; s1 <= 0x58; s1++) {
            int s2 = ScancodeTranslation.set1ToSet2(s1);
            if (s2 != 0) assertEquals(s1, ScancodeTranslation.toSet1(s2), "round trip of set 1 code " + s1);
        }
    }

    @Test
    void auxLoopbackRaisesIrq12WhenEnabled() {
        // Linux i8042_check_aux: aux port enabled with its interrupt, loopback byte must arrive on IRQ12.
        cmd(0x60);
        data(0x47); // translate, SYS, aux + kbd interrupts
        cmd(0xA8);
        cmd(0xD3);
        data(0xA5);
        assertTrue(level[12]);
        assertFalse(level[1]);
        assertEquals(0xA5, io.in(0x60, 1));
        assertFalse(level[12]);
    }

    @Test
    void controllerRepliesWaitBehindTheOutputBuffer() {
        kbc.keyDown(0x1E);
        cmd(0x20);
        cmd(0xAA);
        assertEquals(List.of(0x1E, 0x45, 0x55), drain(), "nothing is lost or reordered");
    }
}
