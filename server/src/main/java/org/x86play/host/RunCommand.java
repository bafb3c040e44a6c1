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

/** {@code ./vmm run}: builds a {@link Machine} from the options, runs it, maps the result to an exit status. */
final class RunCommand {
    static final long MAX_KERNEL = 512L << 20;

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
            else if (o.kernel != null) m.loadLinux(image, initrd, o.append == null ? "" : o.append);
            else m.loadMultiboot(image, commandLine(o));
            if (o.postPort != 0x80) m.setPostCodePort(o.postPort);
        } catch (IllegalArgumentException e) {
            throw new UsageException((o.bios != null ? o.bios : o.kernel != null ? o.kernel : o.multiboot) + ": " + e.getMessage());
        }
        PcPlatform platform = new PcPlatform(m, System::currentTimeMillis);
        if (o.bios == null) platform.installAcpiTables();   // no firmware to describe the machine
        // Firmware screen on the serial console when COM1 is watched (else SeaBIOS uses VGA text).
        if (o.serialStdio || o.until != null) platform.enableFirmwareSerialConsole();
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
        RunResult r;
        long started = System.nanoTime();
        try {
            r = m.run(new RunLimits().maxInstructions(o.maxInstructions).timeoutMillis(o.timeoutMillis));
        } finally {
            if (flusher != null) flusher.stop();
        }
        report(r, m.trace());
        if (profile != null) profile.print(err, o.profile);
        if (o.stats) {
            double secs = (System.nanoTime() - started) / 1e9;
            err.print(m.stats().format());
            err.printf("run time: %.3f s, %.1f MIPS%n", secs, r.instructions / 1e6 / Math.max(secs, 1e-9));
            err.flush();
        }
        return ExitStatus.of(r);
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
