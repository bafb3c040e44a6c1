package org.x86play.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.APIRequest;
import com.microsoft.playwright.APIRequestContext;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.options.RequestOptions;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The image files through the server's HTTP Range handler (RFC 9110 section 14), end to end over real HTTP
 * with Playwright's request client: the bytes the page assembles from ranges are the bytes on disk.
 */
@Tag("browser")
@ExtendWith(TestBedExtension.class)
@Order(0)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageRangeTest {
    APIRequestContext http;
    String url;          // the initrd's URL from the catalog
    int size;
    byte[] onDisk;
    JsonNode initrd;

    @BeforeAll
    void readCatalog(TestBed bed) throws Exception {
        http = bed.playwright.request().newContext(new APIRequest.NewContextOptions().setBaseURL(bed.url("")));
        APIResponse catalog = http.get("/api/images");
        assertEquals(200, catalog.status(), catalog.text());
        JsonNode images = new ObjectMapper().readTree(catalog.body());
        JsonNode reference = null;
        for (JsonNode image : images) if ("debian-reference".equals(image.path("id").asText())) reference = image;
        assertNotNull(reference, "the catalog lists the reference guest: " + images);
        initrd = reference.path("files").path("initrd");
        url = initrd.path("url").asText();
        size = initrd.path("size").asInt();
        onDisk = Files.readAllBytes(bed.root.resolve("disk-images/build/reference/initrd.gz"));
        assertEquals(onDisk.length, size, "catalog size of " + url);
        JsonNode kernel = reference.path("files").path("kernel");
        assertEquals(Files.size(bed.root.resolve("disk-images/build/reference/vmlinuz")), kernel.path("size").asLong());
    }

    @AfterAll
    void dispose() {
        if (http != null) http.dispose();
    }

    APIResponse get(String range) {
        return http.get(url, RequestOptions.create().setHeader("Range", range));
    }

    @Test
    void fullRequestGivesTheWholeFileWithItsValidators() throws Exception {
        APIResponse r = http.get(url);
        assertEquals(200, r.status());
        assertArrayEquals(onDisk, r.body());
        assertEquals("bytes", r.headers().get("accept-ranges"));
        assertNotNull(r.headers().get("etag"), "ETag");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body()));
        assertEquals(initrd.path("sha256").asText(), sha, "the catalog's SHA-256");
    }

    @Test
    void partialRequestGivesExactlyThatRange() {
        APIResponse r = get("bytes=1000-263143");
        assertEquals(206, r.status());
        assertEquals("bytes 1000-263143/" + size, r.headers().get("content-range"));
        assertArrayEquals(Arrays.copyOfRange(onDisk, 1000, 263144), r.body());
    }

    @Test
    void openEndedAndSuffixRequestsRunToTheEnd() {
        APIResponse open = get("bytes=" + (size - 700) + "-");
        assertEquals(206, open.status());
        assertEquals("bytes " + (size - 700) + "-" + (size - 1) + "/" + size, open.headers().get("content-range"));
        assertArrayEquals(Arrays.copyOfRange(onDisk, size - 700, size), open.body());

        APIResponse suffix = get("bytes=-500");
        assertEquals(206, suffix.status());
        assertEquals("bytes " + (size - 500) + "-" + (size - 1) + "/" + size, suffix.headers().get("content-range"));
        assertArrayEquals(Arrays.copyOfRange(onDisk, size - 500, size), suffix.body());

        // A last-byte-pos past the end is cut to the file's end (section 14.1.2), not refused.
        APIResponse past = get("bytes=" + (size - 10) + "-" + (size + 1000));
        assertEquals(206, past.status());
        assertArrayEquals(Arrays.copyOfRange(onDisk, size - 10, size), past.body());
    }

    @Test
    void unsatisfiableRequestIs416WithTheCompleteLength() {
        APIResponse r = get("bytes=" + size + "-");
        assertEquals(416, r.status());
        assertEquals("bytes */" + size, r.headers().get("content-range"));
    }

    @Test
    void ifRangeServesTheRangeOnlyForTheCurrentEntityTag() {
        String etag = http.head(url).headers().get("etag");
        APIResponse current = http.get(url, RequestOptions.create().setHeader("Range", "bytes=0-99").setHeader("If-Range", etag));
        assertEquals(206, current.status());
        assertArrayEquals(Arrays.copyOf(onDisk, 100), current.body());

        APIResponse stale = http.get(url, RequestOptions.create().setHeader("Range", "bytes=0-99")
                .setHeader("If-Range", "\"not-this-version\""));
        assertEquals(200, stale.status(), "a stale If-Range means the whole file");
        assertArrayEquals(onDisk, stale.body());
    }

    @Test
    void headDescribesTheFileWithoutABody() {
        APIResponse r = http.head(url);
        assertEquals(200, r.status());
        assertEquals(String.valueOf(size), r.headers().get("content-length"));
        assertTrue(r.body().length == 0, "HEAD has no body");
    }
}
