package org.x86play.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Lays out the reference guest's initramfs: the directory tree, the static device nodes the
 * kernel needs before devtmpfs is mounted (it opens /dev/console for PID 1's stdio), the static
 * busybox binary and {@code /init}. Returns the gzip-compressed newc archive.
 */
public final class InitramfsBuilder {
    /** Fixed member timestamp (2024-01-01T00:00:00Z) so the same inputs give the same bytes. */
    public static final long MTIME = 1704067200L;
    /** Bump when the archive layout changes, so cached builds are rebuilt. */
    public static final int LAYOUT_VERSION = 1;

    private static final String[] DIRECTORIES = {
        "bin", "dev", "etc", "proc", "root", "sbin", "sys", "tmp", "usr", "usr/bin", "usr/sbin",
    };

    private InitramfsBuilder() {
    }

    /** The uncompressed cpio archive. */
    public static byte[] cpio(byte[] busybox, String init) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(busybox.length + 4096);
        CpioNewcWriter cpio = new CpioNewcWriter(bytes, MTIME);
        for (String dir : DIRECTORIES) {
            cpio.directory(dir, dir.equals("tmp") ? 01777 : 0755);
        }
        // Linux Documentation/admin-guide/devices.txt: char 5:1 console, 1:3 null, 4:64 ttyS0.
        cpio.charDevice("dev/console", 0600, 5, 1);
        cpio.charDevice("dev/null", 0666, 1, 3);
        cpio.charDevice("dev/ttyS0", 0660, 4, 64);
        cpio.file("bin/busybox", 0755, busybox);
        cpio.symlink("bin/sh", "busybox");
        cpio.file("init", 0755, init.getBytes(StandardCharsets.UTF_8));
        cpio.finish();
        return bytes.toByteArray();
    }

    /** The archive compressed with gzip (the kernel's CONFIG_RD_GZIP decompressor). */
    public static byte[] gzipped(byte[] busybox, String init) throws IOException {
        return gzip(cpio(busybox, init));
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 2);
        // GZIPOutputStream writes MTIME 0 in the gzip header, so the output is reproducible.
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }
}
