package org.x86play.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playground server over real HTTP on an ephemeral port: catalog, image ranges and validators, static files. */
class PlaygroundServerTest {
    static final int KERNEL_SIZE = 300_000;   // several 64 KiB stream chunks
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static PlaygroundServer server;
    static HttpClient http;
    static byte[] kernel, initrd;

    @BeforeAll
    static void start() throws Exception {
        Path image = Files.createDirectories(dir.resolve("test-image"));
        kernel = new byte[KERNEL_SIZE];
        new Random(42).nextBytes(kernel);
        initrd = "initrd bytes".getBytes();
        Files.write(image.resolve("vmlinuz"), kernel);
        Files.write(image.resolve("initrd.gz"), initrd);
        // Last-Modified is a strong validator only when it is older than a second (If-Range by date).
        Files.setLastModifiedTime(image.resolve("vmlinuz"), FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Files.writeString(image.resolve("image.json"), "{\"id\":\"test-image\",\"title\":\"Test image\",\"memMb\":64,"
                + "\"cmdline\":\"console=ttyS0\",\"files\":{\"kernel\":\"vmlinuz\",\"initrd\":\"initrd.gz\"}}");
        Files.writeString(image.resolve("secret.txt"), "not in the catalog");
        server = PlaygroundServer.start(ServerConfig.defaults().withPort(0).withImageDirs(dir));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url()).resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception { return send("GET", path, headers); }

    static String header(HttpResponse<?> r, String name) { return r.headers().firstValue(name).orElse(null); }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static String kernelEtag() throws Exception { return "\"" + sha256(kernel) + "\""; }

    static void assertJsonError(HttpResponse<byte[]> r, int status) throws IOException {
        assertEquals(status, r.statusCode());
        assertTrue(header(r, "Content-Type").startsWith("application/json"), header(r, "Content-Type"));
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.path("error").isTextual() && !body.path("error").asText().isEmpty(), new String(r.body()));
    }

    static final String KERNEL = "/images/test-image/vmlinuz";

    @Test
    void urlAndPort() {
        assertTrue(server.port() > 0);
        assertEquals("http://127.0.0.1:" + server.port() + "/", server.url());
    }

    @Test
    void catalogListsImagesWithSizesAndHashes() throws Exception {
        HttpResponse<byte[]> r = get("/api/images");
        assertEquals(200, r.statusCode());
        assertTrue(header(r, "Content-Type").startsWith("application/json"));
        JsonNode list = JSON.readTree(r.body());
        assertTrue(list.isArray());
        assertEquals(1, list.size());
        JsonNode e = list.get(0);
        assertEquals("test-image", e.get("id").asText());
        assertEquals("Test image", e.get("title").asText());
        assertEquals(64, e.get("memMb").asInt());
        assertEquals("console=ttyS0", e.get("cmdline").asText());
        JsonNode k = e.get("files").get("kernel");
        assertEquals(KERNEL, k.get("url").asText());
        assertEquals(KERNEL_SIZE, k.get("size").asLong());
        assertEquals(sha256(kernel), k.get("sha256").asText());
        JsonNode i = e.get("files").get("initrd");
        assertEquals("/images/test-image/initrd.gz", i.get("url").asText());
        assertEquals(initrd.length, i.get("size").asLong());
        assertEquals(sha256(initrd), i.get("sha256").asText());
    }

    @Test
    void fullGet() throws Exception {
        HttpResponse<byte[]> r = get(KERNEL);
        assertEquals(200, r.statusCode());
        assertEquals("bytes", header(r, "Accept-Ranges"));
        assertEquals(String.valueOf(KERNEL_SIZE), header(r, "Content-Length"));
        assertEquals("application/octet-stream", header(r, "Content-Type"));
        assertEquals(kernelEtag(), header(r, "ETag"));
        assertNotNull(header(r, "Last-Modified"));
        assertNull(header(r, "Content-Range"));
        assertArrayEquals(kernel, r.body());
    }

    static void assertPartial(HttpResponse<byte[]> r, int first, int last) {
        assertEquals(206, r.statusCode());
        assertEquals("bytes " + first + "-" + last + "/" + KERNEL_SIZE, header(r, "Content-Range"));
        assertEquals(String.valueOf(last - first + 1), header(r, "Content-Length"));
        assertArrayEquals(Arrays.copyOfRange(kernel, first, last + 1), r.body());
    }

    @Test
    void partialRanges() throws Exception {
        assertPartial(get(KERNEL, "Range", "bytes=1000-1999"), 1000, 1999);
        assertPartial(get(KERNEL, "Range", "bytes=0-0"), 0, 0);
        assertPartial(get(KERNEL, "Range", "bytes=65530-140000"), 65530, 140000);   // across stream chunks
        assertPartial(get(KERNEL, "Range", "bytes=299000-999999"), 299000, KERNEL_SIZE - 1);
    }

    @Test
    void openEndedAndSuffixRanges() throws Exception {
        assertPartial(get(KERNEL, "Range", "bytes=250000-"), 250000, KERNEL_SIZE - 1);
        assertPartial(get(KERNEL, "Range", "bytes=-500"), KERNEL_SIZE - 500, KERNEL_SIZE - 1);
        assertPartial(get(KERNEL, "Range", "bytes=-999999"), 0, KERNEL_SIZE - 1);
    }

    @Test
    void unsatisfiableRangeIs416WithTheLength() throws Exception {
        for (String range : new String[] {"bytes=" + KERNEL_SIZE + "-", "bytes=400000-500000", "bytes=-0"}) {
            HttpResponse<byte[]> r = get(KERNEL, "Range", range);
            assertJsonError(r, 416);
            assertEquals("bytes */" + KERNEL_SIZE, header(r, "Content-Range"), range);
        }
    }

    @Test
    void malformedAndMultipleRangesGetTheFullBody() throws Exception {
        for (String range : new String[] {"bytes=abc", "bytes=20-10", "pages=1-2", "bytes 0-10", "bytes=0-10,20-30"}) {
            HttpResponse<byte[]> r = get(KERNEL, "Range", range);
            assertEquals(200, r.statusCode(), range);
            assertNull(header(r, "Content-Range"), range);
            assertArrayEquals(kernel, r.body(), range);
        }
    }

    @Test
    void ifRange() throws Exception {
        HttpResponse<byte[]> stale = get(KERNEL, "Range", "bytes=0-9", "If-Range", "\"0123\"");
        assertEquals(200, stale.statusCode());
        assertArrayEquals(kernel, stale.body());
        HttpResponse<byte[]> weak = get(KERNEL, "Range", "bytes=0-9", "If-Range", "W/" + kernelEtag());
        assertEquals(200, weak.statusCode(), "If-Range needs a strong match");
        HttpResponse<byte[]> oldDate = get(KERNEL, "Range", "bytes=0-9", "If-Range", "Sun, 06 Nov 1994 08:49:37 GMT");
        assertEquals(200, oldDate.statusCode());
        assertPartial(get(KERNEL, "Range", "bytes=0-9", "If-Range", kernelEtag()), 0, 9);
        String lastModified = header(get(KERNEL), "Last-Modified");
        assertPartial(get(KERNEL, "Range", "bytes=0-9", "If-Range", lastModified), 0, 9);
    }

    @Test
    void conditionalRequests() throws Exception {
        HttpResponse<byte[]> r = get(KERNEL, "If-None-Match", kernelEtag());
        assertEquals(304, r.statusCode());
        assertEquals(0, r.body().length);
        assertEquals(kernelEtag(), header(r, "ETag"));
        assertEquals(304, get(KERNEL, "If-None-Match", "\"a\", W/" + kernelEtag()).statusCode());   // weak comparison
        assertEquals(304, get(KERNEL, "If-None-Match", "*").statusCode());
        assertEquals(304, send("HEAD", KERNEL, "If-None-Match", kernelEtag()).statusCode());
        assertEquals(200, get(KERNEL, "If-None-Match", "\"something-else\"").statusCode());
        assertEquals(304, get(KERNEL, "If-Modified-Since", header(r, "Last-Modified")).statusCode());
        assertEquals(200, get(KERNEL, "If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT").statusCode());
        assertJsonError(get(KERNEL, "If-Match", "\"something-else\""), 412);
        assertEquals(200, get(KERNEL, "If-Match", kernelEtag()).statusCode());
    }

    @Test
    void headHasTheHeadersButNoBody() throws Exception {
        HttpResponse<byte[]> r = send("HEAD", KERNEL);
        assertEquals(200, r.statusCode());
        assertEquals(String.valueOf(KERNEL_SIZE), header(r, "Content-Length"));
        assertEquals("bytes", header(r, "Accept-Ranges"));
        assertEquals(kernelEtag(), header(r, "ETag"));
        assertEquals(0, r.body().length);
        // Range is defined for GET only (RFC 9110 §14.2)
        HttpResponse<byte[]> ranged = send("HEAD", KERNEL, "Range", "bytes=0-9");
        assertEquals(200, ranged.statusCode());
        assertEquals(String.valueOf(KERNEL_SIZE), header(ranged, "Content-Length"));
    }

    @Test
    void onlyCatalogFilesAreServed() throws Exception {
        assertJsonError(get("/images/test-image/secret.txt"), 404);
        assertJsonError(get("/images/test-image/image.json"), 404);
        assertJsonError(get("/images/nope/vmlinuz"), 404);
        assertJsonError(get("/images/test-image/..%2Fsecret.txt"), 404);
        assertJsonError(get("/images/test-image/%2e%2e%2ftest-image%2fsecret.txt"), 404);
        HttpResponse<byte[]> head = send("HEAD", "/images/test-image/secret.txt");
        assertEquals(404, head.statusCode());
        assertEquals("application/json", header(head, "Content-Type"));
        for (String p : new String[] {"/images/test-image/../test-image/secret.txt", "/images/..%2F..%2Fetc/passwd",
                "/images/test-image/vmlinuz/extra", "/images/test-image/%00"}) {
            HttpResponse<byte[]> r = get(p);
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, p + " -> " + r.statusCode());
            assertJsonError(r, r.statusCode());
            assertFalse(new String(r.body()).contains("not in the catalog"), p);
        }
    }

    @Test
    void unknownPathsAreJson404() throws Exception {
        assertJsonError(get("/no-such-page.html"), 404);
        assertJsonError(get("/api/nothing"), 404);
    }

    @Test
    void staticFilesHaveTheirContentTypes() throws Exception {
        HttpResponse<byte[]> wasm = get("/test-probe/probe.wasm");
        assertEquals(200, wasm.statusCode());
        assertEquals("application/wasm", header(wasm, "Content-Type"));
        assertArrayEquals(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}, wasm.body());
        assertEquals("no-cache", header(wasm, "Cache-Control"));
        HttpResponse<byte[]> js = get("/test-probe/probe.js");
        assertEquals(200, js.statusCode());
        assertTrue(header(js, "Content-Type").startsWith("text/javascript"), header(js, "Content-Type"));
        HttpResponse<byte[]> index = get("/test-probe/");
        assertEquals(200, index.statusCode());
        assertTrue(header(index, "Content-Type").startsWith("text/html"), header(index, "Content-Type"));
        assertTrue(new String(index.body()).contains("<title>probe</title>"));
    }

    @Test
    void xtermFromNpmIsServed() throws Exception {
        HttpResponse<byte[]> js = get("/vendor/xterm/xterm.js");
        assertEquals(200, js.statusCode());
        assertTrue(header(js, "Content-Type").startsWith("text/javascript"), header(js, "Content-Type"));
        assertTrue(new String(js.body()).contains("Terminal"));
        HttpResponse<byte[]> css = get("/vendor/xterm/xterm.css");
        assertEquals(200, css.statusCode());
        assertTrue(header(css, "Content-Type").startsWith("text/css"), header(css, "Content-Type"));
    }

    @Test
    void thePageIsServedAtTheRoot() throws Exception {
        assumeTrue(getClass().getResource("/web/index.html") != null, "static/index.html is not written yet");
        HttpResponse<byte[]> r = get("/");
        assertEquals(200, r.statusCode());
        assertTrue(header(r, "Content-Type").startsWith("text/html"), header(r, "Content-Type"));
    }

    @Test
    void aRebuiltFileGetsANewHashAndEtag() throws Exception {
        Path d = Files.createDirectories(dir.resolve("other").resolve("changing"));
        Path k = d.resolve("k.bin");
        Files.write(k, new byte[] {1, 2, 3});
        Files.writeString(d.resolve("image.json"), "{\"id\":\"changing\",\"files\":{\"kernel\":\"k.bin\"}}");
        try (PlaygroundServer s = PlaygroundServer.start(ServerConfig.defaults().withPort(0).withImageDirs(dir.resolve("other")))) {
            URI base = URI.create(s.url());
            String etag1 = http.send(HttpRequest.newBuilder(base.resolve("/images/changing/k.bin")).build(),
                    HttpResponse.BodyHandlers.discarding()).headers().firstValue("ETag").orElseThrow();
            Files.write(k, new byte[] {4, 5, 6, 7});
            Files.setLastModifiedTime(k, FileTime.fromMillis(System.currentTimeMillis() + 5000));
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/images/changing/k.bin"))
                    .header("If-None-Match", etag1).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertArrayEquals(new byte[] {4, 5, 6, 7}, r.body());
            assertEquals("\"" + sha256(new byte[] {4, 5, 6, 7}) + "\"", header(r, "ETag"));
            JsonNode cat = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/api/images")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            assertEquals(4, cat.get(0).get("files").get("kernel").get("size").asInt());
            assertEquals("changing", cat.get(0).get("title").asText());   // title defaults to the id
        }
    }

    @Test
    void aPortInUseIsAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> PlaygroundServer.start(ServerConfig.defaults().withPort(server.port()).withImageDirs(dir)));
        assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
    }
}
