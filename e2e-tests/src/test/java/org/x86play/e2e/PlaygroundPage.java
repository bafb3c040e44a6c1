package org.x86play.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The playground page in a browser tab, seen the way a user sees it: buttons are clicked, text is typed into
 * the terminal. The page's read-only hook {@code window.playground} (state, target, serial output) is only
 * used to observe. Failures carry the last 2 KB of COM1 output and the browser console.
 */
final class PlaygroundPage implements AutoCloseable {
    static final int SERIAL_TAIL = 2048;

    final TestBed bed;
    final BrowserContext context;
    final Page page;
    private final List<String> console = new ArrayList<>();
    /** System.nanoTime() of the Boot click, 0 before. */
    long bootClickedNanos;
    /** Time from the Boot click until the shell prompt was first seen, null before. */
    Duration shellSeenAfter;

    private PlaygroundPage(TestBed bed, BrowserContext context, Page page) {
        this.bed = bed;
        this.context = context;
        this.page = page;
        page.onConsoleMessage(m -> remember(m.type() + ": " + m.text()));
        page.onPageError(e -> remember("page error: " + e));
        page.onCrash(p -> remember("the page crashed"));
    }

    /** Opens the page with {@code query} (e.g. "?target=js&autoboot=1") and waits until its script runs. */
    static PlaygroundPage open(TestBed bed, String query) {
        BrowserContext context = bed.newContext();
        Page page = context.newPage();
        PlaygroundPage p = new PlaygroundPage(bed, context, page);
        page.navigate(bed.url("/" + query));
        page.waitForFunction("() => window.playground !== undefined", null,
                new Page.WaitForFunctionOptions().setTimeout(30_000));
        return p;
    }

    /** Clicks Boot (Playwright waits until the catalog is loaded and the button is enabled). */
    void clickBoot() {
        page.locator("#boot").click();
        bootClickedNanos = System.nanoTime();
    }

    /** Time since the Boot click. */
    Duration sinceBoot() {
        return Duration.ofNanos(System.nanoTime() - bootClickedNanos);
    }

    private synchronized void remember(String line) {
        console.add(line);
        if (console.size() > 40) console.remove(0);
    }

    String state() {
        return (String) page.evaluate("() => window.playground.state");
    }

    String target() {
        return (String) page.evaluate("() => window.playground.target");
    }

    String serialText() {
        return (String) page.evaluate("() => window.playground.serialText()");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> stats() {
        return (Map<String, Object>) page.evaluate("() => window.playground.stats");
    }

    /**
     * Waits until the serial output matches the JavaScript regular expression {@code regex}; fails early if the
     * machine stops or the page reports an error.
     */
    void waitForSerial(String regex, Duration timeout, String what) {
        String outcome;
        try {
            outcome = (String) page.waitForFunction("([re]) => {"
                    + " const p = window.playground;"
                    + " if (p.state === 'error' || p.state === 'stopped') return p.state + ': ' + (p.error || p.reason);"
                    + " return new RegExp(re).test(p.serialText()) ? 'ok' : false; }",
                    List.of(regex), new Page.WaitForFunctionOptions()
                            .setTimeout(timeout.toMillis()).setPollingInterval(250)).jsonValue();
        } catch (TimeoutError e) {
            throw failure("no " + what + " on COM1 within " + timeout.toSeconds() + " s");
        }
        if (!"ok".equals(outcome)) throw failure("waiting for " + what + ", the machine went to " + outcome);
    }

    /**
     * Looks once whether the serial output matches {@code regex}; fails if the machine stopped or the page
     * reports an error.
     */
    boolean serialMatches(String regex, String what) {
        Object outcome = page.evaluate("([re]) => {"
                + " const p = window.playground;"
                + " if (p.state === 'error' || p.state === 'stopped') return p.state + ': ' + (p.error || p.reason);"
                + " return new RegExp(re).test(p.serialText()) ? 'ok' : false; }", List.of(regex));
        if (Boolean.FALSE.equals(outcome)) return false;
        if (!"ok".equals(outcome)) throw failure("waiting for " + what + ", the machine went to " + outcome);
        return true;
    }

    /** Like {@link #serialMatches} but never fails: false when the page is in trouble. */
    boolean serialMatchesQuietly(String regex) {
        try {
            return Boolean.TRUE.equals(page.evaluate("([re]) => new RegExp(re).test(window.playground.serialText())",
                    List.of(regex)));
        } catch (PlaywrightException e) {
            return false;
        }
    }

    /** Waits until the machine state (as the page shows it) is {@code state}. */
    void waitForState(String state, Duration timeout) {
        try {
            page.waitForFunction("([s]) => window.playground.state === s", List.of(state),
                    new Page.WaitForFunctionOptions().setTimeout(timeout.toMillis()).setPollingInterval(50));
        } catch (TimeoutError e) {
            throw failure("the machine did not become " + state + " within " + timeout.toMillis() + " ms");
        }
    }

    /** Types into the xterm terminal (focused by a click like a user would), then Enter. */
    void typeLineInTerminal(String line) {
        // busybox's line editor asks the terminal for the cursor position (ESC[6n) with each prompt; keys typed
        // while that reply is on its way can be mixed into it and lost (seen once: "cat" arrived as "ct").
        waitForQuietSerial(Duration.ofMillis(600), Duration.ofSeconds(5));
        page.locator("#terminal").click();
        page.locator("#terminal .xterm-helper-textarea").focus();
        page.keyboard().type(line);
        page.keyboard().press("Enter");
    }

    /**
     * Waits until COM1 has printed nothing new for {@code quiet} (the guest's shell has settled), or until
     * {@code limit} has passed (then goes on: a guest that keeps printing is not an error here).
     */
    void waitForQuietSerial(Duration quiet, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        String last = serialSignature();
        long since = System.nanoTime();
        while (System.nanoTime() < end) {
            page.waitForTimeout(100);
            String now = serialSignature();
            if (!now.equals(last)) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= quiet.toNanos()) {
                return;
            }
        }
    }

    /** Length and tail of the serial text: changes whenever the guest prints (cheaper to poll than the text). */
    private String serialSignature() {
        return (String) page.evaluate("() => { const t = window.playground.serialText(); return t.length + ':' + t.slice(-64); }");
    }

    Path screenshot(String name) {
        Path file = bed.screenshot(name);
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }

    /** An AssertionError with what the test saw: page state, console lines and the serial tail. */
    AssertionError failure(String message) {
        StringBuilder sb = new StringBuilder(message);
        try {
            sb.append("\npage state: ").append(state()).append(", target ").append(target());
            Object error = page.evaluate("() => window.playground.error");
            if (error != null) sb.append("\npage error: ").append(error);
            screenshot("failure-" + System.currentTimeMillis());
        } catch (PlaywrightException e) {
            sb.append("\n(page unreachable: ").append(e.getMessage().lines().findFirst().orElse("")).append(')');
        }
        synchronized (this) {
            if (!console.isEmpty()) sb.append("\nbrowser console:\n  ").append(String.join("\n  ", console));
        }
        sb.append("\nlast ").append(SERIAL_TAIL).append(" bytes of COM1:\n").append(serialTail());
        return new AssertionError(sb.toString());
    }

    String serialTail() {
        try {
            String text = serialText();
            return text.substring(Math.max(0, text.length() - SERIAL_TAIL));
        } catch (PlaywrightException e) {
            return "(unavailable)";
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
