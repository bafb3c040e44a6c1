package org.x86play.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.x86play.server.snapshots.ChunkedSnapshotStore;
import org.x86play.server.snapshots.LocalBlobStore;
import org.x86play.server.snapshots.SnapshotIds;

/**
 * Hostile input against the HTTP API: more than 10,000 mutated, truncated, extended, oversized and random snapshot
 * uploads and malformed requests. No answer may be a 5xx, the server must keep serving, and nothing may be stored
 * for input that is not a valid snapshot (store files counted before and after).
 */
class SnapshotApiHostileTest {
    static final long MAX_UPLOAD = 256 << 10;
    @TempDir
    static Path dir;
    static PlaygroundServer server;
    static LocalBlobStore blobs;
    static byte[] valid;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        valid = TestSnapshots.hello(dir, 300).data();
        blobs = LocalBlobStore.open(dir.resolve("store"));
        server = PlaygroundServer.start(ServerConfig.defaults().withPort(0).withImageDirs(List.of())
                .withSnapshotStore(new ChunkedSnapshotStore(blobs)).withMaxUploadBytes(MAX_UPLOAD));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /** One request of the campaign and the statuses it may get. */
    record Probe(String kind, HttpRequest request) {}

    final Map<String, AtomicInteger> kinds = new TreeMap<>();
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> connectionErrors = new ConcurrentHashMap<>();
    final List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());

    HttpRequest upload(byte[] body, String query) {
        return HttpRequest.newBuilder(uri("/api/snapshots" + query)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Sends all probes from 8 threads; returns how many got 201. */
    int fire(List<Probe> probes) throws Exception {
        AtomicInteger created = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Probe p : probes) {
                kinds.computeIfAbsent(p.kind, k -> new AtomicInteger()).incrementAndGet();
                fs.add(pool.submit(() -> {
                    HttpResponse<byte[]> r;
                    try {
                        r = http.send(p.request, HttpResponse.BodyHandlers.ofByteArray());
                    } catch (java.io.IOException e) {
                        connectionErrors.computeIfAbsent(p.kind + " " + p.request.method() + " " + p.request.uri().getPath() + ": " + e.getMessage(), k -> new AtomicInteger()).incrementAndGet();
                        return null;
                    }
                    statuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                    if (r.statusCode() >= 500) serverErrors.add(p.kind + " -> " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                    else if (r.statusCode() >= 400) {
                        String body = new String(r.body(), StandardCharsets.UTF_8);
                        if (!body.startsWith("{\"error\":")) serverErrors.add(p.kind + " -> " + r.statusCode() + " without a JSON error: " + body);
                    }
                    if (r.statusCode() == 201) created.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        return created.get();
    }

    @Test
    void tenThousandHostileRequestsNeverGet5xxAndStoreNothing() throws Exception {
        Random rnd = new Random(20261201);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            byte[] m = valid.clone();
            int flips = 1 + rnd.nextInt(8);
            for (int k = 0; k < flips; k++) m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
            probes.add(new Probe("bit flips", upload(m, "")));
        }
        for (int i = 0; i < 2000; i++) {
            probes.add(new Probe("truncated", upload(Arrays.copyOf(valid, rnd.nextInt(valid.length)), "")));
        }
        for (int i = 0; i < 800; i++) {
            byte[] m = Arrays.copyOf(valid, valid.length + 1 + rnd.nextInt(5000));
            for (int k = valid.length; k < m.length; k++) m[k] = (byte) rnd.nextInt(256);
            probes.add(new Probe("trailing bytes", upload(m, "")));
        }
        for (int i = 0; i < 800; i++) {
            // A byte range deleted or duplicated in the middle: lengths and offsets no longer line up.
            int at = rnd.nextInt(valid.length), len = 1 + rnd.nextInt(64);
            byte[] m;
            if (rnd.nextBoolean()) {
                m = new byte[Math.max(0, valid.length - len)];
                System.arraycopy(valid, 0, m, 0, Math.min(at, m.length));
                if (at + len < valid.length) System.arraycopy(valid, at + len, m, at, valid.length - at - len);
            } else {
                m = new byte[valid.length + len];
                System.arraycopy(valid, 0, m, 0, at);
                System.arraycopy(valid, at, m, at, Math.min(len, valid.length - at));
                System.arraycopy(valid, at, m, at + len, valid.length - at);
            }
            probes.add(new Probe("spliced", upload(m, "")));
        }
        for (int i = 0; i < 700; i++) {
            byte[] m = new byte[rnd.nextInt(4096)];
            rnd.nextBytes(m);
            if (rnd.nextBoolean() && m.length >= 8) System.arraycopy(valid, 0, m, 0, 8);   // right magic, junk after
            probes.add(new Probe("random", upload(m, "")));
        }
        for (int i = 0; i < 20; i++) {
            byte[] m = Arrays.copyOf(valid, (int) MAX_UPLOAD + 1 + rnd.nextInt(100_000));
            probes.add(new Probe("oversized", upload(m, "")));
        }
        // A valid snapshot with invalid request details: refused before storing.
        String[] badQueries = {"?title=" + "x".repeat(300), "?title=%00%01", "?title=a%0Ab", "?parent=..%2F..%2Fetc", "?parent=" + SnapshotIds.newId(),
                "?parent=", "?parent=AAAA", "?parent=%25ZZ", "?title=ok&parent=" + "A".repeat(23)};
        for (int i = 0; i < 900; i++) {
            String q = badQueries[rnd.nextInt(badQueries.length)];
            if (q.equals("?parent=")) q = "?parent=" + SnapshotIds.newId().substring(0, 21) + "!";
            probes.add(new Probe("bad title/parent", upload(valid, q)));
        }
        // The runner with malformed or impossible requests.
        String[] runs = {"", "{", "[]", "null", "42", "\"x\"", "{\"snapshot\": 1}", "{\"image\": null, \"snapshot\": null}", "{\"snapshot\": \"../../x\"}",
                "{\"snapshot\": \"" + SnapshotIds.newId() + "\"}", "{\"image\": \"nope\"}", "{\"image\": \"a\", \"snapshot\": \"b\"}",
                "{\"snapshot\": \"x\", \"maxInstructions\": -1}", "{\"snapshot\": \"x\", \"timeoutMs\": 1e400}", "{\"snapshot\": \"x\", \"maxInstructions\": 99999999999999999999999}",
                "{\"snapshot\": \"x\", \"input\": 5}", "{\"snapshot\": \"x\", \"until\": {}}", "{\"extra\": true}", "{\"snapshot\": \"x\"}}}", "\u0000\u0001"};
        for (int i = 0; i < 1000; i++) {
            String body = runs[rnd.nextInt(runs.length)];
            if (rnd.nextInt(4) == 0 && body.length() > 1) body = body.substring(0, rnd.nextInt(body.length()));
            probes.add(new Probe("bad run request", HttpRequest.newBuilder(uri("/api/runs")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
        }
        // Fetches of ids that do not exist or cannot be ids, odd methods and headers.
        String[] paths = {"/api/snapshots/" + SnapshotIds.newId(), "/api/snapshots/x", "/api/snapshots/%2e%2e", "/api/snapshots/" + "A".repeat(5000),
                "/api/snapshots/" + SnapshotIds.newId() + "/meta", "/api/snapshots//meta", "/s/..%2F..%2Fpom.xml", "/api/snapshots/%00"};
        for (int i = 0; i < 800; i++) {
            String p = paths[rnd.nextInt(paths.length)];
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(p)).header("Range", "bytes=" + rnd.nextInt(100) + "-" + (rnd.nextInt(200) - 100));
            switch (rnd.nextInt(4)) {
                case 0 -> b.DELETE();
                case 1 -> b.PUT(HttpRequest.BodyPublishers.ofByteArray(valid));
                default -> b.GET();
            }
            probes.add(new Probe("bad fetch", b.build()));
        }
        assertTrue(probes.size() >= 10_000, "campaign size " + probes.size());
        long files = blobs.fileCount(), snapshots = server.snapshotStore().count();
        int created = fire(probes);
        assertEquals(List.of(), serverErrors.subList(0, Math.min(20, serverErrors.size())), "no 5xx and JSON errors only");
        System.out.println("connection errors: " + connectionErrors);
        assertEquals(0, created, "no invalid snapshot was accepted");
        assertEquals(files, blobs.fileCount(), "not one file stored (or left behind)");
        assertEquals(snapshots, server.snapshotStore().count());

        // Mutations with the checksums repaired reach the checks behind them (versions, section table, the
        // configuration, every device section and RAM's page map, all decoded at upload by Snapshot.validate). A
        // flip can be harmless (a register value, a stored RAM byte): the server must store exactly the mutations
        // that validate here, each as one new snapshot, and answer 4xx to all others.
        List<Probe> deep = new ArrayList<>();
        int validating = 0;
        for (int i = 0; i < 1500; i++) {
            byte[] m = valid.clone();
            int flips = 1 + rnd.nextInt(3);
            // Mostly the header, the section table and the configuration section (the first ~200 bytes).
            for (int k = 0; k < flips; k++) m[rnd.nextInt(Math.min(m.length - 8, rnd.nextBoolean() ? 200 : m.length))] ^= (byte) (1 << rnd.nextInt(8));
            byte[] repaired = TestSnapshots.fixChecksums(m);
            try {
                org.x86play.snapshot.Snapshot.parse(repaired).validate(new org.x86play.snapshot.JdkCompression());
                validating++;
            } catch (org.x86play.snapshot.SnapshotFormatException refused) {
                // the server must refuse it too
            }
            deep.add(new Probe("checksum-repaired", upload(repaired, "")));
        }
        long before = server.snapshotStore().count();
        int accepted = fire(deep);
        assertEquals(List.of(), serverErrors.subList(0, Math.min(20, serverErrors.size())));
        assertEquals(before + accepted, server.snapshotStore().count(), "every 201 is one snapshot, every refusal none");
        assertEquals(validating, accepted, "the server stores exactly the repaired mutations that validate");
        assertTrue(accepted < deep.size(), "repaired mutations of the header and configuration are refused: " + accepted);

        // A connection the server closes (after an answer to a body it did not read) can race with the client
        // reusing it; that is a transport hiccup, not a server error, and must stay rare.
        int dropped = connectionErrors.values().stream().mapToInt(AtomicInteger::get).sum();
        assertTrue(dropped <= 10, "connections dropped: " + connectionErrors);
        // Still serving, and a valid upload round-trips.
        HttpResponse<byte[]> ok = http.send(upload(valid, "?title=after"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, ok.statusCode());
        String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok.body()).get("id").asText();
        assertArrayEquals(valid, http.send(HttpRequest.newBuilder(uri("/api/snapshots/" + id)).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
        int total = probes.size() + deep.size();
        System.out.println("hostile input: " + total + " requests " + kinds + "; statuses " + new TreeMap<>(statuses) + "; "
                + serverErrors.size() + " server errors; store files " + files + " before and after the invalid ones; "
                + accepted + " of " + deep.size() + " checksum-repaired mutations passed Snapshot.parse and validate and were stored; connection errors "
                + connectionErrors);
    }
}
