package org.x86play.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reference Linux guest in the page on the WebAssembly GC build of the core (what Chromium picks by
 * itself). One boot serves both tests: the shell it reaches is then used for the pause test. Runs after
 * {@link JsFallbackPlaygroundTest} (both boots start together), so the pause is measured while no other
 * guest boots on the machine.
 */
@Tag("browser")
@Tag("guest")
@ExtendWith(TestBedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(2)
class WasmGcPlaygroundTest {
    static final Duration BOOT_LIMIT = Duration.ofMinutes(15);
    static final double PAUSE_LIMIT_MS = 500;

    BootedPlaygrounds booted;
    PlaygroundPage page;
    boolean shellReady;

    @BeforeAll
    void bootStarted(BootedPlaygrounds booted) {
        this.booted = booted;
        page = booted.wasmGc;
    }

    @Test
    @Order(1)
    void chromiumGetsTheWasmGcCoreWhichBootsLinuxToAShellThatComputes() throws Exception {
        assertEquals("wasm-gc", page.target(), "feature detection in Chromium");
        assertTrue(page.page.locator("#target").textContent().startsWith("WasmGC"), "status line names the target");
        GuestShell.awaitShellAndCompute(booted, page, BOOT_LIMIT, "boot-wasm-gc");
        shellReady = true;
    }

    @Test
    @Order(2)
    void pauseStopsACpuBoundGuestWithinHalfASecondWhileThePageStaysResponsive() {
        assumeTrue(shellReady, "needs the shell booted by the previous test");
        page.typeLineInTerminal("while :; do :; done");
        long before = instructions();
        // While the guest spins, the page's event loop keeps running: the worst delay of a 0 ms timer over 2 s.
        double worstLagMs = ((Number) page.page.evaluate("async () => {"
                + " let worst = 0; const end = performance.now() + 2000;"
                + " while (performance.now() < end) {"
                + "   const t = performance.now(); await new Promise(r => setTimeout(r, 0));"
                + "   worst = Math.max(worst, performance.now() - t); }"
                + " return worst; }")).doubleValue();
        // (Playwright passes numbers as JS numbers from Double/Integer, not from Long.)
        page.page.waitForFunction("([n]) => window.playground.stats.instructions > n", List.of((double) before));
        // The emulator runs in the Worker: the page's own thread is never held for long. (The bound leaves room
        // for a loaded host's scheduler; a blocked main thread would show seconds.)
        assertTrue(worstLagMs < 250, "page event loop stalled for " + worstLagMs + " ms while the guest ran");

        page.page.locator("#pause").click();
        page.waitForState("paused", Duration.ofSeconds(5));
        double latencyMs = ((Number) page.page.evaluate("() => window.playground.lastPauseLatencyMs")).doubleValue();
        System.err.printf("e2e: pause acknowledged %.1f ms after the click; worst page timer lag %.1f ms%n",
                latencyMs, worstLagMs);
        if (latencyMs >= PAUSE_LIMIT_MS) throw page.failure("pause took " + latencyMs + " ms");
        assertEquals("Resume", page.page.locator("#pause").textContent());

        page.page.locator("#pause").click();
        page.waitForState("running", Duration.ofSeconds(5));
        // Ctrl+C from the terminal interrupts the loop; the shell answers again.
        page.page.locator("#terminal .xterm-helper-textarea").focus();
        page.page.keyboard().press("Control+C");
        page.typeLineInTerminal("echo loop-ended-$((1+1))");
        page.waitForSerial("(^|\\n)loop-ended-2\\r?\\n", Duration.ofSeconds(60), "the shell after Ctrl+C");
    }

    private long instructions() {
        Map<String, Object> stats = page.stats();
        return stats == null ? 0 : ((Number) stats.get("instructions")).longValue();
    }
}
