package org.x86play.host;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.x86play.machine.Machine;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;

/**
 * {@code ./vmm bench boot|compute}: measured figures for the reference guest, ours next to QEMU TCG's in the
 * same run (when {@code qemu-system-i386} is installed).
 * <ul>
 *   <li>{@code boot}: wall time from loading the kernel to {@code GUEST-READY} on the console, with the block
 *   translation cache on and (by default) off, then QEMU on the same kernel and initramfs.</li>
 *   <li>{@code compute}: boots to the guest's shell, then times a busybox shell arithmetic loop (CPU-bound,
 *   inside the guest) from the command to its result; prints our MIPS over that window.</li>
 * </ul>
 * Each of our runs is a fresh JVM (a child process running this command with {@code --fork off}), so one
 * configuration's JIT profile cannot slow the next; the figure is timed inside it (HotSpot warm-up included,
 * JVM start not). QEMU's runs include its process start. With {@code --runs N} the runs are interleaved (every
 * configuration once, then QEMU, N times) and each figure is the median of its N runs.
 */
final class BenchCommand {
    static final String READY = "GUEST-READY";
    static final String BOOT_APPEND = "console=ttyS0 quiet";
    /** The compute workload: a shell loop, then a marker whose value only the guest computes. */
    static final int COMPUTE_ITERATIONS = 20000;
    static final String COMPUTE_COMMAND = "i=0; while [ $i -lt " + COMPUTE_ITERATIONS + " ]; do i=$((i+1)); done; echo COMPUTE-$((6*7))-DONE\n";
    static final String COMPUTE_DONE = "COMPUTE-42-DONE";

    private final InputStream in;
    private final PrintStream out, err;

    BenchCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Options after {@code bench boot|compute}. */
    static final class Options {
        String what;
        int runs = 1;
        boolean cacheOn = true, cacheOff = true, qemu = true;
        /** With the cache on: blocks compiled to JVM bytecode (jitOn) and/or left interpreted (jitOff). */
        boolean jitOn = true, jitOff = true;
        int memMb = 128;
        long timeoutMillis = 900_000;
        /** Run each of our measurements in a fresh JVM (default) or in this one. */
        boolean fork = true;

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            if (args.length == 0 || !(args[0].equals("boot") || args[0].equals("compute"))) {
                if (args.length > 0 && args[0].equals("browser")) {
                    // Playwright and v86 live in the e2e-tests module; the ./vmm script starts that bench.
                    throw new UsageException("bench browser runs through the ./vmm script (./vmm bench browser)");
                }
                throw new UsageException("bench needs 'boot', 'compute' or 'browser' (see ./vmm help)");
            }
            o.what = args[0];
            o.cacheOff = o.what.equals("boot");   // compute measures the cache-on core by default
            o.jitOff = o.what.equals("boot");
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--runs":
                        o.runs = (int) RunOptions.number(a, need(a, v), 1, 100);
                        i++;
                        break;
                    case "--tcache": {
                        boolean[] m = onOffBoth(a, need(a, v));
                        o.cacheOn = m[0];
                        o.cacheOff = m[1];
                        i++;
                        break;
                    }
                    case "--jit": {
                        boolean[] m = onOffBoth(a, need(a, v));
                        o.jitOn = m[0];
                        o.jitOff = m[1];
                        i++;
                        break;
                    }
                    case "--qemu":
                        o.qemu = RunOptions.choice(a, need(a, v), "auto", "off").equals("auto");
                        i++;
                        break;
                    case "--fork":
                        o.fork = RunOptions.choice(a, need(a, v), "on", "off").equals("on");
                        i++;
                        break;
                    case "--mem":
                        o.memMb = (int) RunOptions.number(a, need(a, v), 16, RunOptions.MAX_MEM_MB);
                        i++;
                        break;
                    case "--timeout":
                        o.timeoutMillis = RunOptions.seconds(a, need(a, v));
                        i++;
                        break;
                    default:
                        throw new UsageException("unknown bench option " + a + " (see ./vmm help)");
                }
            }
            return o;
        }

        /** on|off|both: {measure with it on, measure with it off}. */
        private static boolean[] onOffBoth(String opt, String v) throws UsageException {
            String mode = RunOptions.choice(opt, v, "on", "off", "both");
            return new boolean[] {!mode.equals("off"), !mode.equals("on")};
        }

        private static String need(String opt, String v) throws UsageException {
            if (v == null) throw new UsageException(opt + " needs a value");
            return v;
        }
    }

    /** One measured run. */
    static final class Figure {
        final long instructions;
        final double seconds;

        Figure(long instructions, double seconds) {
            this.instructions = instructions;
            this.seconds = seconds;
        }

        double mips() { return instructions / 1e6 / Math.max(seconds, 1e-9); }
    }

    int execute(String[] args) throws UsageException {
        Options o = Options.parse(args);
        ReferenceGuest guest = ReferenceGuest.ensure(err);
        boolean compute = o.what.equals("compute");
        // The JVM is part of the figure (./vmm picks the newest JDK it finds): name it.
        err.println("bench: JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.home") + ")");
        QemuReference q = o.qemu ? QemuReference.find() : null;
        if (o.qemu && q == null) {
            err.println("bench: qemu-system-i386 not installed; no QEMU figure (apt-get install qemu-system-x86)");
        }
        // Rounds: each configuration once, then QEMU, again and again. The host's speed drifts over minutes
        // (other tenants), so interleaving lets every figure see the same mix of slow and quick periods.
        List<Figure> offs = new ArrayList<>(), interpreteds = new ArrayList<>(), ons = new ArrayList<>();
        List<Figure> qemus = new ArrayList<>();           // QEMU's times (it reports no instruction count)
        for (int k = 1; k <= o.runs; k++) {
            if (o.cacheOff && !measure(o, guest, false, false, compute, k, offs)) return ExitStatus.LIMIT;
            if (o.cacheOn && o.jitOff && !measure(o, guest, true, false, compute, k, interpreteds)) return ExitStatus.LIMIT;
            if (o.cacheOn && o.jitOn && !measure(o, guest, true, true, compute, k, ons)) return ExitStatus.LIMIT;
            if (q != null) {
                double seconds = compute ? q.compute(guest, o.memMb) : q.boot(guest, o.memMb);
                qemus.add(new Figure(0, seconds));
                err.printf("bench qemu run %d/%d: seconds=%.2f%n", k, o.runs, seconds);
                err.flush();
            }
        }
        Figure off = median(offs), interpreted = median(interpreteds), on = median(ons);
        if (on == null) on = interpreted;
        Double qemu = qemus.isEmpty() ? null : median(qemus).seconds;
        Figure main = on != null ? on : off;
        StringBuilder line = new StringBuilder(o.what).append(": ");
        line.append(String.format("instructions=%d seconds=%.2f mips=%.1f", main.instructions, main.seconds, main.mips()));
        if (on != null) line.append(on == interpreted ? " jit=off" : " jit=on");
        if (interpreted != null && on != interpreted) line.append(String.format(" jit_off_seconds=%.2f", interpreted.seconds));
        if (on != null && off != null) {
            line.append(String.format(" tcache_off_seconds=%.2f speedup=%.2f", off.seconds, off.seconds / on.seconds));
        }
        if (qemu != null) line.append(String.format(" qemu_seconds=%.2f ratio=%.2f", qemu, main.seconds / qemu));
        out.println(line);
        out.flush();
        return ExitStatus.OK;
    }

    /** Run {@code k} of ours in one configuration, added to {@code figures}; false if it failed. */
    private boolean measure(Options o, ReferenceGuest guest, boolean tcache, boolean jit, boolean compute, int k,
                            List<Figure> figures) throws UsageException {
        Figure f = o.fork ? forkOnce(o, tcache, jit)
                : compute ? computeOnce(o, guest, tcache, jit) : bootOnce(o, guest, tcache, jit);
        if (f == null) return false;
        err.printf("bench %s (tcache %s%s) run %d/%d: instructions=%d seconds=%.2f mips=%.1f%n",
                o.what, tcache ? "on" : "off", tcache ? (jit ? ", jit on" : ", jit off") : "", k, o.runs,
                f.instructions, f.seconds, f.mips());
        err.flush();
        figures.add(f);
        return true;
    }

    /**
     * The median run by time (null for none); for an even count the mean of the middle two (their seconds and
     * instruction counts), not the upper one.
     */
    static Figure median(List<Figure> figures) {
        if (figures.isEmpty()) return null;
        List<Figure> sorted = new ArrayList<>(figures);
        sorted.sort((a, b) -> Double.compare(a.seconds, b.seconds));
        int h = sorted.size() / 2;
        if (sorted.size() % 2 == 1) return sorted.get(h);
        Figure lo = sorted.get(h - 1), hi = sorted.get(h);
        return new Figure((lo.instructions + hi.instructions) / 2, (lo.seconds + hi.seconds) / 2);
    }

    /**
     * One measurement in a child JVM: the same class path and JVM options, {@code bench WHAT --runs 1 --qemu off
     * --fork off} with this configuration; its result line ({@code boot: instructions=N seconds=S ...}) is parsed.
     */
    private Figure forkOnce(Options o, boolean tcache, boolean jit) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), VmmMain.class.getName(), "bench", o.what,
                "--runs", "1", "--qemu", "off", "--fork", "off", "--tcache", tcache ? "on" : "off", "--jit", jit ? "on" : "off",
                "--mem", Integer.toString(o.memMb), "--timeout", Long.toString(Math.max(1, o.timeoutMillis / 1000))));
        Path errors = null;
        try {
            errors = Files.createTempFile("x86play-bench", ".err");      // the child's log, shown if it fails
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(errors.toFile()).start();
            String result;
            try (InputStream s = p.getInputStream()) {
                result = new String(s.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = p.waitFor();
            Matcher m = FIGURE.matcher(result);
            if (status != 0 || !m.find()) {
                err.print(Files.readString(errors, StandardCharsets.UTF_8));
                err.println("bench: the measuring JVM failed (exit status " + status + ")");
                return null;
            }
            return new Figure(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)));
        } catch (IOException e) {
            err.println("bench: cannot run a JVM for the measurement: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (errors != null) {
                try {
                    Files.deleteIfExists(errors);
                } catch (IOException ignored) {
                    // a leftover temporary file only
                }
            }
        }
    }

    private static final Pattern FIGURE = Pattern.compile("^\\w+: instructions=(\\d+) seconds=([0-9.]+)", Pattern.MULTILINE);

    private RunOptions guestOptions(Options o, ReferenceGuest guest, boolean tcache, boolean jit, String append) {
        RunOptions r = new RunOptions();
        r.kernel = guest.kernel.toString();
        r.initrd = guest.initrd.toString();
        r.append = append;
        r.memMb = o.memMb;
        r.tcache = tcache;
        r.jit = tcache && jit;
        r.serialStdio = false;
        return r;
    }

    private Figure bootOnce(Options o, ReferenceGuest guest, boolean tcache, boolean jit) throws UsageException {
        long t0 = System.nanoTime();
        Machine m = new RunCommand(in, out, err).build(guestOptions(o, guest, tcache, jit, BOOT_APPEND));
        if (m == null) return null;
        OutputWatch ready = new OutputWatch(READY);
        m.setSerialOutput(b -> {
            if (ready.feed(b)) m.requestStop(READY + " appeared");
        });
        RunResult r = m.run(new RunLimits().timeoutMillis(o.timeoutMillis));
        double secs = (System.nanoTime() - t0) / 1e9;
        if (r.reason != RunResult.Reason.STOPPED) {
            err.println("bench: the boot did not reach " + READY + ": " + r.message);
            return null;
        }
        return new Figure(r.instructions, secs);
    }

    private Figure computeOnce(Options o, ReferenceGuest guest, boolean tcache, boolean jit) throws UsageException {
        Machine m = new RunCommand(in, out, err).build(guestOptions(o, guest, tcache, jit, BOOT_APPEND + " guest=shell"));
        if (m == null) return null;
        // Boot to the shell's prompt ("# " after GUEST-READY), then type the command and time it.
        OutputWatch ready = new OutputWatch(READY), prompt = new OutputWatch("# "), done = new OutputWatch(COMPUTE_DONE);
        boolean[] phase = new boolean[2]; // [0] ready seen, [1] command sent
        byte[] command = COMPUTE_COMMAND.getBytes(StandardCharsets.US_ASCII);
        int[] sent = {0};
        m.setSerialOutput(b -> {
            if (!phase[0]) {
                if (ready.feed(b)) phase[0] = true;
            } else if (!phase[1]) {
                if (prompt.feed(b)) m.requestStop("prompt");
            } else if (done.feed(b)) {
                m.requestStop(COMPUTE_DONE + " appeared");
            }
        });
        m.setSerialInput(() -> phase[1] && sent[0] < command.length ? command[sent[0]++] : -1);
        RunResult r = m.run(new RunLimits().timeoutMillis(o.timeoutMillis));
        if (r.reason != RunResult.Reason.STOPPED) {
            err.println("bench: the guest did not reach its shell prompt: " + r.message);
            return null;
        }
        phase[1] = true;
        long i0 = m.cpu.instructions;
        long t0 = System.nanoTime();
        r = m.run(new RunLimits().timeoutMillis(o.timeoutMillis));
        double secs = (System.nanoTime() - t0) / 1e9;
        if (r.reason != RunResult.Reason.STOPPED) {
            err.println("bench: the compute loop did not finish: " + r.message);
            return null;
        }
        return new Figure(m.cpu.instructions - i0, secs);
    }

}
