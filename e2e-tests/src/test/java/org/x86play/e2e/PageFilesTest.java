package org.x86play.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.APIRequest;
import com.microsoft.playwright.APIRequestContext;
import com.microsoft.playwright.APIResponse;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every file the page loads is served, scripts with a JavaScript MIME type (module scripts require one). */
@Tag("browser")
@ExtendWith(TestBedExtension.class)
@Order(0)
class PageFilesTest {
    static final List<String> PAGE_FILES = List.of("/", "/app.js", "/worker.js", "/style.css", "/target.js",
            "/image-loader.js", "/serial-terminal.js", "/vga-screen.js", "/cp437.js", "/keyboard.js",
            "/stats-panel.js", "/vendor/xterm/xterm.js", "/vendor/xterm/xterm.css",
            "/client/wasm-gc/classes.wasm", "/client/wasm-gc/classes.wasm-runtime.js", "/client/js/classes.js");

    @Test
    void everyFileThePageLoadsIsServed(TestBed bed) {
        APIRequestContext http = bed.playwright.request().newContext(
                new APIRequest.NewContextOptions().setBaseURL(bed.url("")));
        try {
            for (String path : PAGE_FILES) {
                APIResponse r = http.head(path);
                assertEquals(200, r.status(), path);
                if (path.endsWith(".js")) {
                    String type = r.headers().get("content-type");
                    assertTrue(type != null && type.contains("javascript"), path + " is served as " + type);
                }
            }
            String wasmType = http.head("/client/wasm-gc/classes.wasm").headers().get("content-type");
            assertTrue(wasmType != null && wasmType.startsWith("application/wasm"),
                    "WebAssembly.compileStreaming needs application/wasm, got " + wasmType);
        } finally {
            http.dispose();
        }
    }
}
