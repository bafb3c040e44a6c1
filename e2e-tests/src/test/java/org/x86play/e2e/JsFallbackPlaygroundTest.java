package org.x86play.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same boot on the JavaScript build of the core, forced with ?target=js (the fallback for browsers
 * without WasmGC). It boots at the same time as the WasmGC page (see {@link BootedPlaygrounds}).
 */
@Tag("browser")
@Tag("guest")
@ExtendWith(TestBedExtension.class)
@Order(1)
class JsFallbackPlaygroundTest {
    /** From the Boot click; the JS build runs the core slower than WasmGC. */
    static final Duration BOOT_LIMIT = Duration.ofMinutes(40);

    @Test
    void theJavaScriptCoreBootsLinuxToAShellThatComputes(BootedPlaygrounds booted) throws Exception {
        PlaygroundPage page = booted.js;
        assertEquals("js", page.target());
        assertTrue(page.page.locator("#target").textContent().startsWith("JS (forced"), "status line");
        GuestShell.awaitShellAndCompute(booted, page, BOOT_LIMIT, "boot-js");
    }
}
