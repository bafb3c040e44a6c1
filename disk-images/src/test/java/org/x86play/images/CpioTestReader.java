package org.x86play.images;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A minimal, strict newc reader written for the tests from buffer-format.rst, independent of
 * {@link CpioNewcWriter}: it checks magic, hex digits, the name's NUL, alignment and zero padding.
 * (No cpio or bsdtar is installed on the build machine.)
 */
final class CpioTestReader {
    record Entry(long offset, int ino, int mode, int uid, int gid, int nlink, long mtime, byte[] data,
            int devMajor, int devMinor, int rdevMajor, int rdevMinor, String name) {
        int type() {
            return mode & 0170000;
        }

        int permissions() {
            return mode & 07777;
        }

        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** Entries up to and including the trailer; {@code trailingBytes} are what follows it. */
    record Archive(List<Entry> entries, int trailingBytes, boolean trailingZero) {
        Entry get(String name) {
            return entries.stream().filter(e -> e.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no member " + name));
        }
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    static Archive read(byte[] b) {
        List<Entry> entries = new ArrayList<>();
        int pos = 0;
        while (true) {
            if (pos % 4 != 0) {
                throw new AssertionError("header at " + pos + " not 4-byte aligned");
            }
            if (pos + 110 > b.length) {
                throw new AssertionError("archive ends without a trailer");
            }
            String magic = new String(b, pos, 6, StandardCharsets.US_ASCII);
            if (!magic.equals("070701")) {
                throw new AssertionError("bad magic '" + magic + "' at " + pos);
            }
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = hex(b, pos + 6 + 8 * i);
            }
            int nameSize = (int) f[11];
            int nameStart = pos + 110;
            if (nameSize < 1 || b[nameStart + nameSize - 1] != 0) {
                throw new AssertionError("name at " + nameStart + " not NUL-terminated");
            }
            String name = new String(b, nameStart, nameSize - 1, StandardCharsets.UTF_8);
            int dataStart = align(nameStart + nameSize, b, "name of " + name);
            int size = (int) f[6];
            byte[] data = Arrays.copyOfRange(b, dataStart, dataStart + size);
            entries.add(new Entry(pos, (int) f[0], (int) f[1], (int) f[2], (int) f[3], (int) f[4], f[5], data,
                    (int) f[7], (int) f[8], (int) f[9], (int) f[10], name));
            if (f[12] != 0) {
                throw new AssertionError("check field not 0 for newc: " + name);
            }
            pos = align(dataStart + size, b, "data of " + name);
            if (name.equals("TRAILER!!!")) {
                boolean zero = true;
                for (int i = pos; i < b.length; i++) {
                    zero &= b[i] == 0;
                }
                return new Archive(entries, b.length - pos, zero);
            }
        }
    }

    /** Skips to the next multiple of 4, requiring the skipped bytes to be zero. */
    private static int align(int p, byte[] b, String what) {
        while (p % 4 != 0) {
            if (b[p] != 0) {
                throw new AssertionError("non-zero padding after " + what);
            }
            p++;
        }
        return p;
    }

    private static long hex(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int d = Character.digit(b[off + i], 16);
            if (d < 0) {
                throw new AssertionError("non-hex digit at " + (off + i));
            }
            v = v << 4 | d;
        }
        return v;
    }
}
