package org.x86play.server.snapshots;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in a local directory, needing no service. {@code chunks/<hex>} lives at
 * {@code chunks/<first 2 hex>/<hex>} (so no directory grows past a few thousand entries), {@code meta/<id>.json}
 * at {@code meta/<id>.json}.
 * <p>
 * Every write goes to a uniquely named file in {@code tmp/}, is forced to disk ({@code fsync}), then moved into
 * place with an atomic rename (POSIX rename(2): the name points at the old file or the complete new one, never at
 * a partial one), and the target directory is forced too so the rename survives a power loss. A failed write
 * deletes its temporary file; leftovers of a crash sit only in {@code tmp/}, which {@link #open} empties.
 */
public final class LocalBlobStore implements BlobStore {
    private static final Pattern KEY = Pattern.compile("(chunks/[0-9a-f]{64}|meta/[A-Za-z0-9_-]{22}\\.json)");
    private final Path root, tmp;
    /** Test seam: called after the temporary file is written and before the rename (a failure here aborts the put). */
    private volatile WriteHook hook = (key, tmpFile) -> { };

    /** What a test injects to fail a write at its most delicate point. */
    public interface WriteHook {
        void beforeCommit(String key, Path tmpFile) throws IOException;
    }

    private LocalBlobStore(Path root) {
        this.root = root;
        this.tmp = root.resolve("tmp");
    }

    /** Opens (creating if needed) the store in {@code root} and removes temporary files left by a crash. */
    public static LocalBlobStore open(Path root) throws IOException {
        LocalBlobStore s = new LocalBlobStore(root.toAbsolutePath().normalize());
        Files.createDirectories(s.tmp);
        Files.createDirectories(s.root.resolve("chunks"));
        Files.createDirectories(s.root.resolve("meta"));
        try (Stream<Path> left = Files.list(s.tmp)) {
            for (Path p : (Iterable<Path>) left::iterator) Files.deleteIfExists(p);
        }
        return s;
    }

    public Path root() { return root; }

    public void setWriteHook(WriteHook hook) { this.hook = hook == null ? (k, t) -> { } : hook; }

    private Path pathOf(String key) {
        if (!KEY.matcher(key).matches()) throw new IllegalArgumentException("not a store key: " + key);
        if (key.startsWith("chunks/")) {
            String hex = key.substring("chunks/".length());
            return root.resolve("chunks").resolve(hex.substring(0, 2)).resolve(hex);
        }
        return root.resolve(key);
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
        Path target = pathOf(key);
        Files.createDirectories(target.getParent());
        Path t = Files.createTempFile(tmp, "put-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            hook.beforeCommit(key, t);
            try {
                // On Linux rename(2) replaces an existing target atomically; only chunks can already exist
                // (ids are random), and a chunk's name is its content, so replacing it changes no byte.
                Files.move(t, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the store directory " + root + " does not support atomic renames", e);
            }
            forceDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(t);   // gone after a successful move; removed after a failure
        }
    }

    /** fsync on the directory makes a rename in it durable (POSIX: the entry lives in the directory's data). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems refuse to open directories; the rename is still atomic, only less durable
        }
    }

    @Override
    public byte[] get(String key) throws IOException {
        try {
            return Files.readAllBytes(pathOf(key));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(pathOf(key));
    }

    @Override
    public long count(String prefix) throws IOException {
        Path dir = root.resolve(prefix.startsWith("chunks") ? "chunks" : "meta");
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    /** Every regular file under the store root, temporary ones included (tests check that failures leave none). */
    public long fileCount() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
