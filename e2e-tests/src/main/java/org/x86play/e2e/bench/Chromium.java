package org.x86play.e2e.bench;

import com.microsoft.playwright.BrowserType;
import java.nio.file.Paths;
import java.util.List;

/** Debian's Chromium, headless, without the background traffic a closed network refuses. */
final class Chromium {
    static BrowserType.LaunchOptions options() {
        return new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get("/usr/bin/chromium"))
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync"));
    }

    private Chromium() {}
}
