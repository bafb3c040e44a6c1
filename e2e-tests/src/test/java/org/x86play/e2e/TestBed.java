package org.x86play.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.x86play.images.CommandRunner;
import org.x86play.images.ReferenceGuestBuilder;
import org.x86play.server.PlaygroundServer;
import org.x86play.server.ServerConfig;

/**
 * What every e2e test needs, started once per test run: the reference guest (built on first use), the
 * playground server on a free port, and Debian's Chromium driven by Playwright. Closed by JUnit at the end
 * of the run (it is kept in the root extension store, see {@link TestBedExtension}).
 */
final class TestBed implements AutoCloseable {
    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    /** Debian's Chromium in a container: no sandbox, no GPU, no background traffic. */
    static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    final Path root;
    final PlaygroundServer server;
    final Playwright playwright;
    final Browser browser;

    private TestBed(Path root, PlaygroundServer server, Playwright playwright, Browser browser) {
        this.root = root;
        this.server = server;
        this.playwright = playwright;
        this.browser = browser;
    }

    static TestBed start() throws Exception {
        Path root = Paths.get(System.getProperty("x86play.root", "..")).toAbsolutePath().normalize();
        ReferenceGuestBuilder guest = new ReferenceGuestBuilder(root.resolve("disk-images/build"),
                CommandRunner.system(), System.err);
        guest.ensureBuilt(false);
        PlaygroundServer server = PlaygroundServer.start(
                ServerConfig.defaults().withPort(0).withImageDirs(guest.referenceDir()));
        Playwright playwright = null;
        try {
            // The browser is Debian's: Playwright must not download its own (the surefire configuration sets
            // this variable too, for the driver's install step).
            playwright = Playwright.create(new Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(CHROMIUM_ARGS));
            return new TestBed(root, server, playwright, browser);
        } catch (RuntimeException e) {
            if (playwright != null) playwright.close();
            server.close();
            throw e;
        }
    }

    String url(String pathAndQuery) {
        String base = server.url();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery;
    }

    /** A fresh browser context (own cache and storage) with a viewport that shows the whole page. */
    BrowserContext newContext() {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(1600, 1000));
    }

    /** Screenshots go to target/screenshots/ of this module. */
    Path screenshot(String name) {
        return Paths.get(System.getProperty("x86play.e2e.screenshots", "target/screenshots"), name + ".png")
                .toAbsolutePath();
    }

    @Override
    public void close() {
        try {
            browser.close();
            playwright.close();
        } finally {
            server.close();
        }
    }
}
