package org.x86play.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.TimeoutError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.x86play.host.VmmMain;

/**
 * Share links end to end, and snapshots crossing between the browser and the JVM in both directions:
 * <ol>
 *   <li>the WebAssembly GC page booted by {@link WasmGcPlaygroundTest} leaves state in its shell (a file, a background
 *       process counting, a line on the VGA screen), is paused and Shared; the link, opened in a fresh browser
 *       context, shows the same screen, the file, and a counter that keeps counting;</li>
 *   <li>that resumed page writes another file and Shares again; the second link (a child of the first) resumes in
 *       another fresh context;</li>
 *   <li>the browser's snapshot runs natively through {@code ./vmm run --snapshot LINK} (in this JVM) and through
 *       {@code POST /api/runs}; the native run saves a snapshot of its own ({@code --save-snapshot}), which is
 *       uploaded and resumed in the browser.</li>
 * </ol>
 */
@Tag("browser")
@Tag("guest")
@ExtendWith(TestBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(3)
class ShareFlowTest {
    static final Duration SHARE_LIMIT = Duration.ofMinutes(3);
    static final Duration RESUME_LIMIT = Duration.ofMinutes(3);
    static final Duration SHELL_ANSWER = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    TestBed bed;
    BootedPlaygrounds booted;
    final HttpClient http = HttpClient.newHttpClient();
    /** The second share link (written by a resumed page), for the native runs. */
    String childId;

    @BeforeAll
    void started(TestBed bed, BootedPlaygrounds booted) {
        this.bed = bed;
        this.booted = booted;
    }

    @Test
    @Order(1)
    void aSharedLinkResumesTheGuestInAFreshContextWithItsScreenFilesAndProcesses() throws Exception {
        PlaygroundPage page = booted.wasmGc;
        booted.awaitShell(page, WasmGcPlaygroundTest.BOOT_LIMIT);
        page.typeLineInTerminal(SET_UP_STATE);
        shareAndResume(page);
    }

    /** A file and a background process counting once a second, in the shell of the reference guest. */
    static final String SET_UP_STATE = "echo shared-$((40+2)) > /tmp/file; "
            + "(i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 1; done) &";

    /** Shares {@code page}, whose shell ran {@link #SET_UP_STATE}, and resumes the link twice; sets {@link #childId}. */
    void shareAndResume(PlaygroundPage page) throws Exception {
        page.typeLineInTerminal("echo on-the-vga-screen-$((6*7)) > /dev/tty1; echo state-$((1+1))-ready");
        page.waitForSerial("(^|\\n)state-2-ready\\r?\\n", SHELL_ANSWER, "the state set up");

        // Paused, the screen cannot change: what it shows now is what the snapshot holds.
        page.page.locator("#pause").click();
        page.waitForState("paused", Duration.ofSeconds(10));
        String screen = screenText(page);
        assertTrue(screen.contains("on-the-vga-screen-42"), "the VGA console shows the line:\n" + screen);
        Map<String, Object> share = clickShare(page);
        assertEquals("paused", page.state(), "a paused machine stays paused after Share");
        page.page.locator("#pause").click();   // Resume
        page.waitForState("running", Duration.ofSeconds(10));
        String parentId = idOf((String) share.get("url"));

        try (PlaygroundPage resumed = openShareLink((String) share.get("url"))) {
            assertEquals(screen, screenText(resumed), "the screen right after the restore is the saved one");
            expectAnswer(resumed, "cat /tmp/file", "shared-42");
            long first = counter(resumed, "c1");
            Thread.sleep(3000);
            long second = counter(resumed, "c2");
            assertTrue(second > first, "the background counter keeps counting after the restore: " + first + " then " + second);
            resumed.screenshot("share-resumed");

            // The resumed guest changes and is shared again: a child of the first snapshot.
            resumed.typeLineInTerminal("echo from-the-browser-$((2*3)) > /tmp/file2; echo file2-$((1+1))-written");
            resumed.waitForSerial("(^|\\n)file2-2-written\\r?\\n", SHELL_ANSWER, "file2 written");
            Map<String, Object> child = clickShare(resumed);
            assertEquals("running", resumed.state(), "a running machine runs again after Share");
            childId = idOf((String) child.get("url"));
            JsonNode meta = getJson("/api/snapshots/" + childId + "/meta");
            assertEquals(parentId, meta.path("parent").asText(), "a snapshot of a resumed snapshot names its parent");
            assertEquals("linux", meta.path("config").path("boot").asText());

            try (PlaygroundPage grandchild = openShareLink((String) child.get("url"))) {
                expectAnswer(grandchild, "cat /tmp/file2", "from-the-browser-6");
                expectAnswer(grandchild, "cat /tmp/file", "shared-42");
                long c3 = counter(grandchild, "c3");
                assertTrue(c3 >= second, "the counter went on from where the second share left it: " + c3);
            }
        }
    }

    @Test
    @Order(2)
    void aBrowserSnapshotRunsNativelyAndANativeSnapshotResumesInTheBrowser() throws Exception {
        if (childId == null) throw new AssertionError("needs the browser snapshot of the previous test");
        String link = bed.url("/s/" + childId);
        Path ref = bed.root.resolve("disk-images/build/reference");
        Path nativeSnapshot = Paths.get("target", "share-native.snap").toAbsolutePath();
        Files.createDirectories(nativeSnapshot.getParent());
        Files.deleteIfExists(nativeSnapshot);
        String input = "cat /tmp/file2; echo c4=$(cat /tmp/count)\n"
                + "echo native-was-here > /tmp/file3; echo native-$((1+2))-done\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = new VmmMain(new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(out, true), new PrintStream(err, true)).execute(new String[] {
                    "run", "--snapshot", link, "--kernel", ref.resolve("vmlinuz").toString(),
                    "--initrd", ref.resolve("initrd.gz").toString(), "--until", "native-3-done",
                    "--timeout", "300", "--save-snapshot", nativeSnapshot.toString()});
        String console = out.toString(StandardCharsets.ISO_8859_1);
        String messages = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, "./vmm run --snapshot " + link + "\n" + messages + "\n" + console);
        assertTrue(Pattern.compile("(^|\\n)from-the-browser-6\\r?\\n").matcher(console).find(), console);
        assertTrue(Pattern.compile("(^|\\n)c4=\\d+\\r?\\n").matcher(console).find(), "the counter is still there: " + console);
        assertTrue(Files.size(nativeSnapshot) > 1_000_000, messages);
        System.err.println("e2e: ./vmm run --snapshot of the browser's share link: " + messages.strip().replace('\n', ' '));

        // The server's runner takes the same snapshot by id.
        String run = "{\"snapshot\":\"" + childId + "\",\"input\":\"cat /tmp/file2\\n\",\"until\":\"from-the-browser-6\"}";
        HttpResponse<String> ran = http.send(HttpRequest.newBuilder(URI.create(bed.url("/api/runs")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(run)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ran.statusCode(), ran.body());
        JsonNode outcome = JSON.readTree(ran.body());
        assertEquals("stopped", outcome.path("stopReason").asText(), ran.body());
        assertTrue(outcome.path("output").asText().contains("from-the-browser-6"), ran.body());

        // ...and the native snapshot resumes in the browser.
        HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(URI.create(bed.url("/api/snapshots?parent=" + childId)))
                .POST(HttpRequest.BodyPublishers.ofFile(nativeSnapshot)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        String nativeUrl = bed.url(JSON.readTree(uploaded.body()).path("url").asText());
        try (PlaygroundPage resumed = openShareLink(nativeUrl)) {
            expectAnswer(resumed, "cat /tmp/file3", "native-was-here");
            long c5 = counter(resumed, "c5");
            Thread.sleep(3000);
            assertTrue(counter(resumed, "c6") > c5, "the counter keeps counting in the browser");
            resumed.screenshot("share-native-in-browser");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Clicks Share and waits for the link; checks what the page shows and returns its record of the share. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> clickShare(PlaygroundPage page) {
        page.page.locator("#share").click();
        try {
            page.page.waitForFunction("() => window.playground.lastShare !== null && !window.playground.sharing"
                    + " || window.playground.state === 'error'", null,
                    new Page.WaitForFunctionOptions().setTimeout(SHARE_LIMIT.toMillis()).setPollingInterval(100));
        } catch (TimeoutError e) {
            throw page.failure("no share link within " + SHARE_LIMIT.toSeconds() + " s");
        }
        if ("error".equals(page.state())) throw page.failure("Share failed");
        page.page.waitForFunction("() => !window.playground.sharing");
        Map<String, Object> share = (Map<String, Object>) page.page.evaluate("() => window.playground.lastShare");
        String url = (String) share.get("url");
        assertTrue(url.startsWith("http") && url.contains("/s/"), "an absolute share link: " + url);
        assertEquals(url, page.page.locator("#share-url").textContent(), "the page shows the link");
        assertEquals("Upload", page.page.locator("#progress-label").textContent());
        assertTrue(page.page.locator("#progress-text").textContent().endsWith("(100 %)"), "upload progress");
        long size = ((Number) share.get("size")).longValue();
        System.err.printf("e2e: %s share: %d bytes (%s), saved in %.0f ms, uploaded in %.0f ms%n", page.target(), size,
                share.get("summary"), ((Number) share.get("saveMillis")).doubleValue(),
                ((Number) share.get("uploadMillis")).doubleValue());
        // The stored pages are deflated: a 128 MiB guest at a shell is ~33 MB of non-zero pages.
        assertTrue(size < 24_000_000, "browser snapshot compressed: " + size + " bytes, " + share.get("summary"));
        return share;
    }

    /** Opens a share link in a fresh browser context and waits until the restored guest runs and is drawn. */
    private PlaygroundPage openShareLink(String url) {
        String path = URI.create(url).getRawPath();
        PlaygroundPage p = PlaygroundPage.open(bed, path.substring(1));
        try {
            p.page.waitForFunction("() => window.playground.state === 'running' && window.playground.restoredScreenShown"
                    + " || window.playground.state === 'error' || window.playground.state === 'stopped'", null,
                    new Page.WaitForFunctionOptions().setTimeout(RESUME_LIMIT.toMillis()).setPollingInterval(100));
        } catch (TimeoutError e) {
            throw p.failure(url + " did not resume within " + RESUME_LIMIT.toSeconds() + " s");
        }
        if (!"running".equals(p.state())) throw p.failure(url + " did not resume");
        assertEquals(idOf(url), p.page.evaluate("() => window.playground.resumedFrom"));
        return p;
    }

    /** Types {@code command} and waits for {@code answer} alone on a line of COM1. */
    private static void expectAnswer(PlaygroundPage p, String command, String answer) {
        p.typeLineInTerminal(command);
        p.waitForSerial("(^|\\n)" + answer + "\\r?\\n",
                SHELL_ANSWER, "'" + answer + "' after " + command);
    }

    /** The background counter, printed as {@code tag=N}. */
    private static long counter(PlaygroundPage p, String tag) {
        p.typeLineInTerminal("echo " + tag + "=$(cat /tmp/count)");
        String re = "(^|\\n)" + tag + "=(\\d+)\\r?\\n";
        p.waitForSerial(re, SHELL_ANSWER, "the counter");
        Matcher m = Pattern.compile(re).matcher(p.serialText());
        long last = -1;
        while (m.find()) last = Long.parseLong(m.group(2));
        return last;
    }

    private static String screenText(PlaygroundPage p) {
        return (String) p.page.evaluate("() => window.playground.screenText()");
    }

    private static String idOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bed.url(path))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }
}
