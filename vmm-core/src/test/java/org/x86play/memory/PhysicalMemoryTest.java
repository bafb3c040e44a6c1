package org.x86play.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    /** Records MMIO calls as "r/w offset size [value]" and answers reads with 0xA0 + offset per byte. */
    static final class Recorder implements MmioHandler {
        final List<String> log = new ArrayList<>();

        @Override
        public int read(int offset, int size) {
            log.add("r " + offset + " " + size);
            int v = 0;
            for (int k = 0; k < size; k++) v |= ((0xA0 + offset + k) & 0xFF) << (8 * k);
            return v;
        }

        @Override
        public void write(int offset, int size, int value) {
            log.add("w " + offset + " " + size + " " + Integer.toHexString(value));
        }
    }

    @Test
    void ramIsLittleEndianAtEverySizeAndAlignment() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        m.write32(0x100, 0x11223344);
        assertEquals(0x44, m.read8(0x100));
        assertEquals(0x11, m.read8(0x103));
        assertEquals(0x3344, m.read16(0x100));
        assertEquals(0x1122, m.read16(0x102));
        assertEquals(0x2233, m.read16(0x101));
        m.write32(0x205, 0xCAFEBABE);          // unaligned in a word
        assertEquals(0xCAFEBABE, m.read32(0x205));
        assertEquals(0, m.read8(0x204));
        assertEquals(0, m.read8(0x209));
        assertEquals(0xFEBA, m.read16(0x206));
        m.write16(0x307, 0xBEEF);              // straddles two words
        assertEquals(0xEF, m.read8(0x307));
        assertEquals(0xBE, m.read8(0x308));
        assertEquals(0xBEEF, m.read16(0x307));
        m.write8(0x309, 0x5A);
        assertEquals(0x5ABEEF00, m.read32(0x306));
    }

    @Test
    void accessesCrossingRamPagesAreJoined() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        m.write32(0xFFE, 0x12345678);
        assertEquals(0x5678, m.read16(0xFFE));
        assertEquals(0x1234, m.read16(0x1000));
        assertEquals(0x12345678, m.read32(0xFFE));
        m.write16(0x1FFF, 0xAABB);
        assertEquals(0xBB, m.read8(0x1FFF));
        assertEquals(0xAA, m.read8(0x2000));
    }

    @Test
    void unmappedReadsAllOnesAndIgnoresWrites() {
        PhysicalMemory m = new PhysicalMemory(64 << 10);
        assertEquals(0xFF, m.read8(0x10000));
        assertEquals(0xFFFF, m.read16(0x80000000));
        assertEquals(0xFFFFFFFF, m.read32(0xFFFFFFFC));
        m.write32(0x10000, 0);
        assertEquals(0xFFFFFFFF, m.read32(0x10000));
        // RAM/unmapped straddle: the RAM bytes are written and read, the rest is all-ones.
        m.write32(0xFFFE, 0x11223344);
        assertEquals(0xFFFF3344, m.read32(0xFFFE));
        assertEquals(0x3344, m.read16(0xFFFE));
    }

    @Test
    void ramSizeIsRoundedUpToPages() {
        PhysicalMemory m = new PhysicalMemory(5000);
        assertEquals(5000, m.ramSize());
        m.write8(8191, 7);
        assertEquals(7, m.read8(8191));
        assertEquals(0xFF, m.read8(8192));
    }

    @Test
    void romIsReadOnlyAliasedAndPadded() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        m.write32(0xF0000, 0x01020304);
        byte[] bios = new byte[0x10000];
        for (int i = 0; i < bios.length; i++) bios[i] = (byte) (i * 7);
        m.mapRom(0xFFFF0000, bios);
        m.mapRom(0xF0000, bios);
        assertEquals(bios[0xFFF0] & 0xFF, m.read8(0xFFFFFFF0));
        assertEquals(bios[0xFFF0] & 0xFF, m.read8(0xFFFF0));
        assertEquals(0x0E07, m.read16(0xF0001));                 // bytes 7, 14
        int expect = (bios[0x1FFE] & 0xFF) | (bios[0x1FFF] & 0xFF) << 8 | (bios[0x2000] & 0xFF) << 16 | (bios[0x2001] & 0xFF) << 24;
        assertEquals(expect, m.read32(0xF1FFE));
        m.write32(0xF0000, 0xDEADBEEF);                           // writes to ROM are ignored
        m.write8(0xFFFF0000, 0x55);
        assertEquals(0x0E0700, m.read32(0xF0000) & 0xFFFFFF);
        assertEquals(0, m.read8(0xFFFF0000));
        // The RAM below the ROM is hidden, not changed: unmap shows it again.
        m.unmap(0xF0000, 0x10000);
        assertEquals(0x01020304, m.read32(0xF0000));
        // Non-page-multiple image: padded with 0xFF.
        m.mapRom(0xC0000, new byte[] {1, 2, 3});
        assertEquals(0xFF030201, m.read32(0xC0000));
        assertEquals(0xFFFFFFFF, m.read32(0xC0FFC));
        assertEquals(0, m.read32(0xC1000));                      // next page is RAM again
    }

    @Test
    void romBelowRamEndThenRamStillWorks() {
        PhysicalMemory m = new PhysicalMemory(2 << 20);
        m.mapRom(0xE0000, new byte[0x20000]);
        m.write32(0x100000, 0x12345678);                         // RAM above the ROM still writable
        assertEquals(0x12345678, m.read32(0x100000));
        assertEquals(0, m.read32(0xEFFFC));
    }

    @Test
    void mmioWindowsGetOffsetsAndSizes() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        Recorder r = new Recorder();
        m.mapMmio(0xFEC00000, 0x20, r);
        assertEquals(0xA3A2A1A0, m.read32(0xFEC00000));
        assertEquals(0xA5A4, m.read16(0xFEC00004));
        assertEquals(0xB0, m.read8(0xFEC00010));
        m.write32(0xFEC00010, 0x12345678);
        m.write16(0xFEC00002, 0xABCD);
        m.write8(0xFEC0001F, 0x1FF);
        assertEquals(List.of("r 0 4", "r 4 2", "r 16 1", "w 16 4 12345678", "w 2 2 abcd", "w 31 1 ff"), r.log);
        r.log.clear();
        // Beyond the window but inside its page: unmapped.
        assertEquals(0xFFFFFFFF, m.read32(0xFEC00020));
        m.write32(0xFEC00100, 1);
        assertTrue(r.log.isEmpty());
        // Straddling the window end: split into bytes, the outside byte reads 0xFF.
        assertEquals(0xFFBFBEBD, m.read32(0xFEC0001D));
        assertEquals(List.of("r 29 1", "r 30 1", "r 31 1"), r.log);
    }

    @Test
    void accessStraddlingRamAndMmioIsSplitIntoBytes() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        Recorder r = new Recorder();
        m.mapMmio(0xA0000, 0x20000, r);
        m.write8(0x9FFFF, 0x11);
        assertEquals(0xA2A1A011, m.read32(0x9FFFF));
        r.log.clear();
        m.write32(0x9FFFE, 0x44332211);
        assertEquals(List.of("w 0 1 33", "w 1 1 44"), r.log);
        assertEquals(0x2211, m.read16(0x9FFFE));
        // MMIO at the end of its window straddling into RAM.
        m.write32(0xC0000, 0x77665544);
        r.log.clear();
        m.write32(0xBFFFE, 0xDDCCBBAA);
        assertEquals(List.of("w 131070 1 aa", "w 131071 1 bb"), r.log);
        assertEquals(0x7766DDCC, m.read32(0xC0000));
    }

    @Test
    void a20GateMasksBit20() {
        PhysicalMemory m = new PhysicalMemory(4 << 20);
        assertTrue(m.isA20Enabled());
        m.write32(0x000010, 0x11111111);
        m.write32(0x100010, 0x22222222);
        m.write32(0x300010, 0x33333333);
        m.setA20(false);
        assertFalse(m.isA20Enabled());
        assertEquals(0x11111111, m.read32(0x100010));
        assertEquals(0, m.read32(0x300010));                     // -> 0x200010
        m.write8(0x100020, 0x99);
        assertEquals(0x99, m.read8(0x20));
        // FFFF:0010-style wrap: a dword at 0xFFFFE straddles 1 MiB and wraps to 0.
        m.write32(0, 0xA1A2A3A4);
        m.write16(0xFFFFE, 0xB1B2);
        assertEquals(0xA3A4B1B2, m.read32(0xFFFFE));
        m.setA20(true);
        assertEquals(0x22222222, m.read32(0x100010));
    }

    @Test
    void a20Wraps3MiBTo2MiB() {
        PhysicalMemory m = new PhysicalMemory(4 << 20);
        m.write32(0x200010, 0x55);
        m.setA20(false);
        assertEquals(0x55, m.read32(0x300010));
    }

    @Test
    void watchedPagesNotifyBeforeTheWrite() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        List<String> events = new ArrayList<>();
        m.setPageWriteListener((page, flags) -> events.add(page + ":" + flags + ":" + Integer.toHexString(m.read32(0x5000))));
        m.write32(0x5000, 0x1111);
        m.watchPage(5, 2);
        assertTrue(m.isWriteWatched(0x5000));
        assertFalse(m.isWriteWatched(0x6000));
        assertEquals(2, m.watchFlags(5));
        m.write32(0x5000, 0x2222);
        m.write8(0x5FFF, 1);
        m.write16(0x4FFF, 0x0303);              // crosses into the watched page
        m.write32(0x6000, 4);                   // not watched
        assertEquals(List.of("5:2:1111", "5:2:2222", "5:2:2222"), events);
        m.unwatchPage(5, 2);
        m.write32(0x5000, 0);
        assertEquals(3, events.size());
        m.watchPage(0x1000, 1);                 // beyond RAM: ignored
        assertEquals(0, m.watchFlags(0x1000));
    }

    @Test
    void mapListenersHearMapChangesAndWatches() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        int[] counts = new int[2];
        m.addMapListener(new MemoryMapListener() {
            @Override public void memoryMapChanged() { counts[0]++; }
            @Override public void pageWriteProtected(int off) { counts[1] = off; }
        });
        m.setA20(false);
        m.setA20(false);                        // no change, no event
        m.mapRom(0xF0000, new byte[0x10000]);
        m.mapMmio(0xA0000, 0x20000, new Recorder());
        assertEquals(3, counts[0]);
        m.watchPage(7, 1);
        assertEquals(0x7000, counts[1]);
    }

    @Test
    void loadAndReadBytes() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        byte[] data = {9, 8, 7, 6, 5};
        m.load(0x7FFE, data, 1, 4);
        assertEquals(0x05060708, m.read32(0x7FFE));
        byte[] out = new byte[4];
        m.readBytes(0x7FFE, out, 0, 4);
        assertArrayEquals(new byte[] {8, 7, 6, 5}, out);
    }

    @Test
    void wordStoreHelpersAgreeWithByteModel() {
        int[] s = new int[4];
        java.util.Random rnd = new java.util.Random(1);
        byte[] model = new byte[16];
        for (int n = 0; n < 2000; n++) {
            int size = 1 << rnd.nextInt(3);
            int i = rnd.nextInt(16 - size + 1);
            int v = rnd.nextInt();
            if (size == 1) WordStore.store8(s, i, v);
            else if (size == 2) WordStore.store16(s, i, v);
            else WordStore.store32(s, i, v);
            for (int k = 0; k < size; k++) model[i + k] = (byte) (v >>> (8 * k));
            int j = rnd.nextInt(13);
            int want = (model[j] & 0xFF) | (model[j + 1] & 0xFF) << 8 | (model[j + 2] & 0xFF) << 16 | (model[j + 3] & 0xFF) << 24;
            assertEquals(want, WordStore.load32(s, j));
            assertEquals(want & 0xFFFF, WordStore.load16(s, j));
            assertEquals(want & 0xFF, WordStore.load8(s, j));
        }
    }

    @Test
    void romsBeyondTheReserveGrowTheStoreAndKeepRam() {
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        m.write32(0x1234, 0xFEEDFACE);
        byte[] big = new byte[4 << 20];
        big[0] = 1;
        big[big.length - 1] = 2;
        m.mapRom(0xFF000000, big);
        byte[] small = new byte[0x10000];
        small[5] = 3;
        m.mapRom(0xF0000, small);
        assertEquals(0xFEEDFACE, m.read32(0x1234));
        assertEquals(1, m.read8(0xFF000000));
        assertEquals(2, m.read8(0xFF3FFFFF));
        assertEquals(3, m.read8(0xF0005));
        assertTrue(m.store().length * 4 >= (1 << 20) + (4 << 20) + 0x10000);
    }
}
