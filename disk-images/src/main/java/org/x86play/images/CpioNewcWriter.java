package org.x86play.images;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "newc" (SVR4, no checksum) format that the Linux kernel unpacks
 * as an initramfs, so no root rights (mknod, chown) are needed to build one.
 *
 * <p>Layout per Linux Documentation/driver-api/early-userspace/buffer-format.rst: each member is
 * a 110-byte ASCII header ("070701" then 13 fields of 8 hex digits: ino, mode, uid, gid, nlink,
 * mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check), the NUL-terminated
 * name padded so header+name is a multiple of 4, then the data padded to a multiple of 4. The
 * archive ends with a member named "TRAILER!!!".
 */
public final class CpioNewcWriter implements AutoCloseable {
    public static final String MAGIC = "070701";
    public static final String TRAILER = "TRAILER!!!";
    public static final int HEADER_SIZE = 110;

    // File type bits of st_mode (octal, as in <sys/stat.h>).
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFCHR = 0020000;

    private final OutputStream out;
    private final long mtime;
    private long written;
    private int nextInode = 1;
    private boolean finished;

    /** @param mtime modification time (seconds since the epoch) stamped on every member, for reproducible archives */
    public CpioNewcWriter(OutputStream out, long mtime) {
        this.out = out;
        this.mtime = mtime;
    }

    public void directory(String name, int permissions) throws IOException {
        entry(name, S_IFDIR | (permissions & 07777), 2, 0, 0, new byte[0]);
    }

    public void file(String name, int permissions, byte[] data) throws IOException {
        entry(name, S_IFREG | (permissions & 07777), 1, 0, 0, data);
    }

    /** A symbolic link: its data is the target path, without a terminating NUL. */
    public void symlink(String name, String target) throws IOException {
        entry(name, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
    }

    public void charDevice(String name, int permissions, int major, int minor) throws IOException {
        entry(name, S_IFCHR | (permissions & 07777), 1, major, minor, new byte[0]);
    }

    /** Writes the trailer and pads the archive to a 512-byte block, as cpio(1) does. Does not close the stream. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        header(0, 0, 0, 0, 0, 0, TRAILER);
        finished = true;
        pad(512);
        out.flush();
    }

    /** Bytes written so far (uncompressed archive size). */
    public long size() {
        return written;
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }

    private void entry(String name, int mode, int nlink, int rdevMajor, int rdevMinor, byte[] data)
            throws IOException {
        if (finished) {
            throw new IllegalStateException("archive already finished");
        }
        checkName(name);
        header(nextInode++, mode, nlink, data.length, rdevMajor, rdevMinor, name);
        write(data);
        pad(4);
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0 || name.equals(TRAILER)) {
            throw new IllegalArgumentException("bad cpio member name: '" + name + "'");
        }
    }

    private void header(int ino, int mode, int nlink, long fileSize, int rdevMajor, int rdevMinor, String name)
            throws IOException {
        if (fileSize > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("member too large for newc: " + name);
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(HEADER_SIZE);
        h.append(MAGIC);
        hex(h, ino);
        hex(h, mode);
        hex(h, 0); // uid: root
        hex(h, 0); // gid: root
        hex(h, nlink);
        hex(h, mtime);
        hex(h, fileSize);
        hex(h, 0); // devmajor of the file system the member came from: none
        hex(h, 0); // devminor
        hex(h, rdevMajor);
        hex(h, rdevMinor);
        hex(h, nameBytes.length + 1L); // namesize counts the terminating NUL
        hex(h, 0); // check: only used by the "070702" crc format
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        write(new byte[] {0});
        pad(4);
    }

    private static void hex(StringBuilder h, long value) {
        String s = Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
        for (int i = s.length(); i < 8; i++) {
            h.append('0');
        }
        h.append(s);
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad(int alignment) throws IOException {
        int n = (int) ((alignment - (written % alignment)) % alignment);
        if (n > 0) {
            write(new byte[n]);
        }
    }
}
