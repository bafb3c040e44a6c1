package org.x86play.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class ConformanceReportTest {
    @Test
    void aMissingSuiteCountsAsAFailure() {
        SuiteResult r = ConformanceReport.callSuite("nope", "org.x86play.conformance.NoSuchSuite", Paths.get("."));
        assertEquals(1, r.failed());
        assertEquals(0, r.passed());
    }

    @Test
    void printsFormsSkipReasonsAndFailures() {
        SuiteResult r = new SuiteResult("demo");
        r.pass("add r32,r32");
        r.pass("add r32,r32");
        r.fail("div r32", "EAX differs");
        r.skip("fsin", "vendor-specific");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConformanceReport.print(r, new PrintStream(bytes, true), true);
        String out = bytes.toString();
        assertTrue(out.contains("== demo: 2 passed, 1 failed, 1 skipped (3 forms)"), out);
        assertTrue(out.matches("(?s).*add r32,r32\\s+2 pass\\s+0 fail\\s+0 skip.*"), out);
        assertTrue(out.contains("1  vendor-specific"), out);
        assertTrue(out.contains("div r32: EAX differs"), out);

        bytes.reset();
        ConformanceReport.print(r, new PrintStream(bytes, true), false);
        assertTrue(!bytes.toString().contains("add r32,r32"), "brief mode hides clean forms");
    }
}
