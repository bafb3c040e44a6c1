package org.x86play.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.x86play.server.snapshots.ChunkedSnapshotStore;
import org.x86play.server.snapshots.LocalBlobStore;

/**
 * Load: 50 concurrent clients upload real snapshots and fetch random ones back over loopback for a bounded time;
 * every fetch is checked against the SHA-256 of what was uploaded under that id, and at the end every uploaded id
 * is fetched once more. Zero lost or corrupted snapshots; the throughput is printed.
 */
class SnapshotApiLoadTest {
    static final int CLIENTS = 50;
    static final long DURATION_MS = 10_000;
    @TempDir
    static Path dir;
    static PlaygroundServer server;
    static final List<byte[]> variants = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        for (long n = 100; n <= 600; n += 100) variants.add(TestSnapshots.hello(dir, n).data());
        server = PlaygroundServer.start(ServerConfig.defaults().withPort(0).withImageDirs(List.of())
                .withSnapshotStore(new ChunkedSnapshotStore(LocalBlobStore.open(dir.resolve("store")))));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void fiftyClientsUploadAndFetchWithoutLossOrCorruption() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ObjectMapper json = new ObjectMapper();
        String base = "http://127.0.0.1:" + server.port();
        Map<String, String> uploaded = new ConcurrentHashMap<>();   // id -> SHA-256 of the bytes sent
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong uploads = new AtomicLong(), fetches = new AtomicLong(), bytes = new AtomicLong();
        long deadline = System.currentTimeMillis() + DURATION_MS;
        CountDownLatch done = new CountDownLatch(CLIENTS);
        long started = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                Random rnd = new Random(client);
                try {
                    while (System.currentTimeMillis() < deadline && problems.size() < 10) {
                        if (ids.isEmpty() || rnd.nextInt(3) == 0) {
                            byte[] data = variants.get(rnd.nextInt(variants.size()));
                            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/snapshots?title=client-" + client))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 201) {
                                problems.add("upload answered " + r.statusCode() + ": " + new String(r.body()));
                                continue;
                            }
                            String id = json.readTree(r.body()).get("id").asText();
                            if (uploaded.putIfAbsent(id, sha256(data)) != null) problems.add("id " + id + " handed out twice");
                            ids.add(id);
                            uploads.incrementAndGet();
                            bytes.addAndGet(data.length);
                        } else {
                            String id = ids.get(rnd.nextInt(ids.size()));
                            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/snapshots/" + id)).build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200) problems.add("fetch of " + id + " answered " + r.statusCode());
                            else if (!sha256(r.body()).equals(uploaded.get(id))) problems.add("fetch of " + id + " returned other bytes");
                            fetches.incrementAndGet();
                            bytes.addAndGet(r.body().length);
                        }
                    }
                } catch (Exception e) {
                    problems.add("client " + client + ": " + e);
                } finally {
                    done.countDown();
                }
            }, "load-client-" + c);
            t.start();
        }
        done.await();
        double secs = (System.nanoTime() - started) / 1e9;
        assertEquals(List.of(), problems);
        // Every snapshot ever acknowledged is still there, byte for byte.
        int lost = 0, corrupted = 0;
        for (Map.Entry<String, String> e : uploaded.entrySet()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/snapshots/" + e.getKey())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) lost++;
            else if (!sha256(r.body()).equals(e.getValue())) corrupted++;
        }
        assertEquals(0, lost, "lost snapshots");
        assertEquals(0, corrupted, "corrupted snapshots");
        assertEquals(uploaded.size(), server.snapshotStore().count(), "the store holds exactly the acknowledged snapshots");
        assertTrue(uploads.get() > CLIENTS, "every client got work done: " + uploads.get() + " uploads");
        System.out.printf("load: %d clients for %.1f s: %d uploads + %d fetches = %.0f requests/s (%.1f MB/s), %d snapshots verified, 0 lost, 0 corrupted%n",
                CLIENTS, secs, uploads.get(), fetches.get(), (uploads.get() + fetches.get()) / secs, bytes.get() / secs / 1e6, uploaded.size());
    }
}
