package org.x86play.server.snapshots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded snapshot store: round trip, chunk sharing, atomic commits, ids, corruption detection. */
class LocalSnapshotStoreTest {
    @TempDir
    Path dir;

    static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void roundTripKeepsBytesAndMetadata() throws IOException {
        ChunkedSnapshotStore store = new ChunkedSnapshotStore(LocalBlobStore.open(dir));
        byte[] data = randomBytes(1, 700_000);
        SnapshotRecord r = store.put(data, new SnapshotInfo("my shell", null, Map.of("memMb", 4)));
        assertTrue(SnapshotIds.isWellFormed(r.id()), r.id());
        assertTrue(r.chunks().size() > 3, "700 kB is cut into several chunks: " + r.chunks().size());
        SnapshotRecord found = store.find(r.id()).orElseThrow();
        assertEquals(r, found);
        assertEquals("my shell", found.title());
        assertEquals(4, ((Number) found.config().get("memMb")).intValue());
        assertArrayEquals(data, store.read(found));
        assertEquals(1, store.count());
        // Re-opened: the same content is there (nothing lived only in memory).
        ChunkedSnapshotStore again = new ChunkedSnapshotStore(LocalBlobStore.open(dir));
        assertArrayEquals(data, again.read(again.find(r.id()).orElseThrow()));
        // Empty snapshots and unknown or malformed ids.
        SnapshotRecord empty = store.put(new byte[0], new SnapshotInfo(null, r.id(), null));
        assertEquals(0, store.read(store.find(empty.id()).orElseThrow()).length);
        assertEquals(r.id(), store.find(empty.id()).orElseThrow().parent());
        assertTrue(store.find(SnapshotIds.newId()).isEmpty());
        for (String bad : new String[] {"", "..", "../../etc/passwd", r.id() + "x", null, "AAAAAAAAAAAAAAAAAAAAA/"}) {
            assertTrue(store.find(bad).isEmpty(), String.valueOf(bad));
        }
    }

    @Test
    void idsAreRandomAndUrlSafe() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = SnapshotIds.newId();
            assertEquals(22, id.length());   // 128 bits in base64url without padding
            assertTrue(SnapshotIds.isWellFormed(id));
            assertTrue(ids.add(id), "no repeats");
        }
    }

    @Test
    void snapshotsSharingContentStoreSharedChunksOnce() throws IOException {
        ChunkedSnapshotStore store = new ChunkedSnapshotStore(LocalBlobStore.open(dir));
        byte[] a = randomBytes(2, 2_000_000);
        // b = a with 37 bytes inserted near the start and one byte changed near the end: content-defined chunking
        // keeps every chunk that does not contain an edit.
        byte[] b = new byte[a.length + 37];
        System.arraycopy(a, 0, b, 0, 100_000);
        System.arraycopy(randomBytes(3, 37), 0, b, 100_000, 37);
        System.arraycopy(a, 100_000, b, 100_037, a.length - 100_000);
        b[b.length - 5000] ^= 1;
        SnapshotRecord ra = store.put(a, new SnapshotInfo("a", null, null));
        long afterA = store.chunkCount();
        SnapshotRecord rb = store.put(b, new SnapshotInfo("b", ra.id(), null));
        long afterB = store.chunkCount();
        Set<String> shared = new HashSet<>(ra.chunks());
        shared.retainAll(new HashSet<>(rb.chunks()));
        assertEquals(ra.chunks().size(), afterA, "distinct random content: one file per chunk");
        assertTrue(shared.size() >= ra.chunks().size() - 4, "only chunks around the two edits differ: shared " + shared.size() + " of " + ra.chunks().size());
        assertEquals(afterA + (rb.chunks().size() - shared.size()), afterB, "shared chunks are stored once");
        long bytesOnDisk;
        try (Stream<Path> s = Files.walk(dir.resolve("chunks"))) {
            bytesOnDisk = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(bytesOnDisk < a.length + b.length / 4, "two 2 MB snapshots take " + bytesOnDisk + " bytes");
        assertArrayEquals(a, store.read(ra));
        assertArrayEquals(b, store.read(rb));
        // The same bytes again: no new chunks at all.
        store.put(b, new SnapshotInfo(null, null, null));
        assertEquals(afterB, store.chunkCount());
        System.out.println("chunk sharing: snapshot A " + ra.chunks().size() + " chunks, B " + rb.chunks().size() + " chunks, "
                + shared.size() + " shared, " + afterB + " chunk files");
    }

    @Test
    void aFailureMidWriteLeavesNothingVisibleAndNoPartialFiles() throws IOException {
        byte[] data = randomBytes(5, 1_500_000);
        int chunks = ContentChunker.boundaries(data).size();
        assertTrue(chunks > 4);
        // Fail at each kind of write, each in a fresh store: the 1st chunk, a middle chunk, the last chunk, the record.
        for (int failAt : new int[] {1, chunks / 2, chunks, chunks + 1}) {
            Path root = dir.resolve("fail-at-" + failAt);
            LocalBlobStore blobs = LocalBlobStore.open(root);
            ChunkedSnapshotStore store = new ChunkedSnapshotStore(blobs);
            SnapshotRecord kept = store.put(randomBytes(4, 100_000), new SnapshotInfo("kept", null, null));
            AtomicInteger writes = new AtomicInteger();
            List<String> failedKey = new java.util.ArrayList<>();
            blobs.setWriteHook((key, tmp) -> {
                assertTrue(Files.size(tmp) > 0, "the temporary file holds the data before the commit");
                if (writes.incrementAndGet() == failAt) {
                    failedKey.add(key);
                    throw new IOException("simulated disk failure");
                }
            });
            assertThrows(IOException.class, () -> store.put(data, new SnapshotInfo("doomed", null, null)));
            blobs.setWriteHook(null);
            assertEquals(failAt == chunks + 1 ? "meta/" : "chunks/", failedKey.get(0).substring(0, failedKey.get(0).indexOf('/') + 1));
            assertEquals(1, store.count(), "no record for the failed put (failed at write " + failAt + ", " + failedKey + ")");
            try (Stream<Path> t = Files.list(root.resolve("tmp"))) {
                assertEquals(0, t.count(), "no temporary files left");
            }
            assertFalse(blobs.exists(failedKey.get(0)), "the failed object is not in place");
            assertEveryChunkIsComplete(root);
            assertArrayEquals(randomBytes(4, 100_000), store.read(store.find(kept.id()).orElseThrow()));
            // A later put of the same content succeeds (reusing the complete chunks).
            SnapshotRecord ok = store.put(data, new SnapshotInfo("retry", null, null));
            assertArrayEquals(data, store.read(ok));
            assertEquals(2, store.count());
        }
        // A crash (temporary file left behind) is cleaned when the store is opened.
        Path root = dir.resolve("crash");
        LocalBlobStore.open(root);
        Files.write(root.resolve("tmp").resolve("put-crash.tmp"), new byte[] {1, 2, 3});
        LocalBlobStore.open(root);
        try (Stream<Path> t = Files.list(root.resolve("tmp"))) {
            assertEquals(0, t.count());
        }
    }

    /** Every chunk file's name is the SHA-256 of its bytes: no partial chunk was ever put in place. */
    private static void assertEveryChunkIsComplete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("chunks"))) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                assertEquals(p.getFileName().toString(), ChunkedSnapshotStore.sha256(Files.readAllBytes(p)), p.toString());
            }
        }
    }

    @Test
    void corruptedChunksAreDetectedNotServed() throws IOException {
        ChunkedSnapshotStore store = new ChunkedSnapshotStore(LocalBlobStore.open(dir));
        byte[] data = randomBytes(6, 200_000);
        SnapshotRecord r = store.put(data, new SnapshotInfo(null, null, null));
        String hex = r.chunks().get(0);
        Path chunk = dir.resolve("chunks").resolve(hex.substring(0, 2)).resolve(hex);
        byte[] bytes = Files.readAllBytes(chunk);
        bytes[10] ^= 0x40;
        Files.write(chunk, bytes);
        IOException e = assertThrows(IOException.class, () -> store.read(r));
        assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
        assertNotEquals(0, r.chunks().size());
    }
}
