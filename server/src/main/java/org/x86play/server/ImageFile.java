package org.x86play.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One file of a guest image (a kernel, an initrd, ...) as the server offers it: its URL name, its path, and
 * its size and SHA-256, computed once and kept until the file's size or modification time changes (a rebuilt
 * guest gets a new hash, so the ETag stays a true content validator).
 */
final class ImageFile {
    /** A file's identity at one moment: what the catalog lists and what the ETag is made of. */
    static final class Snapshot {
        final long size;
        final long lastModifiedMillis;
        final String sha256;

        Snapshot(long size, long lastModifiedMillis, String sha256) {
            this.size = size;
            this.lastModifiedMillis = lastModifiedMillis;
            this.sha256 = sha256;
        }

        /** A strong entity tag (RFC 9110 §8.8.3): the content hash, quoted. */
        String etag() { return "\"" + sha256 + "\""; }
    }

    final String role, name;
    final Path path;
    private Snapshot cached;

    ImageFile(String role, String name, Path path) {
        this.role = role;
        this.name = name;
        this.path = path;
    }

    /** Size, time and hash of the file as it is now (hashing only when it changed since the last call). */
    synchronized Snapshot snapshot() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        if (!a.isRegularFile()) throw new IOException(path + " is not a regular file");
        long size = a.size(), mtime = a.lastModifiedTime().toMillis();
        Snapshot s = cached;
        if (s == null || s.size != size || s.lastModifiedMillis != mtime) {
            s = new Snapshot(size, mtime, sha256(path));
            cached = s;
        }
        return s;
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
