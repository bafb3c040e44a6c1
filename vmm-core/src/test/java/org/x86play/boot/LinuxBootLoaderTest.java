package org.x86play.boot;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

class LinuxBootLoaderTest {
    static final int RAM = 64 << 20;

    /** A minimal bzImage: 4 setup sectors + boot sector, header version 2.15, then a "kernel". */
    static byte[] image(int kernelBytes) {
        byte[] b = new byte[5 * 512 + kernelBytes];
        b[0x1F1] = 4;
        b[0x201] = 0x6A; // header ends at 0x202 + 0x6A = 0x26C
        LinuxBootLoader.putU32(b, 0x202, 0x53726448);
        b[0x206] = 0x0F;
        b[0x207] = 0x02;
        b[0x211] = 0x01 | (byte) 0x80; // LOADED_HIGH | CAN_USE_HEAP
        LinuxBootLoader.putU32(b, 0x214, 0x100000);
        LinuxBootLoader.putU32(b, 0x22C, 0x37FFFFFF);
        LinuxBootLoader.putU32(b, 0x238, 2047);
        for (int i = 0; i < kernelBytes; i++) b[5 * 512 + i] = (byte) (i * 7 + 1);
        return b;
    }

    final PhysicalMemory mem = new PhysicalMemory(RAM);
    final Cpu cpu = new Cpu(mem, new IoBus());

    @Test
    void loadsKernelInitrdAndBootParamsAndEntersFlat32BitMode() {
        byte[] bz = image(10000);
        byte[] initrd = new byte[12345];
        initrd[0] = 0x1F;
        initrd[12344] = 0x55;
        LinuxBootLoader.Layout l = new LinuxBootLoader(mem, cpu).load(bz, initrd, "console=ttyS0 quiet");

        assertEquals(5 * 512, l.setupBytes);
        assertEquals(bz[5 * 512] & 0xFF, mem.read8(0x100000));
        assertEquals(bz[5 * 512 + 9999] & 0xFF, mem.read8(0x100000 + 9999));

        int bp = LinuxBootLoader.BOOT_PARAMS;
        assertEquals(0x53726448, mem.read32(bp + 0x202), "setup header copied into boot_params");
        assertEquals(0xFF, mem.read8(bp + 0x210), "type_of_loader");
        assertEquals(0, mem.read8(bp + 0x211) & 0x80, "CAN_USE_HEAP cleared for the 32-bit entry");
        int cmd = mem.read32(bp + 0x228);
        StringBuilder sb = new StringBuilder();
        for (int c; (c = mem.read8(cmd + sb.length())) != 0; ) sb.append((char) c);
        assertEquals("console=ttyS0 quiet", sb.toString());

        int rd = mem.read32(bp + 0x218);
        assertEquals(12345, mem.read32(bp + 0x21C));
        assertEquals(0, rd & 0xFFF, "initrd page-aligned");
        assertTrue(rd + 12345 <= RAM && rd > RAM - 2 * 12345 - 4096, "initrd placed high");
        assertEquals(0x1F, mem.read8(rd));
        assertEquals(0x55, mem.read8(rd + 12344));

        assertEquals(3, mem.read8(bp + 0x1E8), "e820 entries");
        int e = bp + 0x2D0 + 2 * 20; // the RAM above 1 MiB
        assertEquals(0x100000, mem.read32(e));
        assertEquals(RAM - 0x100000, mem.read32(e + 8));
        assertEquals(1, mem.read32(e + 16));
        assertEquals(2, mem.read32(bp + 0x2D0 + 20 + 16), "legacy hole reserved");
        // screen_info: colour text mode 3, 80x25 on a VGA, so the kernel's VGA console starts
        assertEquals(3, mem.read8(bp + 0x06), "orig_video_mode");
        assertEquals(80, mem.read8(bp + 0x07), "orig_video_cols");
        assertEquals(25, mem.read8(bp + 0x0E), "orig_video_lines");
        assertEquals(1, mem.read8(bp + 0x0F), "orig_video_isVGA");
        assertNotEquals(0x10, mem.read8(bp + 0x0A), "orig_video_ega_bx low byte: not CGA");

        assertEquals(0x100000, cpu.eip);
        assertEquals(bp, cpu.reg[Cpu.ESI]);
        assertEquals(0, cpu.reg[Cpu.EBX] | cpu.reg[Cpu.EBP] | cpu.reg[Cpu.EDI]);
        assertEquals(0x10, cpu.seg[Cpu.CS].selector);
        assertEquals(0x18, cpu.seg[Cpu.DS].selector);
        assertTrue(cpu.seg[Cpu.CS].is32());
        assertEquals(Cpu.CR0_PE, cpu.cr0 & (Cpu.CR0_PE | Cpu.CR0_PG));
        assertEquals(0, cpu.getEflags() & Cpu.IF);
        // The in-memory GDT matches the loaded selectors (the kernel may reload them).
        assertEquals(0x00CF9B00, mem.read32(cpu.gdtr.base + 0x14));
        assertEquals(0x00CF9300, mem.read32(cpu.gdtr.base + 0x1C));
    }

    @Test
    void rejectsMalformedImagesWithClearErrorsAndWritesNothing() {
        byte[] good = image(100);
        byte[][] bad = new byte[6][];
        bad[0] = new byte[10];
        bad[1] = good.clone(); bad[1][0x202] = 0;                 // no HdrS
        bad[2] = good.clone(); bad[2][0x206] = 0x01;              // protocol 2.01
        bad[3] = good.clone(); bad[3][0x211] = 0;                 // zImage
        bad[4] = good.clone(); bad[4][0x1F1] = (byte) 200;        // setup past end of file
        bad[5] = image(RAM);                                      // kernel larger than RAM
        for (byte[] b : bad) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> new LinuxBootLoader(mem, cpu).load(b, null, ""));
            assertTrue(ex.getMessage().startsWith("not a bootable Linux bzImage: "), ex.getMessage());
        }
        assertEquals(0, mem.read32(0x100000), "nothing loaded");
        assertThrows(IllegalArgumentException.class,
                () -> new LinuxBootLoader(mem, cpu).load(good, null, "x".repeat(3000)), "command line too long");
        assertThrows(IllegalArgumentException.class,
                () -> new LinuxBootLoader(mem, cpu).load(good, new byte[RAM], ""), "initrd too large");
    }

    @Test
    void randomCorruptionsOnlyEverGiveIllegalArgument() {
        java.util.Random r = new java.util.Random(42);
        byte[] good = image(4096);
        for (int i = 0; i < 2000; i++) {
            byte[] b = good.clone();
            for (int k = 0; k < 4; k++) b[0x1F1 + r.nextInt(0x80)] = (byte) r.nextInt(256);
            if (r.nextInt(4) == 0) b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            try {
                new LinuxBootLoader(mem, cpu).load(b, r.nextBoolean() ? new byte[r.nextInt(1 << 16)] : null, "quiet");
            } catch (IllegalArgumentException expected) {
                // a clear rejection is fine; anything else fails the test
            }
        }
    }
}
