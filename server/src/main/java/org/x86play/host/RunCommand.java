package org.x86play.host;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.x86play.machine.InstructionTrace;
import org.x86play.machine.Machine;
import org.x86play.machine.PcPlatform;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;
import org.x86play.snapshot.InitialImage;
import org.x86play.snapshot.JdkCompression;
import org.x86play.snapshot.MachineConfig;
import org.x86play.snapshot.Sha256;
import org.x86play.snapshot.Snapshot;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.SnapshotWriter;
import org.x86play.translate.jvm.JvmBlockCompiler;

/** {@code ./vmm run}: builds a {@link Machine} from the options, runs it, maps the result to an exit status. */
final class RunCommand {
    static final long MAX_KERNEL = 512L << 20;
    /** Largest snapshot file read (guest RAM is at most 1 GiB and stored compressed). */
    static final long MAX_SNAPSHOT = 1536L << 20;

    /** Set by {@link #build}: the platform, what the machine was built from, and its initial RAM image (for snapshots). */
    private PcPlatform platform;
    private MachineConfig config;
    private InitialImage initial;

    private final InputStream in;
    private final PrintStream out, err;

    RunCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /**
     * The machine {@code o} describes: RAM, the PC platform, the loaded guest, debug console, trace, cache
     * mode and POST listener; null (after a message) when the JVM has too little heap for the RAM.
     */
    Machine build(RunOptions o) throws UsageException {
        Snapshot snapshot = o.snapshot != null || o.snapshotData != null ? openSnapshot(o) : null;
        byte[] image;
        byte[] initrd = null;
        if (o.bios != null) {
            Path bios = GuestImages.resolveBios(o.bios);
            image = read(bios, Machine.MAX_BIOS, "firmware image");
        } else if (o.kernel != null) {
            image = read(Paths.get(o.kernel), MAX_KERNEL, "kernel");
            if (o.initrd != null) initrd = read(Paths.get(o.initrd), MAX_KERNEL, "initrd");
        } else {
            image = read(Paths.get(o.multiboot), MAX_KERNEL, "kernel");
        }
        String cmdline = snapshot != null ? snapshot.config().cmdline
                : o.kernel != null ? (o.append == null ? "" : o.append) : o.multiboot != null ? commandLine(o) : "";
        Machine m;
        try {
            m = new Machine(o.memMb << 20);
        } catch (OutOfMemoryError e) {
            err.println("vmm: not enough Java heap for --mem " + o.memMb + " (MiB); give the JVM more, e.g. VMM_JAVA_OPTS=-Xmx"
                    + (o.memMb + 512) + "m ./vmm run ...");
            return null;
        }
        try {
            if (o.bios != null) m.loadBios(image);
            else if (o.kernel != null) m.loadLinux(image, initrd, cmdline);
            else m.loadMultiboot(image, cmdline);
            if (o.postPort != 0x80) m.setPostCodePort(o.postPort);
        } catch (IllegalArgumentException e) {
            throw new UsageException((o.bios != null ? o.bios : o.kernel != null ? o.kernel : o.multiboot) + ": " + e.getMessage());
        }
        PcPlatform platform = new PcPlatform(m, System::currentTimeMillis);
        this.platform = platform;
        if (o.bios == null) platform.installAcpiTables();   // no firmware to describe the machine
        // Firmware screen on the serial console when COM1 is watched (else SeaBIOS uses VGA text).
        boolean serialConsole = snapshot != null ? snapshot.config().firmwareSerialConsole : o.serialStdio || o.until != null;
        if (serialConsole) platform.enableFirmwareSerialConsole();
        config = describe(o, m, image, initrd, cmdline, serialConsole);
        // The RAM as loaded, before the first instruction (or the restore): what snapshots reference.
        if (snapshot != null || o.saveSnapshot != null) initial = InitialImage.capture(m.memory);
        if (snapshot != null) {
            try {
                snapshot.restore(m, platform, config, new JdkCompression());
            } catch (SnapshotFormatException e) {
                throw new UsageException(o.snapshot + ": " + e.getMessage());
            }
        }
        boolean realTime = o.clock != null ? o.clock.equals("realtime") : o.serialStdio && System.console() != null;
        if (realTime) {
            platform.setRealTime(System::nanoTime, ns -> {
                try {
                    Thread.sleep(ns / 1_000_000, (int) (ns % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        if (!o.debugcon.equals("none")) {
            PrintStream dc = o.debugcon.equals("stdio") ? out : err;
            platform.debugConsole.setSink(b -> {
                dc.write(b);
                if (b == '\n') dc.flush();
            });
        }
        m.setTrace(o.trace);
        if (o.tcache != null) m.setTranslationCache(o.tcache);
        if (o.jit) m.setBlockCompiler(new JvmBlockCompiler());
        if (o.kernel == null || o.postPortGiven) {
            // Firmware progress codes, one line per write. Not by default under Linux, which writes port 0x80
            // only as an I/O delay (thousands of lines); --post-port asks for them anyway.
            m.setPostCodeListener(code -> {
                err.printf("POST 0x%02X%n", code);
                err.flush();
            });
        }
        return m;
    }

    int execute(RunOptions o) throws UsageException {
        Machine m = build(o);
        if (m == null) return ExitStatus.HOST_ERROR;
        OutputStream serial = o.serialStdio ? new BufferedOutputStream(out, 1 << 14) : null;
        Flusher flusher = serial != null ? new Flusher(serial) : null;
        OutputWatch until = o.until != null ? new OutputWatch(o.until) : null;
        if (serial != null || until != null) {
            m.setSerialOutput(b -> {
                if (serial != null) {
                    try {
                        serial.write(b);
                        if (b == '\n') serial.flush();
                    } catch (IOException e) {
                        // a closed stdout just loses the guest's console output
                    }
                }
                if (until != null && until.feed(b)) m.requestStop("'" + o.until + "' appeared on COM1");
            });
        }
        if (serial != null) m.setSerialInput(new HostSerialInput(in));
        GuestProfile profile = o.profile > 0 ? new GuestProfile(m, o.symbols == null ? null : Paths.get(o.symbols)) : null;
        SaveOnInterrupt onInterrupt = o.saveSnapshot != null ? new SaveOnInterrupt(m) : null;
        RunResult r;
        long started = System.nanoTime();
        try {
            r = m.run(new RunLimits().maxInstructions(o.maxInstructions).timeoutMillis(o.timeoutMillis));
        } finally {
            if (flusher != null) flusher.stop();
        }
        report(r, m.trace());
        if (onInterrupt != null) {
            try {
                saveSnapshot(o, m, r);
            } finally {
                onInterrupt.done();
            }
        }
        if (profile != null) profile.print(err, o.profile);
        if (o.stats) {
            double secs = (System.nanoTime() - started) / 1e9;
            err.print(m.stats().format());
            err.printf("run time: %.3f s, %.1f MIPS%n", secs, r.instructions / 1e6 / Math.max(secs, 1e-9));
            err.flush();
        }
        return ExitStatus.of(r);
    }

    /**
     * Reads and checks the snapshot file, then fills in what the snapshot fixes: memory size, POST port, and the
     * guest image paths (the recorded ones unless given on the command line).
     */
    private static Snapshot openSnapshot(RunOptions o) throws UsageException {
        Snapshot s;
        try {
            byte[] bytes = o.snapshotData != null ? o.snapshotData
                    : SnapshotSource.isUrl(o.snapshot) ? SnapshotSource.fetch(o.snapshot, MAX_SNAPSHOT)
                    : read(Paths.get(o.snapshot), MAX_SNAPSHOT, "snapshot");
            s = Snapshot.parse(bytes);
        } catch (SnapshotFormatException e) {
            throw new UsageException(o.snapshot + ": " + e.getMessage());
        }
        MachineConfig c = s.config();
        if (c.platform != MachineConfig.PLATFORM_PC) throw new UsageException(o.snapshot + ": a snapshot of a bare machine cannot be run here");
        if ((c.memoryBytes & ((1 << 20) - 1)) != 0) throw new UsageException(o.snapshot + ": memory size is not a whole number of MiB");
        o.memMb = c.memoryBytes >> 20;
        o.postPort = c.postPort;
        switch (c.boot) {
            case MachineConfig.BOOT_LINUX:
                if (o.bios != null || o.multiboot != null) throw new UsageException(o.snapshot + ": this snapshot booted a Linux kernel: give --kernel, not --bios or --multiboot");
                if (o.kernel == null) o.kernel = recorded(o, c.kernelPath, c.kernelSha, "kernel", "--kernel");
                if (o.initrd == null && c.initrdSha != null) o.initrd = recorded(o, c.initrdPath, c.initrdSha, "initrd", "--initrd");
                break;
            case MachineConfig.BOOT_MULTIBOOT:
                if (o.bios != null || o.kernel != null) throw new UsageException(o.snapshot + ": this snapshot booted a Multiboot kernel: give --multiboot");
                if (o.multiboot == null) o.multiboot = recorded(o, c.kernelPath, c.kernelSha, "kernel", "--multiboot");
                break;
            case MachineConfig.BOOT_BIOS:
                if (o.kernel != null || o.multiboot != null) throw new UsageException(o.snapshot + ": this snapshot booted firmware: give --bios");
                if (o.bios == null) o.bios = recorded(o, c.biosPath, c.biosSha, "firmware", "--bios");
                break;
            default:
                throw new UsageException(o.snapshot + ": the snapshot names no guest image to rebuild the machine from");
        }
        if (o.initrd != null && o.kernel == null) throw new UsageException("--initrd needs a Linux snapshot");
        return s;
    }

    private static String recorded(RunOptions o, String path, byte[] sha, String what, String option) throws UsageException {
        if (!o.recordedPathsAllowed) {
            throw new UsageException("the snapshot needs the " + what + " image with SHA-256 " + (sha == null ? "?" : Sha256.hex(sha))
                    + ", which this server does not offer");
        }
        if (path.isEmpty() || !Files.isRegularFile(Paths.get(path))) {
            throw new UsageException(o.snapshot + ": needs the " + what + " image with SHA-256 " + (sha == null ? "?" : Sha256.hex(sha))
                    + (path.isEmpty() ? "" : " (it was " + path + ")") + "; give it with " + option + " FILE");
        }
        return path;
    }

    /** What the machine was built from, with the images identified by SHA-256 (paths recorded as hints). */
    private static MachineConfig describe(RunOptions o, Machine m, byte[] image, byte[] initrd, String cmdline, boolean serialConsole)
            throws UsageException {
        if (o.kernel != null) {   // the browser build describes its Linux guests the same way (LinuxGuest)
            MachineConfig c = MachineConfig.linux(m.memory.ramSize(), image, initrd, cmdline, serialConsole);
            c.postPort = o.postPort;
            c.kernelPath = Paths.get(o.kernel).toAbsolutePath().toString();
            if (initrd != null) c.initrdPath = Paths.get(o.initrd).toAbsolutePath().toString();
            return c;
        }
        MachineConfig c = new MachineConfig();
        c.memoryBytes = m.memory.ramSize();
        c.platform = MachineConfig.PLATFORM_PC;
        c.cmdline = cmdline;
        c.postPort = o.postPort;
        c.acpiTables = o.bios == null;
        c.firmwareSerialConsole = serialConsole;
        if (o.bios != null) {
            c.boot = MachineConfig.BOOT_BIOS;
            c.biosSha = Sha256.of(image);
            c.biosPath = GuestImages.resolveBios(o.bios).toAbsolutePath().toString();
        } else {
            c.boot = MachineConfig.BOOT_MULTIBOOT;
            c.kernelSha = Sha256.of(image);
            c.kernelPath = Paths.get(o.multiboot).toAbsolutePath().toString();
        }
        return c;
    }

    /** Writes --save-snapshot after a run that stopped in a resumable state (atomically: temporary file, then rename). */
    private void saveSnapshot(RunOptions o, Machine m, RunResult r) {
        switch (r.reason) {
            case STOPPED: case INSTRUCTION_LIMIT: case TIMEOUT: break;
            default:
                err.println("vmm: no snapshot written: the run ended with " + r.reason.name().toLowerCase().replace('_', ' '));
                err.flush();
                return;
        }
        SnapshotWriter writer = new SnapshotWriter(new JdkCompression());
        byte[] data = writer.write(m, platform, config, initial);
        Path target = Paths.get(o.saveSnapshot).toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.write(tmp, data);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            err.println("vmm: snapshot written to " + o.saveSnapshot + " (" + data.length + " bytes; " + writer.ramSummary() + ")");
        } catch (IOException e) {
            err.println("vmm: cannot write snapshot " + o.saveSnapshot + ": " + e.getMessage());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
        err.flush();
    }

    /**
     * Ctrl-C (SIGINT/SIGTERM) during a run with --save-snapshot: a shutdown hook asks the run loop to stop (through
     * a chunk hook, on the run thread) and waits until the snapshot has been written.
     */
    private static final class SaveOnInterrupt {
        private final java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CountDownLatch saved = new java.util.concurrent.CountDownLatch(1);
        private final Thread hook;

        SaveOnInterrupt(Machine m) {
            m.addChunkHook(() -> {
                if (interrupted.get()) m.requestStop("interrupted (Ctrl-C)");
            });
            hook = new Thread(() -> {
                interrupted.set(true);
                try {
                    saved.await(120, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "vmm-snapshot-on-exit");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** The run is over and any snapshot written: let an exit proceed. */
        void done() {
            saved.countDown();
            if (!interrupted.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutdown already started: the hook returns at once now
                }
            }
        }
    }

    /** As QEMU and GRUB pass it: the kernel's file name, then the --append text. */
    static String commandLine(RunOptions o) {
        return o.append == null || o.append.isEmpty() ? o.multiboot : o.multiboot + " " + o.append;
    }

    private void report(RunResult r, InstructionTrace trace) {
        if (r.reason == RunResult.Reason.DEBUG_EXIT) return;
        err.println("vmm: " + r.message + " (" + r.instructions + " instructions)");
        boolean showTrace = r.reason == RunResult.Reason.TRIPLE_FAULT || r.reason == RunResult.Reason.UNIMPLEMENTED
                || r.reason == RunResult.Reason.HOST_ERROR || r.reason == RunResult.Reason.INSTRUCTION_LIMIT;
        if (showTrace && trace != null) {
            String[] lines = trace.render();
            err.println("vmm: last " + lines.length + " instructions (oldest first; the last one did not complete):");
            for (String l : lines) err.println("  " + l);
        }
        err.flush();
    }

    private static byte[] read(Path p, long max, String what) throws UsageException {
        try {
            if (Files.isDirectory(p)) throw new UsageException(p + " is a directory, not a " + what);
            long size = Files.size(p);
            if (size > max) throw new UsageException(p + ": the " + what + " is " + size + " bytes, more than the " + (max >> 20) + " MiB allowed");
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + p + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + p + ": " + e.getMessage());
        }
    }

    /** Flushes the guest's console every 50 ms, so output without a newline (prompts) shows up. */
    private static final class Flusher implements Runnable {
        private final OutputStream stream;
        private final Thread thread;
        private volatile boolean running = true;

        Flusher(OutputStream stream) {
            this.stream = stream;
            thread = new Thread(this, "vmm-serial-flush");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (running) {
                try {
                    Thread.sleep(50);
                    stream.flush();
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    // ignore: stdout closed
                }
            }
        }

        void stop() {
            running = false;
            thread.interrupt();
            try {
                thread.join(1000);
                stream.flush();
            } catch (InterruptedException | IOException e) {
                // best effort
            }
        }
    }
}
