package org.x86play.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * QEMU TCG as the reference for {@code ./vmm bench}: the same kernel and initramfs under
 * {@code qemu-system-i386 -accel tcg,thread=single -cpu pentium3 -m 128}, console on its stdio, timed
 * from process start to a marker on the console.
 */
final class QemuReference {
    private static final long TIMEOUT_SECONDS = 300;
    private final Path binary;

    private QemuReference(Path binary) {
        this.binary = binary;
    }

    /** The installed qemu-system-i386, or null. */
    static QemuReference find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Paths.get(dir, "qemu-system-i386");
            if (Files.isExecutable(p)) return new QemuReference(p);
        }
        return null;
    }

    private ProcessBuilder command(ReferenceGuest g, int memMb, String append) {
        return new ProcessBuilder(binary.toString(), "-accel", "tcg,thread=single", "-cpu", "pentium3",
                "-m", Integer.toString(memMb), "-display", "none", "-monitor", "none", "-serial", "stdio",
                "-no-reboot", "-kernel", g.kernel.toString(), "-initrd", g.initrd.toString(), "-append", append)
                .redirectErrorStream(true);
    }

    /** Seconds from starting QEMU to GUEST-READY on its console. */
    double boot(ReferenceGuest g, int memMb) throws UsageException {
        long t0 = System.nanoTime();
        Process p = start(command(g, memMb, BenchCommand.BOOT_APPEND));
        try {
            waitFor(p, BenchCommand.READY);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            p.destroyForcibly();
        }
    }

    /** Seconds from typing the compute command at QEMU's guest shell to its result. */
    double compute(ReferenceGuest g, int memMb) throws UsageException {
        Process p = start(command(g, memMb, BenchCommand.BOOT_APPEND + " guest=shell"));
        try {
            waitFor(p, BenchCommand.READY);
            waitFor(p, "# ");
            long t0 = System.nanoTime();
            OutputStream stdin = p.getOutputStream();
            stdin.write(BenchCommand.COMPUTE_COMMAND.getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            waitFor(p, BenchCommand.COMPUTE_DONE);
            return (System.nanoTime() - t0) / 1e9;
        } catch (IOException e) {
            throw new UsageException("qemu: cannot write to its console: " + e.getMessage());
        } finally {
            p.destroyForcibly();
        }
    }

    /** Starts QEMU with a watchdog that kills it after the timeout (so a silent hang cannot block a read). */
    private static Process start(ProcessBuilder pb) throws UsageException {
        try {
            Process p = pb.start();
            Thread watchdog = new Thread(() -> {
                try {
                    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }, "qemu-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            return p;
        } catch (IOException e) {
            throw new UsageException("cannot start qemu-system-i386: " + e.getMessage());
        }
    }

    /** Reads QEMU's console until {@code marker}; fails on end of output or after the timeout. */
    private static void waitFor(Process p, String marker) throws UsageException {
        OutputWatch w = new OutputWatch(marker);
        InputStream s = p.getInputStream();
        try {
            while (true) {
                int b = s.read();
                if (b < 0) break;
                if (w.feed(b)) return;
            }
        } catch (IOException e) {
            throw new UsageException("qemu: cannot read its console: " + e.getMessage());
        }
        throw new UsageException("qemu did not print '" + marker + "' (exit " + (p.isAlive() ? "none yet" : p.exitValue()) + ")");
    }
}
