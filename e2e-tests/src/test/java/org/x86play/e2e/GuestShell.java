package org.x86play.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The reference guest's interactive shell on COM1, driven through the page like a user would. */
final class GuestShell {
    /** init prints this line, then busybox sh prints its prompt ("~ # "). */
    static final String SHELL_PROMPT = "interactive shell on the console[\\s\\S]*# ";

    private GuestShell() {}

    /**
     * Waits for the shell of a page whose Boot was clicked (at most {@code bootLimit} after the click), types
     * {@code echo $((6*7))} into the terminal and expects {@code 42} on a line of its own; then checks the
     * download and stats panels and takes a screenshot. Returns the boot time.
     */
    static Duration awaitShellAndCompute(BootedPlaygrounds booted, PlaygroundPage p, Duration bootLimit,
            String screenshotName) throws Exception {
        Duration boot = booted.awaitShell(p, bootLimit);
        System.err.printf("e2e: %s reached the shell prompt %.0f s after the Boot click%n", p.target(),
                boot.toMillis() / 1000.0);

        p.typeLineInTerminal("echo $((6*7))");
        // The typed line is echoed as "echo $((6*7))"; only the shell's arithmetic prints 42 alone on a line.
        p.waitForSerial("(^|\\n)42\\r?\\n", Duration.ofSeconds(120), "'42' on a line of its own");

        assertEquals("running", p.state(), "machine state");
        String progress = p.page.locator("#progress-text").textContent();
        assertTrue(progress.endsWith("(100 %)"), "download progress: " + progress);
        // The stats panel shows the worker's figures (about once a second).
        p.page.waitForFunction("() => window.playground.stats && window.playground.stats.instructions > 0");
        assertNotEquals("—", p.page.locator("[data-stat=mips]").textContent(), "MIPS shown");
        assertNotEquals("—", p.page.locator("[data-stat=instructions]").textContent(), "instructions shown");
        // The worker sends the VGA text screen at least once (the reference guest itself writes to COM1 only).
        assertTrue(((Number) p.page.evaluate("() => window.playground.screenFrames")).intValue() >= 1, "VGA frames");

        Path shot = p.screenshot(screenshotName);
        assertTrue(Files.size(shot) > 10_000, "screenshot " + shot);
        System.err.println("e2e: screenshot " + shot);
        return boot;
    }
}
