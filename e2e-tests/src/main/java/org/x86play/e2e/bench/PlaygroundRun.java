package org.x86play.e2e.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;

/**
 * One boot of the playground page to GUEST-READY. Timing comes from the page's own clock through an init
 * script that watches the worker's messages (the page/worker contract: 'boot' out, 'serial' and 'stats'
 * in), so the bench depends on the protocol, not on how the page is written.
 */
final class PlaygroundRun {
    /** Installed before the page's scripts run: wraps Worker to time 'boot' → GUEST-READY. */
    private static final String WATCH = String.join("\n",
            "(() => {",
            "  const W = window.Worker;",
            "  const b = window.__bench = { bootAt: null, readyAt: null, serial: '', stats: null, statsAt: null, target: null, busy: 0 };",
            "  function Watched(url, opts) {",
            "    const w = new W(url, opts);",
            "    const post = w.postMessage.bind(w);",
            "    w.postMessage = (m, t) => { if (m && m.type === 'boot' && b.bootAt === null) b.bootAt = performance.now(); return post(m, t); };",
            "    w.addEventListener('message', e => {",
            "      const d = e.data;",
            "      if (!d) return;",
            "      if (d.type === 'loaded') b.target = d.target;",
            "      if (d.type === 'stats' && b.readyAt === null) {",
            // Host seconds spent executing in the last interval: its instructions at the speed while busy.
            "        const before = b.stats ? b.stats.instructions : 0;",
            "        if (d.runMips > 0) b.busy += (d.instructions - before) / (d.runMips * 1e6);",
            "        b.stats = d; b.statsAt = performance.now();",
            "      }",
            "      if (d.type === 'serial' && b.readyAt === null) {",
            "        b.serial = (b.serial + d.text).slice(-4096);",
            "        if (b.serial.includes('GUEST-READY')) b.readyAt = performance.now();",
            "      }",
            "    });",
            "    return w;",
            "  }",
            "  Watched.prototype = W.prototype;",
            "  window.Worker = Watched;",
            "})();");

    final double seconds, mips;
    /** Host seconds the worker spent executing guest instructions (the rest: waiting for guest timers, messages). */
    final double busySeconds;
    final String cmdline;

    private PlaygroundRun(double seconds, double mips, double busySeconds, String cmdline) {
        this.seconds = seconds;
        this.mips = mips;
        this.busySeconds = busySeconds;
        this.cmdline = cmdline;
    }

    static PlaygroundRun measure(Browser browser, String base, String image, String target, int timeoutSeconds) {
        try (BrowserContext ctx = browser.newContext()) {
            ctx.addInitScript(WATCH);
            Page page = ctx.newPage();
            page.navigate(base + "?image=" + image + "&autoboot=1&target=" + target);
            String cmdline = cmdlineOf(page, image);
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) page.evaluate("() => { const b = window.__bench;"
                        + " return b.readyAt === null ? null : { s: (b.readyAt - b.bootAt) / 1000, target: b.target,"
                        + " insns: b.stats ? b.stats.instructions : 0, at: b.stats ? (b.statsAt - b.bootAt) / 1000 : 0, busy: b.busy }; }");
                if (r != null) {
                    if (!target.equals(r.get("target"))) {
                        throw new BrowserBench.BenchFailure("the page ran the " + r.get("target") + " target, not " + target);
                    }
                    double at = ((Number) r.get("at")).doubleValue();
                    // MIPS from the last stats message before GUEST-READY (at most ~1 s older than it).
                    double mips = at > 0 ? ((Number) r.get("insns")).doubleValue() / at / 1e6 : 0;
                    return new PlaygroundRun(((Number) r.get("s")).doubleValue(), mips, ((Number) r.get("busy")).doubleValue(), cmdline);
                }
                page.waitForTimeout(100);
            }
            String tail = String.valueOf(page.evaluate("() => window.__bench.serial.slice(-2000)"));
            throw new BrowserBench.BenchFailure("the playground did not print GUEST-READY within " + timeoutSeconds
                    + " s; COM1 ended with:\n" + tail);
        }
    }

    /** The command line the catalog gives the image, so v86 boots exactly the same. */
    private static String cmdlineOf(Page page, String image) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> catalog = (List<Map<String, Object>>) page.evaluate("() => fetch('/api/images').then(r => r.json())");
        for (Map<String, Object> entry : catalog) {
            if (image.equals(entry.get("id"))) return String.valueOf(entry.get("cmdline"));
        }
        throw new BrowserBench.BenchFailure("the server's catalog has no image '" + image + "'");
    }
}
