package org.x86play.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BzImageInfoTest {

    /** A setup header with the fields BzImageInfo reads, at the offsets of Linux's boot.rst. */
    static byte[] fakeBzImage(String version, int protocol, boolean loadedHigh) {
        byte[] b = new byte[0x400];
        b[0x1F1] = 27; // setup_sects
        b[0x1FE] = 0x55;
        b[0x1FF] = (byte) 0xAA;
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, b, 0x202, 4);
        b[0x206] = (byte) protocol;
        b[0x207] = (byte) (protocol >> 8);
        b[0x20E] = 0x00; // kernel_version pointer 0x100 -> string at 0x300
        b[0x20F] = 0x01;
        b[0x211] = (byte) (loadedHigh ? 1 : 0);
        byte[] v = version.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(v, 0, b, 0x300, v.length);
        return b;
    }

    @Test
    void readsProtocolVersionStringAndLoadFlags() {
        BzImageInfo info = BzImageInfo.parse(fakeBzImage("6.1.0-50-686 (test) #1 SMP", 0x020F, true));
        assertEquals("2.15", info.protocol());
        assertEquals(27, info.setupSects());
        assertTrue(info.loadedHigh());
        assertEquals("6.1.0-50-686 (test) #1 SMP", info.kernelVersion());
        assertFalse(BzImageInfo.parse(fakeBzImage("x", 0x0204, false)).loadedHigh());
    }

    @Test
    void rejectsImagesWithoutSetupHeader() {
        byte[] b = fakeBzImage("x", 0x020F, true);
        b[0x202] = 'X';
        assertThrows(IllegalArgumentException.class, () -> BzImageInfo.parse(b));
        assertThrows(IllegalArgumentException.class, () -> BzImageInfo.parse(new byte[16]));
    }
}
