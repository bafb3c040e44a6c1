package org.x86play.conformance;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The native side of the differential suite: compiles {@code server/src/main/c/hostdiff.c} with
 * gcc into the build folder (when the binary is missing or older than the source) and runs
 * batches of {@link DiffCase}s through it. Only x86-64 Linux hosts can run it.
 */
final class HostHarness {
    private static final int MAX_CODE = 32;
    private final Path binary;

    private HostHarness(Path binary) {
        this.binary = binary;
    }

    /** Why the harness cannot run on this host, or null when it can. */
    static String unsupportedReason() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "").toLowerCase();
        if (!os.contains("linux")) return "host OS is not Linux (" + os + ")";
        if (!arch.equals("amd64") && !arch.equals("x86_64")) return "host CPU is not x86-64 (" + arch + ")";
        return null;
    }

    private static Boolean intel, lahf;

    /** LAHF/SAHF exist in 64-bit mode only with CPUID.80000001H:ECX.LAHF-SAHF (Linux: "lahf_lm"). */
    static synchronized boolean hostHasLahf64() {
        if (lahf == null) {
            try {
                lahf = Files.readString(Paths.get("/proc/cpuinfo")).contains(" lahf_lm");
            } catch (IOException | RuntimeException e) {
                lahf = true;
            }
        }
        return lahf;
    }

    /** True when /proc/cpuinfo names an Intel processor (the oracle for Intel-specific behaviour). */
    static synchronized boolean hostIsIntel() {
        if (intel == null) {
            try {
                intel = Files.readString(Paths.get("/proc/cpuinfo")).contains("GenuineIntel");
            } catch (IOException | RuntimeException e) {
                intel = false;
            }
        }
        return intel;
    }

    /** Locates the C source below the repository root (property x86play.root, else the working directory or its parent). */
    static Path findSource() {
        List<Path> roots = new ArrayList<>();
        String r = System.getProperty("x86play.root");
        if (r != null) roots.add(Paths.get(r));
        Path cwd = Paths.get("").toAbsolutePath();
        roots.add(cwd);
        if (cwd.getParent() != null) roots.add(cwd.getParent());
        for (Path root : roots) {
            Path p = root.resolve("server/src/main/c/hostdiff.c");
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("hostdiff.c not found under " + roots);
    }

    static HostHarness build(Path buildDir) throws IOException, InterruptedException {
        return build(buildDir, false);
    }

    /** @param m32 the 32-bit harness (gcc -m32), for the forms 64-bit mode cannot run */
    static HostHarness build(Path buildDir, boolean m32) throws IOException, InterruptedException {
        Path src = findSource();
        Files.createDirectories(buildDir);
        String name = m32 ? "hostdiff32" : "hostdiff";
        Path bin = buildDir.resolve(name);
        if (!Files.isExecutable(bin) || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) < 0) {
            Path tmp = buildDir.resolve(name + ".tmp");
            List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-Wall"));
            if (m32) cmd.addAll(List.of("-m32", "-no-pie", "-fno-pic"));
            cmd.addAll(List.of("-o", tmp.toString(), src.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IOException("gcc failed on " + src + ":\n" + out);
            Files.move(tmp, bin, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (m32) checkRuns(bin);
        return new HostHarness(bin);
    }

    /**
     * A 32-bit program builds wherever gcc-multilib is installed but runs only on a kernel with IA-32 emulation
     * (CONFIG_IA32_EMULATION); some VM kernels lack it, and then the JDK hands the file to /bin/sh. With no input
     * the harness exits 0 at once, so anything else means it cannot run here.
     */
    private static void checkRuns(Path bin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(bin.toString()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(bin.getFileName() + " did not exit with no input within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();   // a line or two: fits the pipe
        if (p.exitValue() != 0) {
            throw new IOException("this host's kernel cannot run 32-bit programs (no IA-32 emulation): " + bin.getFileName()
                    + " exited with status " + p.exitValue() + (out.isEmpty() ? "" : " (" + out.lines().findFirst().orElse("") + ")"));
        }
    }

    /** Runs the cases in one harness process; the result list is parallel to {@code cases}. */
    List<DiffCase.Outcome> run(List<DiffCase> cases) throws IOException, InterruptedException {
        Path in = Files.createTempFile("hostdiff", ".in");
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(in), 1 << 16)) {
                byte[] rec = new byte[8 + MAX_CODE + 36];
                for (DiffCase c : cases) {
                    java.util.Arrays.fill(rec, (byte) 0);
                    byte[] code = c.hostCode();
                    int flags = (c.fx != null ? 1 : 0) | (c.mem != null ? 2 : 0) | (c.lowBlock ? 4 : 0);
                    put32(rec, 0, flags);
                    put32(rec, 4, code.length);
                    System.arraycopy(code, 0, rec, 8, code.length);
                    for (int i = 0; i < 8; i++) put32(rec, 8 + MAX_CODE + 4 * i, c.regs[i]);
                    put32(rec, 8 + MAX_CODE + 32, c.eflags);
                    os.write(rec);
                    if (c.mem != null) os.write(c.mem);
                    if (c.fx != null) os.write(c.fx);
                }
            }
            Process p = new ProcessBuilder(binary.toString()).redirectInput(in.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            // A hung harness (it should never hang: every case ends in a stub or a signal) must not hang the suite.
            Thread watchdog = new Thread(() -> {
                try {
                    if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException ignored) {
                    // the batch finished first
                }
            }, "hostdiff-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            List<DiffCase.Outcome> out = new ArrayList<>(cases.size());
            try (DataInputStream is = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16))) {
                byte[] head = new byte[40];
                for (DiffCase c : cases) {
                    try {
                        is.readFully(head);
                    } catch (EOFException e) {
                        break;
                    }
                    DiffCase.Outcome o = new DiffCase.Outcome();
                    o.status = get32(head, 0);
                    for (int i = 0; i < 8; i++) o.regs[i] = get32(head, 4 + 4 * i);
                    o.eflags = get32(head, 36);
                    if (c.mem != null) {
                        o.mem = new byte[DiffCase.BLOCK_SIZE];
                        is.readFully(o.mem);
                    }
                    if (c.fx != null) {
                        o.fx = new byte[512];
                        is.readFully(o.fx);
                    }
                    out.add(o);
                }
                drain(is);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("hostdiff did not finish");
            }
            if (p.exitValue() != 0 || out.size() != cases.size()) {
                throw new IOException("hostdiff exited with status " + p.exitValue() + " after " + out.size() + " of " + cases.size() + " cases");
            }
            return out;
        } finally {
            Files.deleteIfExists(in);
        }
    }

    private static void drain(InputStream is) throws IOException {
        byte[] b = new byte[4096];
        while (is.read(b) >= 0) { /* discard */ }
    }

    static void put32(byte[] b, int o, int v) {
        b[o] = (byte) v; b[o + 1] = (byte) (v >> 8); b[o + 2] = (byte) (v >> 16); b[o + 3] = (byte) (v >> 24);
    }

    static int get32(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }
}
