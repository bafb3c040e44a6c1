package org.x86play.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class InitramfsBuilderTest {
    private static final byte[] FAKE_BUSYBOX = "\u007fELF fake busybox, 23 b".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @Test
    void gzippedArchiveHoldsDeviceNodesBusyboxAndInit() throws IOException {
        byte[] gz = InitramfsBuilder.gzipped(FAKE_BUSYBOX, InitScript.render());
        assertEquals(0x1f, gz[0] & 0xFF);
        assertEquals(0x8b, gz[1] & 0xFF);
        CpioTestReader.Archive a = CpioTestReader.read(CpioTestReader.gunzip(gz));

        assertDevice(a.get("dev/console"), 5, 1);
        assertDevice(a.get("dev/null"), 1, 3);
        assertDevice(a.get("dev/ttyS0"), 4, 64);

        CpioTestReader.Entry busybox = a.get("bin/busybox");
        assertEquals(CpioNewcWriter.S_IFREG | 0755, busybox.mode());
        assertArrayEquals(FAKE_BUSYBOX, busybox.data());

        CpioTestReader.Entry init = a.get("init");
        assertEquals(CpioNewcWriter.S_IFREG | 0755, init.mode());
        assertEquals(InitScript.render(), init.text());

        for (String dir : new String[] {"bin", "dev", "proc", "sys", "sbin", "usr/bin", "usr/sbin", "tmp"}) {
            assertEquals(CpioNewcWriter.S_IFDIR, a.get(dir).type(), dir);
        }
        assertEquals(01777, a.get("tmp").permissions());
        // A directory must come before the members inside it (the kernel does not create parents).
        assertTrue(a.get("dev").offset() < a.get("dev/console").offset());
        assertTrue(a.get("bin").offset() < a.get("bin/busybox").offset());
        assertEquals("TRAILER!!!", a.entries().get(a.entries().size() - 1).name());
        for (CpioTestReader.Entry e : a.entries()) {
            assertEquals(0, e.uid(), e.name());
            assertEquals(0, e.gid(), e.name());
        }
    }

    @Test
    void sameInputsGiveIdenticalBytes() throws IOException {
        assertArrayEquals(InitramfsBuilder.gzipped(FAKE_BUSYBOX, "x"), InitramfsBuilder.gzipped(FAKE_BUSYBOX, "x"));
    }

    private static void assertDevice(CpioTestReader.Entry e, int major, int minor) {
        assertEquals(CpioNewcWriter.S_IFCHR, e.type(), e.name());
        assertEquals(major, e.rdevMajor(), e.name());
        assertEquals(minor, e.rdevMinor(), e.name());
        assertEquals(0, e.data().length, e.name());
    }
}
