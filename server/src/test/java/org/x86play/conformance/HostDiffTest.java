package org.x86play.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the emulator against the host CPU (x86-64 Linux with gcc): at least
 * 1,000 random cases per instruction form, zero mismatches allowed. Replay a failing run with
 * {@code -Dx86play.seed=N} (printed at the start); narrow it with {@code -Dx86play.forms=name}.
 */
class HostDiffTest {
    static final int CASES = Math.max(1000, Integer.getInteger("x86play.cases", 1000));

    /** The harness binary goes to {@code <build folder>/hostdiff}, beside {@code test-classes}. */
    static Path buildDir() throws Exception {
        Path testClasses = Paths.get(HostDiffTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return testClasses.getParent().resolve("hostdiff");
    }

    @Test
    void integerFormsMatchTheHost() throws Exception {
        assumeTrue(HostHarness.unsupportedReason() == null, "needs an x86-64 Linux host");
        SuiteResult r = HostDiffSuite.run(buildDir(), HostDiffSuite.defaultSeed(), CASES, n -> !n.startsWith("x87 "));
        check(r, 500);
    }

    @Test
    void x87FormsMatchTheHost() throws Exception {
        assumeTrue(HostHarness.unsupportedReason() == null, "needs an x86-64 Linux host");
        SuiteResult r = HostDiffSuite.run(buildDir(), HostDiffSuite.defaultSeed(), CASES, n -> n.startsWith("x87 "));
        check(r, 80);
    }

    private static void check(SuiteResult r, int minForms) {
        ConformanceReport.print(r, System.out, false);
        assertTrue(r.counts().size() >= minForms, "forms run: " + r.counts().size());
        for (Map.Entry<String, int[]> e : r.counts().entrySet()) {
            int[] c = e.getValue();
            assertTrue(c[0] + c[1] + c[2] >= CASES, e.getKey() + " ran " + (c[0] + c[1] + c[2]) + " cases");
        }
        StringBuilder failing = new StringBuilder();
        for (Map.Entry<String, int[]> e : r.counts().entrySet()) {
            if (e.getValue()[1] > 0) failing.append(String.format("%n  %s: %d of %d", e.getKey(), e.getValue()[1], CASES));
        }
        List<String> first = r.failures.subList(0, Math.min(20, r.failures.size()));
        assertEquals(0, r.failed(), "mismatches against the host CPU:" + failing + "\nfirst: " + String.join("\n  ", first));
    }
}
