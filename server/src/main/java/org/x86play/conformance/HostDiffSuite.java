package org.x86play.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.x86play.cpu.decoder.Disassembler;

/**
 * Differential testing against the host CPU: random cases of every instruction form in
 * {@link IntegerForms}, {@link SequenceForms}, {@link Host32Forms} and {@link X87Forms} run on the
 * real processor (through the native harness {@code server/src/main/c/hostdiff.c}, 64-bit build,
 * or its 32-bit build for what 64-bit mode lacks) and on the emulator ({@link EmulatorRunner});
 * then the registers, the arithmetic flags and DF (minus those the SDM calls undefined for the
 * case), EIP (instruction length, branch taken or not), the memory block, the x87 state and the
 * raised exception are compared ({@link DiffCompare}).
 * <p>
 * Replay a run with {@code -Dx86play.seed=N}; restrict it to forms whose name contains a
 * string with {@code -Dx86play.forms=text} (comma-separated alternatives).
 */
public final class HostDiffSuite {
    public static final String NAME = "host-diff";
    private static final int BATCH_CASES = 40_000;
    private static final int PRINT_PER_FORM = 2, PRINT_TOTAL = 60;

    private HostDiffSuite() {}

    /** Default run: 1,000 cases per form, seed from {@code x86play.seed} or random; build folder from {@code buildDir}. */
    public static SuiteResult run(Path buildDir) {
        return run(buildDir, defaultSeed(), Integer.getInteger("x86play.cases", 1000));
    }

    static long defaultSeed() {
        String s = System.getProperty("x86play.seed");
        return s != null ? Long.decode(s) : new SplittableRandom().nextLong();
    }

    /** All forms of the suite (optionally filtered by {@code x86play.forms}). */
    static List<DiffForm> forms() {
        List<DiffForm> all = new ArrayList<>(IntegerForms.all());
        all.addAll(SequenceForms.all());
        all.addAll(Host32Forms.all());
        all.addAll(X87Forms.all());
        java.util.Set<String> names = new java.util.HashSet<>();
        for (DiffForm f : all) if (!names.add(f.name)) throw new IllegalStateException("duplicate form name " + f.name);
        String filter = System.getProperty("x86play.forms");
        if (filter == null || filter.isEmpty()) return all;
        List<DiffForm> out = new ArrayList<>();
        for (DiffForm f : all) {
            for (String part : filter.split(",")) {
                if (!part.isEmpty() && f.name.contains(part)) {
                    out.add(f);
                    break;
                }
            }
        }
        return out;
    }

    public static SuiteResult run(Path buildDir, long seed, int casesPerForm) {
        return run(buildDir, seed, casesPerForm, name -> true);
    }

    /** Runs the forms whose name passes {@code formFilter}. */
    public static SuiteResult run(Path buildDir, long seed, int casesPerForm, java.util.function.Predicate<String> formFilter) {
        System.out.println("HostDiffSuite seed=" + seed + " (replay with -Dx86play.seed=" + seed + ")");
        SuiteResult result = new SuiteResult(NAME);
        List<DiffForm> forms = new ArrayList<>();
        for (DiffForm f : forms()) if (formFilter.test(f.name)) forms.add(f);
        String unsupported = HostHarness.unsupportedReason();
        if (unsupported != null) {
            for (DiffForm f : forms) for (int i = 0; i < casesPerForm; i++) result.skip(f.name, unsupported);
            return result;
        }
        EmulatorRunner emu = new EmulatorRunner();
        int[] printed = {0};
        for (boolean m32 : new boolean[] {false, true}) {
            List<DiffForm> modeForms = new ArrayList<>();
            for (DiffForm f : forms) if (f.host32 == m32) modeForms.add(f);
            if (modeForms.isEmpty()) continue;
            HostHarness harness;
            try {
                harness = HostHarness.build(buildDir, m32);
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (m32) { // no 32-bit toolchain (gcc-multilib) or no IA-32 emulation in the kernel: only the 32-bit-only forms are lost
                    String why = "no 32-bit host harness: " + e.getMessage();
                    for (DiffForm f : modeForms) for (int i = 0; i < casesPerForm; i++) result.skip(f.name, why);
                } else {
                    for (DiffForm f : modeForms) result.fail(f.name, "native harness unavailable: " + e.getMessage());
                }
                continue;
            }
            runForms(harness, emu, modeForms, seed, casesPerForm, result, printed);
        }
        return result;
    }

    private static void runForms(HostHarness harness, EmulatorRunner emu, List<DiffForm> forms, long seed, int casesPerForm,
                                 SuiteResult result, int[] printed) {
        List<DiffForm> batchForms = new ArrayList<>();
        List<DiffCase> batch = new ArrayList<>();
        for (DiffForm f : forms) {
            // Mixed, so that nearby seeds do not give shifted copies of the same stream.
            long formSeed = new SplittableRandom(seed).nextLong() ^ f.name.hashCode() * 0xC2B2AE3D27D4EB4FL;
            SplittableRandom rnd = new SplittableRandom(new SplittableRandom(formSeed).nextLong());
            for (int i = 0; i < casesPerForm; i++) batch.add(f.generate(rnd));
            batchForms.add(f);
            if (batch.size() >= BATCH_CASES) {
                runBatch(harness, emu, batchForms, batch, casesPerForm, result, printed, seed);
                batchForms.clear();
                batch.clear();
            }
        }
        if (!batch.isEmpty()) runBatch(harness, emu, batchForms, batch, casesPerForm, result, printed, seed);
    }

    private static void runBatch(HostHarness harness, EmulatorRunner emu, List<DiffForm> forms, List<DiffCase> cases,
                                 int perForm, SuiteResult result, int[] printed, long seed) {
        List<DiffCase.Outcome> host;
        try {
            host = harness.run(cases);
        } catch (IOException | InterruptedException e) {
            if (forms.size() > 1) { // find the form that broke the harness
                for (int k = 0; k < forms.size(); k++) {
                    runBatch(harness, emu, forms.subList(k, k + 1), cases.subList(k * perForm, (k + 1) * perForm),
                            perForm, result, printed, seed);
                }
            } else {
                for (int i = 0; i < cases.size(); i++) result.fail(forms.get(0).name, "host harness: " + e.getMessage());
            }
            return;
        }
        for (int i = 0; i < cases.size(); i++) {
            DiffForm form = forms.get(i / perForm);
            DiffCase c = cases.get(i);
            DiffCase.Outcome h = host.get(i);
            DiffCase.Outcome e = emu.run(c);
            String why = DiffCompare.compare(c, h, e);
            if (why == null) {
                result.pass(form.name);
            } else if (why.startsWith(DiffCompare.SKIP)) {
                result.skip(form.name, why.substring(DiffCompare.SKIP.length()));
            } else {
                String detail = DiffCompare.describe(c, h, e, why);
                result.fail(form.name, why + " [" + hex(c.emuCode()) + "]");
                int[] counts = result.counts().get(form.name);
                if (counts[1] <= PRINT_PER_FORM && printed[0] < PRINT_TOTAL) {
                    printed[0]++;
                    System.out.println("MISMATCH " + form.name + " (seed=" + seed + ")\n" + detail);
                }
            }
        }
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x ", x & 0xFF));
        return s.toString().trim();
    }

    static String disassemble(byte[] code) {
        try {
            return Disassembler.format(code, 0, true, DiffCase.CODE_ADDR);
        } catch (RuntimeException e) {
            return "(disassembler: " + e + ")";
        }
    }

    /** Runs the suite from the command line: {@code [seed] [casesPerForm]}. */
    public static void main(String[] args) {
        String root = System.getProperty("x86play.root", ".");
        long seed = args.length > 0 ? Long.decode(args[0]) : defaultSeed();
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        SuiteResult r = run(Paths.get(root, "server", "target", "hostdiff"), seed, n);
        ConformanceReport.print(r, System.out);
        System.out.println(r.passed() + " passed, " + r.failed() + " failed");
        System.exit(r.failed() == 0 ? 0 : 1);
    }
}
