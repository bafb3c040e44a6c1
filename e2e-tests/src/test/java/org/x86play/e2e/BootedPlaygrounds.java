package org.x86play.e2e;

import java.time.Duration;

/**
 * The two boots of the reference guest, started together so their minutes overlap: one page on the
 * WebAssembly GC core (what Chromium picks by itself), one forced to the JavaScript core with ?target=js.
 * Each runs in its own browser context and Worker; the tests then wait on their own page. Created by the
 * first test class that asks (see {@link TestBedExtension}), closed at the end of the run.
 */
final class BootedPlaygrounds implements AutoCloseable {
    final PlaygroundPage wasmGc;
    final PlaygroundPage js;

    private BootedPlaygrounds(PlaygroundPage wasmGc, PlaygroundPage js) {
        this.wasmGc = wasmGc;
        this.js = js;
    }

    static BootedPlaygrounds start(TestBed bed) {
        PlaygroundPage wasmGc = PlaygroundPage.open(bed, "");
        PlaygroundPage js = PlaygroundPage.open(bed, "?target=js");
        try {
            wasmGc.clickBoot();
            js.clickBoot();
        } catch (RuntimeException e) {
            wasmGc.close();
            js.close();
            throw e;
        }
        return new BootedPlaygrounds(wasmGc, js);
    }

    /**
     * Waits until {@code page} shows the shell prompt, at most {@code limit} after its Boot click. Meanwhile
     * it looks at the other page too, so each boot time is when its prompt appeared (to about a second), not
     * when its test got to look. Returns the boot time of {@code page}.
     */
    Duration awaitShell(PlaygroundPage page, Duration limit) throws InterruptedException {
        while (true) {
            if (page.shellSeenAfter == null && page.serialMatches(GuestShell.SHELL_PROMPT, "the shell prompt")) {
                page.shellSeenAfter = page.sinceBoot();
            }
            PlaygroundPage other = page == wasmGc ? js : wasmGc;
            if (other.shellSeenAfter == null && other.serialMatchesQuietly(GuestShell.SHELL_PROMPT)) {
                other.shellSeenAfter = other.sinceBoot();   // its own test reports any failure
            }
            if (page.shellSeenAfter != null) return page.shellSeenAfter;
            if (page.sinceBoot().compareTo(limit) > 0) {
                throw page.failure("no shell prompt on COM1 within " + limit.toSeconds() + " s of the Boot click");
            }
            Thread.sleep(1000);
        }
    }

    @Override
    public void close() {
        try {
            wasmGc.close();
        } finally {
            js.close();
        }
    }
}
