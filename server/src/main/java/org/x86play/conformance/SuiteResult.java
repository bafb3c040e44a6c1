package org.x86play.conformance;

import java.util.Map;
import java.util.TreeMap;

/**
 * Pass/fail/skip counts of one conformance suite, per instruction form or per test program.
 * Every suite (host differential, singlestep-286, bare-metal) reports through this type so that
 * {@code ./vmm conformance} can print one table and one total line.
 */
public final class SuiteResult {
    public final String suite;
    private final Map<String, int[]> counts = new TreeMap<>();
    /** First few failure descriptions, for the log (with the seed or test id needed to replay). */
    public final java.util.List<String> failures = new java.util.ArrayList<>();

    public SuiteResult(String suite) {
        this.suite = suite;
    }

    public void pass(String form) { counts.computeIfAbsent(form, k -> new int[3])[0]++; }

    public void fail(String form, String detail) {
        counts.computeIfAbsent(form, k -> new int[3])[1]++;
        if (failures.size() < 200) failures.add(form + ": " + detail);
    }

    /** A skipped case; {@code why} must name the documented reason (e.g. a 286-vs-386 difference). */
    public void skip(String form, String why) {
        counts.computeIfAbsent(form, k -> new int[3])[2]++;
        skipReasons.merge(why, 1, Integer::sum);
    }

    public final Map<String, Integer> skipReasons = new TreeMap<>();

    public Map<String, int[]> counts() { return counts; }

    public int passed() { return counts.values().stream().mapToInt(c -> c[0]).sum(); }
    public int failed() { return counts.values().stream().mapToInt(c -> c[1]).sum(); }
    public int skipped() { return counts.values().stream().mapToInt(c -> c[2]).sum(); }
}
