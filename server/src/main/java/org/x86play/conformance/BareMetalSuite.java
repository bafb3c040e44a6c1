package org.x86play.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.x86play.machine.Machine;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;

/**
 * The bare-metal test programs ({@code vmm-core/src/test/baremetal/*.asm}): each is assembled with
 * {@code nasm -f bin} into a 64 KiB ROM image, booted in-process on a {@link Machine}, and its COM1
 * output parsed: every {@code PASS <check>} / {@code FAIL <check> <detail>} line becomes the form
 * {@code program:check}. A program must also end the right way, recorded as {@code program:exit}:
 * by the debug-exit port with status 1, or - for a program whose first line is
 * {@code ; expect: triple-fault} - by a triple fault.
 */
public final class BareMetalSuite {
    public static final String NAME = "bare-metal";
    static final long MAX_INSTRUCTIONS = 50_000_000L;
    static final long TIMEOUT_MS = 30_000L;

    private BareMetalSuite() {}

    /** One program's outcome, for tests and the report. */
    public static final class Program {
        public final String name;
        public final String output;
        public final RunResult result;
        public int passes, fails;

        Program(String name, String output, RunResult result) {
            this.name = name;
            this.output = output;
            this.result = result;
        }
    }

    public static SuiteResult run(Path repoRoot) {
        return run(repoRoot, new ArrayList<>());
    }

    /** Runs every program; {@code programs} receives the per-program outcomes. */
    public static SuiteResult run(Path repoRoot, List<Program> programs) {
        SuiteResult result = new SuiteResult(NAME);
        Path src = repoRoot.resolve("vmm-core/src/test/baremetal");
        List<Path> sources;
        try (Stream<Path> s = Files.list(src)) {
            sources = s.filter(p -> p.getFileName().toString().endsWith(".asm")).sorted().toList();
        } catch (IOException e) {
            result.fail("suite:sources", "cannot list " + src + ": " + e);
            return result;
        }
        Path build;
        try {
            build = Files.createTempDirectory("x86play-baremetal");
        } catch (IOException e) {
            result.fail("suite:build", e.toString());
            return result;
        }
        for (Path asm : sources) {
            String file = asm.getFileName().toString();
            String name = file.substring(0, file.length() - 4);
            Path bin = build.resolve(name + ".bin");
            String asmError = assemble(src, asm, bin);
            if (asmError != null) {
                if (asmError.startsWith("nasm not found")) result.skip(name + ":assemble", "nasm is not installed");
                else result.fail(name + ":assemble", asmError);
                continue;
            }
            try {
                boolean expectTriple = Files.readAllLines(asm).stream().findFirst()
                        .map(l -> l.replace(" ", "").equalsIgnoreCase(";expect:triple-fault")).orElse(false);
                Program p = runImage(name, Files.readAllBytes(bin));
                programs.add(p);
                score(result, p, expectTriple);
            } catch (IOException e) {
                result.fail(name + ":run", e.toString());
            }
        }
        deleteQuietly(build);
        return result;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }

    /** Assembles {@code asm} with lib.inc's folder on the include path; returns an error or null. */
    static String assemble(Path includeDir, Path asm, Path bin) {
        try {
            Process p = new ProcessBuilder("nasm", "-f", "bin", "-I", includeDir.toString() + "/",
                    "-o", bin.toString(), asm.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "nasm timed out";
            }
            return p.exitValue() == 0 ? null : "nasm failed: " + out.trim();
        } catch (IOException e) {
            return "nasm not found: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Boots one image on a 16 MiB machine and collects its COM1 output. */
    public static Program runImage(String name, byte[] image) {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        RunResult r;
        try {
            Machine m = new Machine(16 << 20);
            m.loadBios(image);
            m.setSerialOutput(serial::write);
            r = m.run(new RunLimits().maxInstructions(MAX_INSTRUCTIONS).timeoutMillis(TIMEOUT_MS));
            if (r == null) r = new RunResult(RunResult.Reason.HOST_ERROR, 0, "Machine.run returned null", 0);
        } catch (RuntimeException e) {
            r = new RunResult(RunResult.Reason.HOST_ERROR, 0, e.toString(), 0);
        }
        return new Program(name, serial.toString(StandardCharsets.ISO_8859_1), r);
    }

    static void score(SuiteResult result, Program p, boolean expectTriple) {
        for (String line : p.output.split("\n")) {
            line = line.strip();
            if (line.startsWith("PASS ")) {
                result.pass(p.name + ":" + line.substring(5).strip());
                p.passes++;
            } else if (line.startsWith("FAIL ")) {
                String rest = line.substring(5).strip();
                int sp = rest.indexOf(' ');
                String check = sp < 0 ? rest : rest.substring(0, sp);
                result.fail(p.name + ":" + check, sp < 0 ? "" : rest.substring(sp + 1));
                p.fails++;
            }
        }
        RunResult r = p.result;
        boolean exitOk = expectTriple
                ? r.reason == RunResult.Reason.TRIPLE_FAULT
                : r.reason == RunResult.Reason.DEBUG_EXIT && r.exitCode == 1;
        String how = r.reason + (r.reason == RunResult.Reason.DEBUG_EXIT ? " status " + r.exitCode : "")
                + (r.message != null ? " (" + r.message + ")" : "") + " after " + r.instructions + " instructions";
        if (exitOk) result.pass(p.name + ":exit");
        else result.fail(p.name + ":exit", "expected " + (expectTriple ? "TRIPLE_FAULT" : "DEBUG_EXIT status 1")
                + ", got " + how);
        if (p.passes == 0) result.fail(p.name + ":any-pass", "no PASS line printed; " + how);
    }
}
