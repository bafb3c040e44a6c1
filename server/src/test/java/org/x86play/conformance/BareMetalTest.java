package org.x86play.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every bare-metal program passes all its checks on the emulator and ends the expected way. */
class BareMetalTest {
    @Test
    void allProgramsPass() {
        Path root = Path.of(System.getProperty("x86play.root", ".."));
        List<BareMetalSuite.Program> programs = new ArrayList<>();
        SuiteResult r = BareMetalSuite.run(root, programs);
        Assumptions.assumeTrue(r.skipped() == 0, "nasm is not installed");
        System.out.printf("bare-metal: %d passed, %d failed%n", r.passed(), r.failed());
        for (BareMetalSuite.Program p : programs) {
            System.out.printf("  %-14s %3d pass %3d fail  %s %s%n", p.name, p.passes, p.fails, p.result.reason,
                    p.result.message == null ? "" : p.result.message);
        }
        for (Map.Entry<String, int[]> e : r.counts().entrySet()) {
            if (e.getValue()[1] > 0) System.out.println("  form " + e.getKey() + " failed " + e.getValue()[1]);
        }
        r.failures.forEach(f -> System.out.println("  FAIL " + f));
        assertFalse(programs.isEmpty(), "no programs found");
        for (BareMetalSuite.Program p : programs) assertTrue(p.passes > 0, p.name + " passed no check");
        assertEquals(0, r.failed(), "bare-metal failures");
    }

    @Test
    void scoringParsesLinesAndTheWayTheRunEnded() {
        SuiteResult r = new SuiteResult("t");
        BareMetalSuite.Program ok = new BareMetalSuite.Program("p", "PASS a\nnoise\nFAIL b got=00000001\nPASS c\n",
                new org.x86play.machine.RunResult(org.x86play.machine.RunResult.Reason.DEBUG_EXIT, 1, null, 10));
        BareMetalSuite.score(r, ok, false);
        assertEquals(3, r.passed());          // a, c, exit
        assertEquals(1, r.failed());
        assertEquals("p:b: got=00000001", r.failures.get(0));
        SuiteResult t = new SuiteResult("t");
        BareMetalSuite.Program tf = new BareMetalSuite.Program("q", "PASS armed\n",
                new org.x86play.machine.RunResult(org.x86play.machine.RunResult.Reason.DEBUG_EXIT, 1, null, 10));
        BareMetalSuite.score(t, tf, true);    // expected a triple fault, got the debug exit
        assertEquals(1, t.failed());
        assertTrue(t.failures.get(0).startsWith("q:exit"));
    }
}
