package org.x86play.e2e;

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

    @Override
    public void close() {
        try {
            wasmGc.close();
        } finally {
            js.close();
        }
    }
}
