package org.x86play.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The same boot on the JavaScript build of the core, forced with ?target=js (the fallback for browsers without WasmGC). */
@Tag("browser")
@Tag("guest")
@ExtendWith(TestBedExtension.class)
class JsFallbackPlaygroundTest {
    /** The JS build runs the core several times slower than WasmGC. */
    static final Duration BOOT_LIMIT = Duration.ofMinutes(40);

    @Test
    void theJavaScriptCoreBootsLinuxToAShellThatComputes(TestBed bed) throws Exception {
        try (PlaygroundPage page = PlaygroundPage.open(bed, "?target=js")) {
            assertEquals("js", page.target());
            assertTrue(page.page.locator("#target").textContent().startsWith("JS (forced"), "status line");
            GuestShell.bootAndCompute(page, BOOT_LIMIT, "boot-js");
        }
    }
}
