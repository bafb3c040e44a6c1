package org.x86play.pci;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.memory.PhysicalMemory;

/** The i440FX PAM registers switch the BIOS area between the firmware ROM and shadow RAM. */
class PamShadowingTest {
    final PhysicalMemory mem = new PhysicalMemory(2 << 20);
    final I440fx bridge = new I440fx();

    PamShadowingTest() {
        byte[] rom = new byte[0x20000];
        java.util.Arrays.fill(rom, (byte) 0xAB);
        mem.mapRom(0xE0000, rom);        // the BIOS alias below 1 MiB, as Machine.loadBios maps it
    }

    void pam(int index, int value) { bridge.writeConfig(PamShadowing.PAM0 + index, 1, value); }

    @Test
    void firmwareBootCopiesItselfIntoShadowRamAndLocksIt() {
        bridge.enableShadowing(mem, true);
        assertEquals(0, bridge.readConfig(PamShadowing.PAM0, 1), "power-on: everything from the firmware side");
        mem.write8(0xF1000, 0x11);
        assertEquals(0xAB, mem.read8(0xF1000), "ROM ignores writes");

        pam(0, 0x30);                       // 0xF0000..0xFFFFF: read/write DRAM
        mem.write8(0xF1000, 0x11);
        assertEquals(0x11, mem.read8(0xF1000), "shadow RAM is writable");
        assertEquals(0xAB, mem.read8(0xE1000), "0xE0000 segment still from ROM (PAM5 = 0)");

        pam(0, 0x10);                       // read-only DRAM
        mem.write8(0xF1000, 0x22);
        assertEquals(0x11, mem.read8(0xF1000), "read-only shadow keeps the copy, drops writes");

        pam(0, 0x00);                       // back to the firmware side
        assertEquals(0xAB, mem.read8(0xF1000));
        pam(0, 0x30);
        assertEquals(0x11, mem.read8(0xF1000), "the RAM behind the ROM kept its contents");
    }

    @Test
    void sixteenKilobyteSegmentsAreIndependent() {
        bridge.enableShadowing(mem, true);
        pam(5, 0x03);                       // PAM5 low nibble: 0xE0000..0xE3FFF read/write; high nibble: 0xE4000.. ROM
        mem.write8(0xE0000, 0x5A);
        mem.write8(0xE4000, 0x5A);
        assertEquals(0x5A, mem.read8(0xE0000));
        assertEquals(0xAB, mem.read8(0xE4000));
        pam(5, 0x30);
        assertEquals(0xAB, mem.read8(0xE0000));
        assertEquals(0x00, mem.read8(0xE4000), "E4000 is RAM now; the earlier write went to the ROM and was dropped");
    }

    @Test
    void firmwareLessBootStartsWithReadWriteShadowRam() {
        PhysicalMemory plain = new PhysicalMemory(2 << 20);
        bridge.enableShadowing(plain, false);
        assertEquals(0x30, bridge.readConfig(PamShadowing.PAM0, 1));
        assertEquals(0x33, bridge.readConfig(PamShadowing.PAM0 + 6, 1));
        plain.write8(0xF0000, 0x42);
        assertEquals(0x42, plain.read8(0xF0000));
    }
}
