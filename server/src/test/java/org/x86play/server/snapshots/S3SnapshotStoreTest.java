package org.x86play.server.snapshots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The S3-compatible store against s3proxy 2.6.0, which {@link S3ProxyProcess} runs in its own JVM. */
class S3SnapshotStoreTest {
    static S3ProxyProcess proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = S3ProxyProcess.start();
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) proxy.close();
    }

    @Test
    void roundTripAndChunkSharingInABucket() throws IOException {
        try (S3BlobStore blobs = new S3BlobStore(proxy.settings("snapshots", "x86play/")).createBucketIfMissing()) {
            ChunkedSnapshotStore store = new ChunkedSnapshotStore(blobs);
            assertEquals(0, store.count());
            byte[] a = LocalSnapshotStoreTest.randomBytes(7, 900_000);
            byte[] b = a.clone();
            b[800_000] ^= 1;
            SnapshotRecord ra = store.put(a, new SnapshotInfo("first", null, Map.of("platform", "pc")));
            SnapshotRecord rb = store.put(b, new SnapshotInfo("second", ra.id(), null));
            assertEquals(2, store.count());
            assertEquals(ra, store.find(ra.id()).orElseThrow());
            assertEquals(ra.id(), store.find(rb.id()).orElseThrow().parent());
            assertArrayEquals(a, store.read(store.find(ra.id()).orElseThrow()));
            assertArrayEquals(b, store.read(store.find(rb.id()).orElseThrow()));
            Set<String> distinct = new HashSet<>(ra.chunks());
            distinct.addAll(rb.chunks());
            assertEquals(distinct.size(), store.chunkCount(), "shared chunks are one object each");
            assertTrue(distinct.size() < ra.chunks().size() + rb.chunks().size(), "the snapshots share chunks");
            assertTrue(store.find(SnapshotIds.newId()).isEmpty());
            assertTrue(store.find("../x").isEmpty());
        }
    }

    @Test
    void wrongCredentialsAreAClearIOException() {
        S3BlobStore.Settings good = proxy.settings("snapshots", "");
        S3BlobStore.Settings bad = new S3BlobStore.Settings(good.endpoint(), good.region(), good.bucket(), good.accessKey(), "wrong-secret", "");
        try (S3BlobStore blobs = new S3BlobStore(bad)) {
            IOException e = assertThrows(IOException.class, () -> blobs.put("meta/" + SnapshotIds.newId() + ".json", new byte[] {1}));
            assertTrue(e.getMessage().contains("S3 PUT"), e.getMessage());
        }
        try (S3BlobStore blobs = new S3BlobStore(new S3BlobStore.Settings(URI.create("http://127.0.0.1:1"), null, "b", "k", "s", ""))) {
            assertThrows(IOException.class, () -> blobs.get("meta/" + SnapshotIds.newId() + ".json"));
        }
    }
}
