package org.x86play.conformance;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./vmm conformance}: runs every conformance suite that is present — the SingleStepTests
 * 80286 suite, the host-differential suite and the bare-metal test programs — and prints, per
 * suite and per instruction form / test program, the pass/fail/skip counts, the skip reasons
 * with counts, and a final line {@code N passed, N failed}. Exit status 0 iff nothing failed.
 * <p>
 * Repository root: system property {@code x86play.root}, else the working directory; shared
 * test data: {@code <root>/../shared}. Arguments: {@code --only <suite>} (repeatable),
 * {@code --seed N} and {@code --cases N} for the host-differential suite, {@code --brief}
 * (list only the forms with failures or skips).
 */
public final class ConformanceReport {
    private ConformanceReport() {}

    public static void main(String[] args) {
        Path root = Paths.get(System.getProperty("x86play.root", ".")).toAbsolutePath().normalize();
        Path shared = root.resolve("../shared").normalize();
        List<String> only = new ArrayList<>();
        long seed = HostDiffSuite.defaultSeed();
        int cases = Integer.getInteger("x86play.cases", 1000);
        boolean verbose = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--only": only.add(normalize(args[++i])); break;
                case "--seed": seed = Long.decode(args[++i]); break;
                case "--cases": cases = Integer.parseInt(args[++i]); break;
                case "--verbose": case "-v": verbose = true; break;
                case "--brief": verbose = false; break;
                default:
                    System.err.println("usage: conformance [--only singlestep-286|host-diff|bare-metal] [--seed N] [--cases N] [--brief]");
                    System.exit(2);
            }
        }
        List<SuiteResult> results = new ArrayList<>();
        PrintStream out = System.out;
        if (wanted(only, "singlestep286")) {
            results.add(callSuite("singlestep-286", "org.x86play.conformance.SingleStep286Suite", shared));
        }
        if (wanted(only, "host-diff")) {
            Path build = root.resolve("server").resolve(System.getProperty("x86play.target", "target")).resolve("hostdiff");
            results.add(HostDiffSuite.run(build, seed, cases));
        }
        if (wanted(only, "baremetal")) {
            results.add(callSuite("bare-metal", "org.x86play.conformance.BareMetalSuite", root));
        }
        long passed = 0, failed = 0;
        for (SuiteResult r : results) {
            print(r, out, verbose);
            passed += r.passed();
            failed += r.failed();
        }
        out.println();
        for (SuiteResult r : results) {
            out.printf("  %-16s %8d passed %8d failed %8d skipped%n", r.suite, r.passed(), r.failed(), r.skipped());
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }

    private static boolean wanted(List<String> only, String name) {
        return only.isEmpty() || only.contains(normalize(name));
    }

    /** "singlestep-286", "singlestep286" and "SingleStep286" all name the same suite. */
    private static String normalize(String name) {
        return name.toLowerCase().replace("-", "").replace("_", "");
    }

    /**
     * Calls {@code <className>.run(Path)} if that suite exists in this build. A missing suite or
     * one that throws is reported as one failure (so a broken suite cannot pass silently).
     */
    static SuiteResult callSuite(String name, String className, Path arg) {
        Class<?> cls;
        try {
            cls = Class.forName(className);
        } catch (ClassNotFoundException e) {
            SuiteResult r = new SuiteResult(name);
            r.fail("(suite)", className + " is not in this build");
            return r;
        }
        try {
            Method m = cls.getMethod("run", Path.class);
            return (SuiteResult) m.invoke(null, arg);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable t = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            SuiteResult r = new SuiteResult(name);
            r.fail("(suite)", name + " crashed: " + t);
            t.printStackTrace();
            return r;
        }
    }

    static void print(SuiteResult r, PrintStream out) {
        print(r, out, true);
    }

    /** Per-form table (all forms when verbose, else those with failures or skips), skip reasons, first failures. */
    static void print(SuiteResult r, PrintStream out, boolean verbose) {
        out.printf("== %s: %d passed, %d failed, %d skipped (%d forms)%n", r.suite, r.passed(), r.failed(), r.skipped(), r.counts().size());
        int hidden = 0;
        for (Map.Entry<String, int[]> e : r.counts().entrySet()) {
            int[] c = e.getValue();
            if (verbose || c[1] > 0 || c[2] > 0) {
                out.printf("  %-44s %7d pass %7d fail %7d skip%n", e.getKey(), c[0], c[1], c[2]);
            } else {
                hidden++;
            }
        }
        if (hidden > 0) out.printf("  (%d more forms passed every case; run without --brief to list them)%n", hidden);
        if (!r.skipReasons.isEmpty()) {
            out.println("  skip reasons:");
            for (Map.Entry<String, Integer> e : r.skipReasons.entrySet()) out.printf("    %7d  %s%n", e.getValue(), e.getKey());
        }
        if (!r.failures.isEmpty()) {
            out.println("  first failures (at most 3 per form):");
            Map<String, Integer> perForm = new java.util.HashMap<>();
            int n = 0;
            for (String f : r.failures) {
                int colon = f.indexOf(": ");
                String form = colon > 0 ? f.substring(0, colon) : f;
                if (perForm.merge(form, 1, Integer::sum) > 3) continue;
                if (n++ >= 60) break;
                out.println("    " + f);
            }
        }
    }
}
