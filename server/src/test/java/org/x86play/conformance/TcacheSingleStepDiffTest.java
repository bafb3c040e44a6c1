package org.x86play.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;
import org.x86play.translate.BlockCacheEngine;
import org.x86play.translate.CacheStats;
import org.x86play.translate.ExecutionEngine;
import org.x86play.translate.InterpreterEngine;

/**
 * Differential test of the block translation cache on the singlestep-286 inputs (every opcode form, faults
 * included): two long-lived CPUs, one stepped by the interpreter and one by the block cache, get each test's
 * memory and registers (so code at the same addresses is rewritten through {@link PhysicalMemory} from test
 * to test: the cache must see those device-style writes) and must end in identical states.
 */
class TcacheSingleStepDiffTest {
    private static final String[] REGS = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    private static final String[] SREGS = {"es", "cs", "ss", "ds"};
    static final int PER_FILE = 100;

    static final class Side {
        final PhysicalMemory memory = new PhysicalMemory(16 << 20);
        final Cpu cpu = new Cpu(memory, new IoBus());
        final ExecutionEngine engine;

        Side(boolean tcache) {
            engine = tcache ? new BlockCacheEngine(cpu) : new InterpreterEngine(cpu);
        }

        String run(JsonNode init) {
            cpu.reset();
            memory.setA20(true);
            for (JsonNode p : init.get("ram")) memory.write8(p.get(0).asInt(), p.get(1).asInt());
            JsonNode r = init.get("regs");
            for (int i = 0; i < 8; i++) cpu.reg[i] = r.get(REGS[i]).asInt();
            for (int i = 0; i < 4; i++) cpu.seg[i].loadReal(r.get(SREGS[i]).asInt());
            cpu.eip = r.get("ip").asInt();
            cpu.setEflags((r.get("flags").asInt() & 0x0FD7) | 2);
            try {
                for (int step = 0; step < 8 && !cpu.halted; step++) engine.step();
            } catch (RuntimeException e) {
                return e.getClass().getSimpleName();
            }
            return "";
        }

        String state(JsonNode fin) {
            StringBuilder sb = new StringBuilder(Arrays.toString(cpu.reg));
            sb.append(" eip=").append(cpu.eip).append(" fl=").append(cpu.getEflags()).append(" n=").append(cpu.instructions)
                    .append(" h=").append(cpu.halted);
            for (int i = 0; i < 4; i++) sb.append(' ').append(cpu.seg[i].selector);
            for (JsonNode p : fin.get("ram")) sb.append(' ').append(memory.read8(p.get(0).asInt()));
            return sb.toString();
        }
    }

    @Test
    void blockCacheMatchesTheInterpreterOnEverySingleStepInput() throws IOException {
        Path dir = Path.of(System.getProperty("x86play.shared", "../../shared")).resolve("singlestep-286");
        Assumptions.assumeTrue(Files.isDirectory(dir), "no singlestep-286 data");
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jsonl.gz")) {
            for (Path p : ds) files.add(p);
        }
        files.sort(null);
        ObjectMapper json = new ObjectMapper();
        Side off = new Side(false), on = new Side(true);
        int tests = 0;
        for (Path f : files) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
                String line;
                for (int k = 0; k < PER_FILE && (line = r.readLine()) != null; k++) {
                    if (line.isEmpty()) continue;
                    JsonNode t = json.readTree(line);
                    String id = f.getFileName() + " " + t.get("name").asText();
                    String e1 = off.run(t.get("initial")), e2 = on.run(t.get("initial"));
                    assertEquals(e1, e2, id + ": escaped exception");
                    assertEquals(off.state(t.get("final")), on.state(t.get("final")), id);
                    tests++;
                }
            }
        }
        CacheStats s = on.engine.cacheStats();
        System.out.println("tcache vs interpreter on " + tests + " singlestep-286 inputs: identical; " + s);
        assertTrue(tests > 10_000);
        assertTrue(s.invalOtherWrite > 1000, "code rewritten between tests was invalidated: " + s);
    }
}
