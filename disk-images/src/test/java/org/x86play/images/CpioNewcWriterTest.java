package org.x86play.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpioNewcWriterTest {

    @Test
    void directoryHeaderMatchesHandWrittenBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioNewcWriter w = new CpioNewcWriter(out, 0x5F5E100L);
        w.directory("d", 0755);
        // magic, ino 1, mode 040755, uid 0, gid 0, nlink 2, mtime, size 0, dev 0:0, rdev 0:0, namesize 2, check 0
        String expected = "070701" + "00000001" + "000041ED" + "00000000" + "00000000" + "00000002"
                + "05F5E100" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000"
                + "00000002" + "00000000" + "d\0"; // 110 + 2 = 112: already 4-aligned, no padding
        assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void namesAndDataArePaddedToFourBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioNewcWriter w = new CpioNewcWriter(out, 0);
        w.file("ab", 0644, new byte[] {1, 2, 3, 4, 5});
        byte[] b = out.toByteArray();
        // header 110 + "ab\0" 3 = 113 -> 3 padding bytes, data at 116; 5 data bytes -> 3 padding -> 124
        assertEquals(124, b.length);
        assertEquals('b', b[111]);
        assertEquals(0, b[112] | b[113] | b[114] | b[115]);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 0}, java.util.Arrays.copyOfRange(b, 116, 124));
    }

    @Test
    void readerRoundTripsEveryMemberKindAndTheTrailer() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioNewcWriter w = new CpioNewcWriter(out, 1234);
        w.directory("dev", 0755);
        w.charDevice("dev/ttyS0", 0660, 4, 64);
        w.file("bin/x", 0755, "hello".getBytes(StandardCharsets.UTF_8));
        w.symlink("bin/sh", "busybox");
        w.file("empty", 0600, new byte[0]);
        w.finish();
        byte[] b = out.toByteArray();
        assertEquals(0, b.length % 512, "padded to a 512-byte block");
        assertEquals(b.length, w.size());

        CpioTestReader.Archive a = CpioTestReader.read(b);
        List<String> names = a.entries().stream().map(CpioTestReader.Entry::name).toList();
        assertEquals(List.of("dev", "dev/ttyS0", "bin/x", "bin/sh", "empty", "TRAILER!!!"), names);
        assertEquals(0, a.trailingBytes() % 4);
        assertTrue(a.trailingZero());

        CpioTestReader.Entry dev = a.get("dev/ttyS0");
        assertEquals(CpioNewcWriter.S_IFCHR, dev.type());
        assertEquals(0660, dev.permissions());
        assertEquals(4, dev.rdevMajor());
        assertEquals(64, dev.rdevMinor());
        assertEquals(0, dev.data().length);
        assertEquals(1234, dev.mtime());

        assertEquals(CpioNewcWriter.S_IFDIR, a.get("dev").type());
        assertEquals(2, a.get("dev").nlink());
        assertEquals(CpioNewcWriter.S_IFREG | 0755, a.get("bin/x").mode());
        assertEquals("hello", a.get("bin/x").text());
        assertEquals(CpioNewcWriter.S_IFLNK, a.get("bin/sh").type());
        assertEquals("busybox", a.get("bin/sh").text());

        CpioTestReader.Entry trailer = a.get("TRAILER!!!");
        assertEquals(0, trailer.ino());
        assertEquals(0, trailer.mode());
        assertEquals(0, trailer.data().length);

        // Distinct inode numbers: the kernel links members with equal ino and nlink > 1 as hard links.
        assertEquals(5, a.entries().stream().filter(e -> e.ino() != 0).map(CpioTestReader.Entry::ino).distinct().count());
    }

    @Test
    void rejectsAbsoluteEmptyAndReservedNamesAndWritesAfterFinish() throws IOException {
        CpioNewcWriter w = new CpioNewcWriter(new ByteArrayOutputStream(), 0);
        assertThrows(IllegalArgumentException.class, () -> w.file("/init", 0755, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> w.directory("", 0755));
        assertThrows(IllegalArgumentException.class, () -> w.directory("TRAILER!!!", 0755));
        w.finish();
        assertThrows(IllegalStateException.class, () -> w.directory("late", 0755));
    }
}
