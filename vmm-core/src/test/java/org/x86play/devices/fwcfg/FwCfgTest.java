package org.x86play.devices.fwcfg;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.x86play.io.IoBus;

class FwCfgTest {
    final IoBus io = new IoBus();
    final FwCfg fw = new FwCfg(0x1_2345_6000L, 2, 4);

    FwCfgTest() { fw.attach(io); }

    byte[] read(int key, int length) {
        io.out(0x510, 2, key);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) io.in(0x511, 1);
        return b;
    }

    static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) v = v << 8 | (b[at + k] & 0xFF);
        return v;
    }

    static int be(byte[] b, int at, int n) {
        int v = 0;
        for (int k = 0; k < n; k++) v = v << 8 | (b[at + k] & 0xFF);
        return v;
    }

    @Test
    void signatureIdAndSizesLikeSeaBiosProbesThem() {
        assertEquals("QEMU", new String(read(FwCfg.SIGNATURE, 4), StandardCharsets.US_ASCII));
        assertEquals(1, le(read(FwCfg.ID, 4), 0, 4), "traditional interface, no DMA");
        assertEquals(0x1_2345_6000L, le(read(FwCfg.RAM_SIZE, 8), 0, 8));
        assertEquals(2, le(read(FwCfg.NB_CPUS, 2), 0, 2));
        assertEquals(4, le(read(FwCfg.MAX_CPUS, 2), 0, 2));
    }

    @Test
    void selectingResetsTheOffsetAndReadsPastTheEndGiveZero() {
        assertArrayEquals(new byte[] {'Q', 'E', 'M', 'U', 0, 0}, read(FwCfg.SIGNATURE, 6));
        assertEquals(0, io.in(0x511, 1), "still past the end until reselected");
        io.out(0x510, 2, FwCfg.SIGNATURE);
        assertEquals('Q', io.in(0x511, 1));
        assertEquals('E' | 'M' << 8, io.in(0x511, 2), "wider reads stream bytes in order");
        assertArrayEquals(new byte[4], read(0x1234, 4), "unknown key");
        io.out(0x510, 1, FwCfg.SIGNATURE);
        assertEquals(0, io.in(0x511, 1), "byte writes do not reach the 16-bit selector");
    }

    @Test
    void writesToTheDataPortAreIgnored() {
        io.out(0x510, 2, FwCfg.WRITE_CHANNEL | FwCfg.SIGNATURE);
        io.out(0x511, 1, 'X');
        assertEquals("QEMU", new String(read(FwCfg.SIGNATURE, 4), StandardCharsets.US_ASCII));
    }

    @Test
    void fileDirectoryListsFilesInNameOrderAndFilesReadBySelector() {
        fw.addFile("etc/e820", new byte[20]);
        fw.addFile("bootorder", "/pci@i0cf8/*@4\n".getBytes(StandardCharsets.US_ASCII));
        fw.addFile("opt/x86play/hello", new byte[] {1, 2, 3});

        byte[] count = read(FwCfg.FILE_DIR, 4);
        assertEquals(3, be(count, 0, 4));
        byte[] dir = read(FwCfg.FILE_DIR, 4 + 3 * 64);
        String[] names = new String[3];
        int helloSelector = -1;
        for (int i = 0; i < 3; i++) {
            int e = 4 + i * 64;
            int len = 0;
            while (dir[e + 8 + len] != 0) len++;
            names[i] = new String(dir, e + 8, len, StandardCharsets.US_ASCII);
            assertEquals(0x20 + i, be(dir, e + 4, 2), "selector");
            assertEquals(0, be(dir, e + 6, 2), "reserved");
            for (int k = e + 8 + len; k < e + 64; k++) assertEquals(0, dir[k], "NUL padding");
            if (names[i].equals("opt/x86play/hello")) {
                helloSelector = be(dir, e + 4, 2);
                assertEquals(3, be(dir, e, 4), "size");
            }
        }
        assertArrayEquals(new String[] {"bootorder", "etc/e820", "opt/x86play/hello"}, names);
        assertEquals(helloSelector, fw.fileSelector("opt/x86play/hello"));
        assertArrayEquals(new byte[] {1, 2, 3, 0}, read(helloSelector, 4));
        assertEquals("/pci@i0cf8/*@4\n", new String(read(0x20, 15), StandardCharsets.US_ASCII));
    }

    @Test
    void itemsAndFilesAreValidated() {
        fw.addItem(0x8000, new byte[] {7});
        assertArrayEquals(new byte[] {7}, read(0x8000, 1), "arch-local item");
        assertThrows(IllegalArgumentException.class, () -> fw.addItem(0x20, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> fw.addItem(FwCfg.FILE_DIR, new byte[1]));
        fw.addFile("a", new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> fw.addFile("a", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> fw.addFile("x".repeat(56), new byte[1]));
        fw.addFile("x".repeat(55), new byte[1]);
    }
}
