package org.x86play.host;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.x86play.machine.Machine;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;
import org.x86play.translate.ExecStats;

/**
 * One run of a guest with its COM1 captured instead of wired to a terminal: the server's native runner
 * ({@code POST /api/runs}). The machine is built exactly as {@code ./vmm run} builds it ({@link RunCommand#build}),
 * on the calling thread, with the virtual clock (reproducible; halts skipped), typed input fed to COM1 as the
 * UART takes it, the output kept up to a byte limit, and the run bounded by instructions and wall time.
 */
public final class CapturedRun {
    /** What the run produced; {@code stopReason} is the {@link RunResult.Reason} in lower case. */
    public record Outcome(String output, boolean outputTruncated, String stopReason, String message, long instructions,
            Map<String, Object> stats) {}

    private CapturedRun() {}

    /**
     * Runs the machine {@code o} describes (its {@code maxInstructions} and {@code timeoutMillis} must be set by the
     * caller: they are the bounds). {@code input} is typed into COM1; {@code until} (may be null) stops the run
     * when it appears on COM1. Bad options or a snapshot that does not fit are a {@link UsageException}.
     */
    public static Outcome run(RunOptions o, String input, String until, int maxOutputBytes) throws UsageException {
        if (o.maxInstructions <= 0 || o.timeoutMillis <= 0) throw new IllegalArgumentException("a captured run needs instruction and time limits");
        o.clock = "virtual";
        o.serialStdio = false;
        o.debugcon = "none";
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        Machine m = new RunCommand(java.io.InputStream.nullInputStream(), discard, discard).build(o);
        if (m == null) throw new UsageException("not enough host memory for a " + o.memMb + " MiB guest right now");
        m.setPostCodeListener(code -> { });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean[] truncated = {false};
        OutputWatch watch = until == null || until.isEmpty() ? null : new OutputWatch(until);
        m.setSerialOutput(b -> {
            if (out.size() < maxOutputBytes) out.write(b);
            else truncated[0] = true;
            if (watch != null && watch.feed(b)) m.requestStop("'" + until + "' appeared on COM1");
        });
        byte[] typed = input == null ? new byte[0] : input.getBytes(StandardCharsets.UTF_8);
        m.setSerialInput(new IntSupplier() {
            private int next;

            @Override
            public int getAsInt() {
                return next < typed.length ? typed[next++] & 0xFF : -1;
            }
        });
        long started = System.nanoTime();
        RunResult r = m.run(new RunLimits().maxInstructions(o.maxInstructions).timeoutMillis(o.timeoutMillis));
        double secs = (System.nanoTime() - started) / 1e9;
        ExecStats s = m.stats();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("wallMillis", Math.round(secs * 1000));
        stats.put("mips", Math.round(r.instructions / 1e6 / Math.max(secs, 1e-9) * 10) / 10.0);
        stats.put("engine", s.engine);
        stats.put("instructionsRetired", s.instructions);
        stats.put("interruptsDelivered", s.interruptsDelivered);
        stats.put("memMb", o.memMb);
        if (s.cache != null) stats.put("blockCacheHitRate", Math.round(s.cache.hitRate() * 10000) / 10000.0);
        stats.put("tlbMisses", s.mmu.tlbMisses);
        stats.put("pageFaults", s.mmu.pageFaults);
        return new Outcome(out.toString(StandardCharsets.ISO_8859_1), truncated[0], r.reason.name().toLowerCase(), r.message,
                r.instructions, stats);
    }
}
