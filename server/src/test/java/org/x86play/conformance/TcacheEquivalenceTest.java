package org.x86play.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.machine.Machine;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;
import org.x86play.translate.BlockCacheEngine;
import org.x86play.translate.CacheStats;
import org.x86play.translate.jvm.JvmBlockCompiler;

/**
 * Every bare-metal program (the smc_* ones included) run with the block translation cache off, on, and on with
 * every block compiled to JVM bytecode on its first full run ({@link JvmBlockCompiler}):
 * identical COM1 output, end of run, instruction count and final architectural registers; and the smc_*
 * programs pass all their checks.
 */
class TcacheEquivalenceTest {
    record Outcome(String serial, RunResult result, int[] regs, CacheStats stats) {}

    static Outcome run(byte[] image, boolean tcache) { return run(image, tcache, 0); }

    /** @param jitThreshold if not 0, also compile blocks to JVM bytecode after this many full runs */
    static Outcome run(byte[] image, boolean tcache, int jitThreshold) {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        Machine m = new Machine(16 << 20);
        m.setTranslationCache(tcache);
        if (jitThreshold != 0) ((BlockCacheEngine) m.engine()).setCompiler(new JvmBlockCompiler(), jitThreshold);
        m.loadBios(image);
        m.setSerialOutput(serial::write);
        RunResult r = m.run(new RunLimits().maxInstructions(BareMetalSuite.MAX_INSTRUCTIONS).timeoutMillis(60_000));
        Cpu c = m.cpu;
        int[] regs = new int[16];
        System.arraycopy(c.reg, 0, regs, 0, 8);
        regs[8] = c.eip;
        regs[9] = c.getEflags();
        regs[10] = c.cr0;
        regs[11] = c.cr3;
        for (int s = 0; s < 4; s++) regs[12 + s] = c.seg[s].selector;
        return new Outcome(serial.toString(StandardCharsets.ISO_8859_1), r, regs, m.engine().cacheStats());
    }

    @Test
    void everyProgramGivesIdenticalResultsWithTheCacheOnAndOff() throws IOException {
        Path root = Path.of(System.getProperty("x86play.root", ".."));
        Path src = root.resolve("vmm-core/src/test/baremetal");
        List<Path> sources;
        try (Stream<Path> s = Files.list(src)) {
            sources = s.filter(p -> p.getFileName().toString().endsWith(".asm")).sorted().toList();
        }
        Path build = Files.createTempDirectory("x86play-tcache");
        int smc = 0, compiledBlocks = 0, warmCompiled = 0;
        try {
            for (Path asm : sources) {
                String name = asm.getFileName().toString().replace(".asm", "");
                Path bin = build.resolve(name + ".bin");
                String err = BareMetalSuite.assemble(src, asm, bin);
                Assumptions.assumeFalse(err != null && err.startsWith("nasm not found"), "nasm is not installed");
                assertEquals(null, err, name);
                byte[] image = Files.readAllBytes(bin);
                Outcome off = run(image, false);
                Outcome on = run(image, true);
                // Compiled on the first full run, and after three (interpreted runs first, links made).
                Outcome jit = run(image, true, 1), warm = run(image, true, 3);
                System.out.printf("%-12s %-13s %9d insns  %s%n", name, on.result.reason, on.result.instructions, on.stats);
                System.out.printf("%-12s %-13s %9d insns  %s%n", name + "+jit", jit.result.reason, jit.result.instructions, jit.stats);
                assertSameOutcome(off, jit, name + " (compiled blocks)");
                assertSameOutcome(off, warm, name + " (blocks compiled after 3 runs)");
                compiledBlocks += jit.stats.blocksCompiled;
                warmCompiled += warm.stats.blocksCompiled;
                assertSameOutcome(off, on, name);
                assertTrue(on.stats.blockExecutions != 0, name + ": the cache was used");
                if (name.startsWith("smc_")) {
                    smc++;
                    assertEquals(RunResult.Reason.DEBUG_EXIT, on.result.reason, name + ": " + on.result.message);
                    assertTrue(on.serial.contains("PASS "), name + " passed nothing");
                    assertFalse(on.serial.contains("FAIL"), name + ":\n" + on.serial);
                }
            }
        } finally {
            try (Stream<Path> s = Files.list(build)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(build);
        }
        assertTrue(smc >= 2, "smc_* programs found");
        assertTrue(compiledBlocks > 100, "blocks were compiled: " + compiledBlocks);
        assertTrue(warmCompiled > 20, "blocks were compiled after 3 runs: " + warmCompiled);
    }

    /** Guest-visible results: serial output, how the run ended, exit code, instruction count, final registers. */
    private static void assertSameOutcome(Outcome expected, Outcome actual, String what) {
        assertEquals(expected.serial, actual.serial, what + ": serial output");
        assertEquals(expected.result.reason, actual.result.reason, what + ": end of run");
        assertEquals(expected.result.exitCode, actual.result.exitCode, what + ": exit code");
        assertEquals(expected.result.instructions, actual.result.instructions, what + ": instruction count");
        assertArrayEquals(expected.regs, actual.regs, what + ": final registers");
    }
}
