package org.x86play.host;

import java.util.ArrayList;
import java.util.List;
import org.x86play.machine.Machine;

/** The options of {@code ./vmm run}, parsed and bounds-checked (QEMU-like names, {@code --opt value} or {@code --opt=value}). */
public final class RunOptions {
    public static final int DEFAULT_MEM_MB = 128, MIN_MEM_MB = 2, MAX_MEM_MB = Machine.MAX_MEMORY >> 20;

    public int memMb = DEFAULT_MEM_MB;
    public String bios;
    public String multiboot;
    /** A Linux bzImage (32-bit boot protocol) and its initial RAM disk. */
    public String kernel, initrd;
    public String append;
    public boolean serialStdio = true;
    /** Guest clock: "virtual" (reproducible, halts skipped), "realtime" (paced to the host), or null = realtime on a terminal. */
    public String clock;
    /** Firmware debug console (port 0x402): "none", "stdio" or "stderr". */
    public String debugcon = "none";
    public int postPort = 0x80;
    /** --post-port was given (then POST codes are reported even with --kernel). */
    public boolean postPortGiven;
    public long timeoutMillis;
    public long maxInstructions;
    public int trace;
    /** Block translation cache: null = the machine's default, else on/off. */
    public Boolean tcache;
    /** Compile hot blocks to JVM bytecode (default on with the block cache). */
    public boolean jit = true;
    /** End the run (status 0) when this text appears on COM1; null for none. */
    public String until;
    /** Guest profile: print the N hottest code locations at the end (0 = off), optionally by symbol. */
    public int profile;
    public String symbols;
    /** Print execution counters to stderr at the end of the run. */
    public boolean stats;
    /** Resume from this snapshot file (images from --kernel/--initrd/--bios/--multiboot, else where the snapshot says they were). */
    public String snapshot;
    /** The snapshot's bytes, when they come from memory (the server's runner) rather than the file {@link #snapshot}. */
    public byte[] snapshotData;
    /**
     * Whether a snapshot may name where its guest images are (true for the command line). The server's runner sets
     * false: an uploaded snapshot must never make the host read a file it names; the images come from the catalog.
     */
    public boolean recordedPathsAllowed = true;
    /** Write a snapshot here when the run stops at --until, --max-instructions, --timeout or Ctrl-C. */
    public String saveSnapshot;
    /** --mem was given explicitly. */
    public boolean memGiven;

    public static RunOptions parse(String[] args) throws UsageException {
        RunOptions o = new RunOptions();
        List<String> a = splitEquals(args);
        for (int i = 0; i < a.size(); i++) {
            String opt = a.get(i);
            switch (opt) {
                case "--kernel":
                    o.kernel = value(a, i++);
                    break;
                case "--initrd":
                    o.initrd = value(a, i++);
                    break;
                case "--mem":
                case "-m":
                    o.memMb = (int) number(opt, value(a, i++), MIN_MEM_MB, MAX_MEM_MB);
                    o.memGiven = true;
                    break;
                case "--snapshot":
                    o.snapshot = value(a, i++);
                    break;
                case "--save-snapshot":
                    o.saveSnapshot = value(a, i++);
                    break;
                case "--bios":
                    o.bios = value(a, i++);
                    break;
                case "--multiboot":
                    o.multiboot = value(a, i++);
                    break;
                case "--append":
                    o.append = value(a, i++);
                    break;
                case "--serial":
                    o.serialStdio = choice(opt, value(a, i++), "stdio", "none").equals("stdio");
                    break;
                case "--clock":
                    o.clock = choice(opt, value(a, i++), "virtual", "realtime");
                    break;
                case "--debugcon":
                    o.debugcon = choice(opt, value(a, i++), "stdio", "stderr", "none");
                    break;
                case "--post-port":
                    o.postPort = (int) number(opt, value(a, i++), 0, 0xFFFF);
                    o.postPortGiven = true;
                    break;
                case "--timeout":
                    o.timeoutMillis = seconds(opt, value(a, i++));
                    break;
                case "--max-instructions":
                    o.maxInstructions = number(opt, value(a, i++), 1, Long.MAX_VALUE);
                    break;
                case "--trace":
                    o.trace = (int) number(opt, value(a, i++), 1, org.x86play.machine.InstructionTrace.MAX_ENTRIES);
                    break;
                case "--tcache":
                    o.tcache = choice(opt, value(a, i++), "on", "off").equals("on");
                    break;
                case "--jit":
                    o.jit = choice(opt, value(a, i++), "on", "off").equals("on");
                    break;
                case "--stats":
                    o.stats = true;
                    break;
                case "--profile":
                    o.profile = (int) number(opt, value(a, i++), 1, 1000);
                    break;
                case "--symbols":
                    o.symbols = value(a, i++);
                    break;
                case "--until":
                    o.until = value(a, i++);
                    if (o.until.isEmpty()) throw new UsageException("--until needs a non-empty text");
                    break;
                default:
                    if (opt.startsWith("-")) throw new UsageException("unknown option " + opt + " (see ./vmm help)");
                    throw new UsageException("unexpected argument '" + opt + "' (see ./vmm help)");
            }
        }
        int boots = (o.bios != null ? 1 : 0) + (o.multiboot != null ? 1 : 0) + (o.kernel != null ? 1 : 0);
        if (o.snapshot != null) {
            // The configuration comes from the snapshot; image options only say where the images are.
            if (o.append != null) throw new UsageException("--append cannot be used with --snapshot: the command line is part of the snapshot");
            if (o.memGiven) throw new UsageException("--mem cannot be used with --snapshot: the memory size is part of the snapshot");
            if (boots > 1) throw new UsageException("use only one of --bios, --multiboot and --kernel");
            return o;
        }
        if (boots == 0) throw new UsageException("nothing to run: give --bios FILE, --multiboot FILE, --kernel FILE or --snapshot FILE");
        if (boots > 1) throw new UsageException("use only one of --bios, --multiboot and --kernel");
        if (o.append != null && o.multiboot == null && o.kernel == null) throw new UsageException("--append needs --multiboot or --kernel");
        if (o.symbols != null && o.profile == 0) throw new UsageException("--symbols needs --profile N");
        if (o.initrd != null && o.kernel == null) throw new UsageException("--initrd needs --kernel");
        return o;
    }

    /** The arguments with every {@code --opt=VALUE} split into {@code --opt}, {@code VALUE}. */
    static List<String> splitEquals(String[] args) {
        List<String> a = new ArrayList<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            if (s.startsWith("--") && eq > 2) {
                a.add(s.substring(0, eq));
                a.add(s.substring(eq + 1));
            } else {
                a.add(s);
            }
        }
        return a;
    }

    /** The value after option {@code a[i]}, or a usage error when it is missing. */
    static String value(List<String> a, int i) throws UsageException {
        if (i + 1 >= a.size()) throw new UsageException(a.get(i) + " needs a value");
        return a.get(i + 1);
    }

    /** {@code v} if it is one of {@code allowed}, else a usage error naming them. */
    static String choice(String opt, String v, String... allowed) throws UsageException {
        for (String a : allowed) if (a.equals(v)) return v;
        throw new UsageException(opt + " must be " + String.join(", ", java.util.Arrays.copyOf(allowed, allowed.length - 1))
                + " or " + allowed[allowed.length - 1] + ", got '" + v + "'");
    }

    /** Decimal or 0x-hexadecimal, within [min, max]. */
    static long number(String opt, String v, long min, long max) throws UsageException {
        long n;
        try {
            String s = v.trim().replace("_", "");
            n = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UsageException(opt + " needs a number, got '" + v + "'");
        }
        if (n < min || n > max) throw new UsageException(opt + " must be between " + min + " and " + max + ", got " + v);
        return n;
    }

    static long seconds(String opt, String v) throws UsageException {
        double s;
        try {
            s = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(opt + " needs a number of seconds, got '" + v + "'");
        }
        if (!(s > 0) || s > 1e9) throw new UsageException(opt + " must be a positive number of seconds, got " + v);
        return Math.max(1, Math.round(s * 1000));
    }
}
