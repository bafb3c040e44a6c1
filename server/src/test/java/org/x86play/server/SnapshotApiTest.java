package org.x86play.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.x86play.server.snapshots.ChunkedSnapshotStore;
import org.x86play.server.snapshots.LocalBlobStore;
import org.x86play.server.snapshots.SnapshotIds;

/** The share-link API and the runner over real HTTP on a free port, with the embedded store in a temporary directory. */
class SnapshotApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MAX_UPLOAD = 1 << 20;

    @TempDir
    static Path dir;
    static PlaygroundServer server;
    static LocalBlobStore blobs;
    static TestSnapshots.Taken snap;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        snap = TestSnapshots.hello(dir, 300);
        blobs = LocalBlobStore.open(dir.resolve("store"));
        server = PlaygroundServer.start(ServerConfig.defaults().withPort(0).withImageDirs(List.of())
                .withSnapshotStore(new ChunkedSnapshotStore(blobs)).withMaxUploadBytes(MAX_UPLOAD)
                .withRunnerImages(List.of(TestSnapshots.helloRom())));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Status line and body of an answer read from a raw socket. */
    record RawAnswer(String head, byte[] body) {
        int statusCode() {
            return Integer.parseInt(head.substring(9, 12));
        }

        JsonNode json() throws IOException {
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), head);
            return JSON.readTree(body);
        }
    }

    /**
     * Posts a body the server refuses from its Content-Length alone, over a raw socket. The server answers 413 and
     * closes without reading the body, so an HTTP client still writing it may see a broken pipe instead of the
     * answer (a race, which made this test flaky); here the body is written best-effort and the answer read in any
     * case. (Java 17's HttpClient with Expect: 100-continue would avoid the race but hangs on a final non-100 answer.)
     */
    static RawAnswer postTooLarge(String path, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                out.write(body);
                out.flush();
            } catch (IOException refusedAlready) {
                // the server answered and closed before taking the whole body: read its answer below
            }
            InputStream in = s.getInputStream();
            String head = readHead(in);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            byte[] answer = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
            return new RawAnswer(head, answer);
        }
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        return JSON.readTree(r.body());
    }

    @Test
    void uploadFetchMetaAndSharePage() throws Exception {
        long before = server.snapshotStore().count();
        HttpResponse<byte[]> up = post("/api/snapshots?title=hello%20at%20300", snap.data());
        assertEquals(201, up.statusCode(), new String(up.body(), StandardCharsets.UTF_8));
        JsonNode created = json(up);
        String id = created.get("id").asText();
        assertTrue(SnapshotIds.isWellFormed(id), id);
        assertEquals("/s/" + id, created.get("url").asText());
        assertEquals("/s/" + id, up.headers().firstValue("Location").orElseThrow());
        assertEquals(before + 1, server.snapshotStore().count());

        HttpResponse<byte[]> got = send(HttpRequest.newBuilder(uri("/api/snapshots/" + id)));
        assertEquals(200, got.statusCode());
        assertArrayEquals(snap.data(), got.body());
        String etag = got.headers().firstValue("ETag").orElseThrow();
        assertTrue(got.headers().firstValue("Cache-Control").orElse("").contains("immutable"));
        assertEquals(304, send(HttpRequest.newBuilder(uri("/api/snapshots/" + id)).header("If-None-Match", etag)).statusCode());
        HttpResponse<byte[]> part = send(HttpRequest.newBuilder(uri("/api/snapshots/" + id)).header("Range", "bytes=8-15"));
        assertEquals(206, part.statusCode());
        assertEquals("bytes 8-15/" + snap.data().length, part.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOfRange(snap.data(), 8, 16), part.body());
        assertEquals(416, send(HttpRequest.newBuilder(uri("/api/snapshots/" + id)).header("Range", "bytes=999999-")).statusCode());

        JsonNode meta = json(send(HttpRequest.newBuilder(uri("/api/snapshots/" + id + "/meta"))));
        assertEquals(id, meta.get("id").asText());
        assertEquals("hello at 300", meta.get("title").asText());
        assertTrue(meta.get("parent").isNull());
        assertEquals(snap.data().length, meta.get("size").asLong());
        assertEquals(etag, "\"" + meta.get("sha256").asText() + "\"");
        assertEquals("bios", meta.get("config").get("boot").asText());
        assertEquals(128, meta.get("config").get("memMb").asInt());
        assertNotNull(java.time.Instant.parse(meta.get("created").asText()));

        // A child snapshot names its parent (header form); an unknown parent is refused.
        HttpResponse<byte[]> child = send(HttpRequest.newBuilder(uri("/api/snapshots")).header("X-Snapshot-Parent", id)
                .header("X-Snapshot-Title", "child").POST(HttpRequest.BodyPublishers.ofByteArray(snap.data())));
        assertEquals(201, child.statusCode());
        String childId = json(child).get("id").asText();
        assertEquals(id, json(send(HttpRequest.newBuilder(uri("/api/snapshots/" + childId + "/meta")))).get("parent").asText());
        assertEquals(404, post("/api/snapshots?parent=" + SnapshotIds.newId(), snap.data()).statusCode());

        HttpResponse<byte[]> page = send(HttpRequest.newBuilder(uri("/s/" + id)));
        assertEquals(200, page.statusCode());
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<base href=\"/\">") && html.contains("app.js"), html);

        for (String bad : new String[] {SnapshotIds.newId(), "nope", id + "A", "%2e%2e%2fmeta"}) {
            HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/api/snapshots/" + bad)));
            assertEquals(404, r.statusCode(), bad);
            assertTrue(json(r).get("error").asText().startsWith("no snapshot"), bad + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void oversizedUploadsGet413AndStoreNothing() throws Exception {
        long files = blobs.fileCount();
        byte[] big = new byte[(int) MAX_UPLOAD + 1];
        System.arraycopy(snap.data(), 0, big, 0, snap.data().length);
        RawAnswer r = postTooLarge("/api/snapshots", big);
        assertEquals(413, r.statusCode(), r.head());
        assertTrue(r.json().get("error").asText().contains("larger than"));
        // Declared far larger than allowed and never sent: refused from the header alone, before any body is read.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/snapshots HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 413"), head);
        }
        // Chunked, without a length: cut off once past the limit.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("POST /api/snapshots HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] piece = new byte[64 << 10];
            String head = null;
            try {
                for (int i = 0; i < 40; i++) {
                    out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(piece);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedEarly) {
                // the server answered and closed before the whole body was sent: that is the point
            }
            head = readHead(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 413"), head);
        }
        assertEquals(files, blobs.fileCount(), "nothing stored");
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            sb.append((char) b);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) break;
        }
        return sb.toString();
    }

    @Test
    void runnerResumesAStoredSnapshot() throws Exception {
        String id = json(post("/api/snapshots", snap.data())).get("id").asText();
        HttpResponse<byte[]> r = post("/api/runs", ("{\"snapshot\": \"" + id + "\", \"input\": \"ignored\\n\", \"timeoutMs\": 20000}")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode out = json(r);
        String whole = TestSnapshots.helloOutput();
        assertTrue(whole.length() > snap.output().length() && whole.startsWith(snap.output()));
        assertEquals(whole.substring(snap.output().length()), out.get("output").asText(), "the resumed run continues where the snapshot stopped");
        assertEquals("debug_exit", out.get("stopReason").asText());
        assertTrue(out.get("instructions").asLong() > 0);
        assertEquals(128, out.get("stats").get("memMb").asInt());
        // "until" stops early; an instruction budget is honoured.
        JsonNode early = json(post("/api/runs", ("{\"snapshot\": \"" + id + "\", \"maxInstructions\": 50}").getBytes(StandardCharsets.UTF_8)));
        assertEquals("instruction_limit", early.get("stopReason").asText());
        assertEquals(50, early.get("instructions").asLong());
        String tail = whole.substring(snap.output().length());
        String marker = tail.substring(0, Math.min(6, tail.length()));
        JsonNode stopped = json(post("/api/runs", ("{\"snapshot\": \"" + id + "\", \"until\": " + JSON.writeValueAsString(marker) + "}")
                .getBytes(StandardCharsets.UTF_8)));
        // The stop request is honoured at the next chunk boundary; this guest may power off before it.
        assertTrue(List.of("stopped", "debug_exit").contains(stopped.get("stopReason").asText()), stopped.toString());
        assertTrue(stopped.get("output").asText().contains(marker));
        // Errors are 4xx JSON.
        assertEquals(404, post("/api/runs", ("{\"snapshot\": \"" + SnapshotIds.newId() + "\"}").getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(404, post("/api/runs", "{\"image\": \"none\"}".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(400, post("/api/runs", "{\"image\": \"a\", \"snapshot\": \"b\"}".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(400, post("/api/runs", "{\"snapshot\": 5}".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(400, post("/api/runs", "{\"snapshot\": \"x\", \"rm\": \"-rf\"}".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(400, post("/api/runs", "[1,2".getBytes(StandardCharsets.UTF_8)).statusCode());
    }

    @Test
    void aSnapshotWhoseImageTheServerDoesNotOfferIsRefusedWithoutReadingItsRecordedPath() throws Exception {
        // The same snapshot, served by a runner that has no firmware: the recorded path (which exists here) is not used.
        try (PlaygroundServer bare = PlaygroundServer.start(ServerConfig.defaults().withPort(0).withImageDirs(List.of())
                .withSnapshotStore(server.snapshotStore()))) {
            String id = json(post("/api/snapshots", snap.data())).get("id").asText();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bare.port() + "/api/runs"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"snapshot\": \"" + id + "\"}")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(422, r.statusCode());
            assertTrue(json(r).get("error").asText().contains("does not offer"), new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aFailingStoreIsA503AndARunRequestHasASizeLimit() throws Exception {
        org.x86play.server.snapshots.BlobStore broken = new org.x86play.server.snapshots.BlobStore() {
            @Override public void put(String key, byte[] data) throws IOException { throw new IOException("disk full"); }
            @Override public byte[] get(String key) throws IOException { throw new IOException("disk gone"); }
            @Override public boolean exists(String key) throws IOException { throw new IOException("disk gone"); }
            @Override public long count(String prefix) throws IOException { throw new IOException("disk gone"); }
        };
        try (PlaygroundServer s = PlaygroundServer.start(ServerConfig.defaults().withPort(0).withImageDirs(List.of())
                .withSnapshotStore(new ChunkedSnapshotStore(broken)))) {
            String base = "http://127.0.0.1:" + s.port();
            HttpResponse<byte[]> up = send(HttpRequest.newBuilder(URI.create(base + "/api/snapshots")).POST(HttpRequest.BodyPublishers.ofByteArray(snap.data())));
            assertEquals(503, up.statusCode());
            assertTrue(json(up).get("error").asText().contains("unavailable"));
            for (String path : new String[] {"/api/snapshots/" + SnapshotIds.newId(), "/api/snapshots/" + SnapshotIds.newId() + "/meta"}) {
                assertEquals(503, send(HttpRequest.newBuilder(URI.create(base + path))).statusCode(), path);
            }
            assertEquals(503, send(HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"snapshot\": \"" + SnapshotIds.newId() + "\"}"))).statusCode());
        }
        byte[] huge = ("{\"snapshot\": \"x\", \"input\": \"" + "a".repeat(RunRoutes.MAX_BODY) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals(413, postTooLarge("/api/runs", huge).statusCode());
        assertEquals(400, post("/api/runs", ("{\"snapshot\": \"x\", \"input\": \"" + "a".repeat(RunRoutes.MAX_INPUT + 1) + "\"}")
                .getBytes(StandardCharsets.UTF_8)).statusCode());
    }
}
