package org.x86play.e2e.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.x86play.images.CommandRunner;
import org.x86play.images.ReferenceGuestBuilder;
import org.x86play.server.PlaygroundServer;
import org.x86play.server.ServerConfig;

/**
 * {@code ./vmm bench browser}: boots the reference guest in the playground page in headless Chromium and,
 * in the same browser, the same kernel, initramfs and command line in v86 (npm package, with Debian's
 * SeaBIOS and VGA BIOS), and prints the time from the start of emulation to {@code GUEST-READY} on COM1.
 *
 * <pre>browser: seconds=S mips=M v86_seconds=V ratio=S/V</pre>
 *
 * Both clocks start once the images are in the browser (our page posts 'boot' to the worker after fetching
 * them; v86 fires 'emulator-started' after its downloads), so neither figure includes the network.
 */
public final class BrowserBench {
    private static final String IMAGE = "debian-reference";

    public static void main(String[] args) {
        try {
            System.exit(run(BenchOptions.parse(args)));
        } catch (BenchOptions.UsageError e) {
            System.err.println("vmm bench browser: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
        }
    }

    static int run(BenchOptions o) {
        Path root = Paths.get(System.getProperty("x86play.root", ".")).toAbsolutePath().normalize();
        ReferenceGuestBuilder guest = new ReferenceGuestBuilder(root.resolve("disk-images/build"), CommandRunner.system(), System.err);
        try {
            guest.ensureBuilt(false);
        } catch (Exception e) {
            System.err.println("vmm bench browser: cannot build the reference guest: " + e.getMessage());
            return 1;
        }
        Path v86Build = root.resolve("e2e-tests/v86/node_modules/v86/build");
        if (o.v86 && !Files.isRegularFile(v86Build.resolve("libv86.js"))) {
            System.err.println("vmm bench browser: v86 is not installed in " + v86Build.getParent()
                    + " (./vmm installs it with npm ci; or pass --v86 off)");
            return 1;
        }
        List<Double> ours = new ArrayList<>(), theirs = new ArrayList<>();
        double mips = 0;
        try (PlaygroundServer server = PlaygroundServer.start(ServerConfig.defaults().withPort(0).withImageDirs(guest.referenceDir()));
             StaticFiles v86Files = o.v86 ? StaticFiles.start(Map.of(
                     "/", root.resolve("e2e-tests/v86/index.html"),
                     "/libv86.js", v86Build.resolve("libv86.js"),
                     "/v86.wasm", v86Build.resolve("v86.wasm"),
                     "/bios.bin", guest.referenceDir().resolve("bios.bin"),
                     "/vgabios-stdvga.bin", guest.referenceDir().resolve("vgabios-stdvga.bin"),
                     "/vmlinuz", guest.referenceDir().resolve(ReferenceGuestBuilder.KERNEL),
                     "/initrd.gz", guest.referenceDir().resolve(ReferenceGuestBuilder.INITRD))) : null;
             Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = pw.chromium().launch(Chromium.options())) {
            // Runs alternate (ours, v86, ours, v86...): on a shared host whose speed drifts by tens of per cent
            // within minutes, back-to-back pairs see the same conditions; all of ours first would not.
            for (int r = 0; r < o.runs; r++) {
                PlaygroundRun run = PlaygroundRun.measure(browser, server.url(), IMAGE, o.target, o.timeoutSeconds);
                System.err.printf(Locale.ROOT, "vmm bench browser: ours (%s) run %d: %.2f s, %.1f MIPS, %.1f s of it executing%n",
                        o.target, r + 1, run.seconds, run.mips, run.busySeconds);
                ours.add(run.seconds);
                mips = run.mips;
                if (v86Files != null) {
                    double v = measureV86(browser, v86Files.url(), run.cmdline, o.timeoutSeconds);
                    System.err.printf(Locale.ROOT, "vmm bench browser: v86 run %d: %.2f s (this pair's ratio %.2f)%n", r + 1, v, run.seconds / v);
                    theirs.add(v);
                }
            }
        } catch (BenchFailure e) {
            System.err.println("vmm bench browser: " + e.getMessage());
            return 1;
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("vmm bench browser: " + e);
            return 1;
        }
        double s = median(ours);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "browser: seconds=%.2f mips=%.1f", s, mips));
        if (!theirs.isEmpty()) {
            double v = median(theirs);
            line.append(String.format(Locale.ROOT, " v86_seconds=%.2f ratio=%.2f", v, s / v));
        }
        System.out.println(line);
        return 0;
    }

    /** v86 in a fresh context: seconds from 'emulator-started' to GUEST-READY on its COM1. */
    private static double measureV86(Browser browser, String url, String cmdline, int timeoutSeconds) {
        try (BrowserContext ctx = browser.newContext()) {
            Page page = ctx.newPage();
            page.navigate(url + "?cmdline=" + java.net.URLEncoder.encode(cmdline, java.nio.charset.StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                Object done = page.evaluate("() => window.bench && window.bench.readyAt !== null"
                        + " ? (window.bench.readyAt - window.bench.startedAt) / 1000 : null");
                if (done instanceof Number) return ((Number) done).doubleValue();
                page.waitForTimeout(100);
            }
            String tail = String.valueOf(page.evaluate("() => window.bench ? window.bench.serial.slice(-2000) : ''"));
            throw new BenchFailure("v86 did not print GUEST-READY within " + timeoutSeconds + " s; its COM1 ended with:\n" + tail);
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** A measurement that could not be taken; the message says why. */
    static final class BenchFailure extends RuntimeException {
        BenchFailure(String message) {
            super(message);
        }
    }

    private BrowserBench() {}
}
