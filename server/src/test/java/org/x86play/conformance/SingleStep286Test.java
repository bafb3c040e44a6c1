package org.x86play.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The 80286 real-mode oracle must pass completely (skips only for documented 286-vs-386 differences). */
class SingleStep286Test {
    @Test
    void allApplicableTestsPass() {
        Path shared = Path.of(System.getProperty("x86play.shared", "../shared"));
        SuiteResult r = SingleStep286Suite.run(shared);
        System.out.printf("singlestep-286: %d passed, %d failed, %d skipped%n", r.passed(), r.failed(), r.skipped());
        for (Map.Entry<String, Integer> e : r.skipReasons.entrySet()) System.out.println("  skip " + e.getValue() + ": " + e.getKey());
        for (Map.Entry<String, int[]> e : r.counts().entrySet()) {
            if (e.getValue()[1] > 0) System.out.println("  form " + e.getKey() + " failed " + e.getValue()[1]);
        }
        r.failures.stream().limit(60).forEach(f -> System.out.println("  FAIL " + f));
        assertTrue(r.passed() > 60000, "most tests must run");
        assertEquals(0, r.failed(), "singlestep-286 failures");
    }
}
