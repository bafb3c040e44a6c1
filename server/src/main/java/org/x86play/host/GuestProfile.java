package org.x86play.host;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.x86play.cpu.Cpu;
import org.x86play.machine.Machine;

/**
 * {@code --profile N}: where the guest spends its instructions. The linear EIP is sampled once per
 * run-loop chunk (every few thousand instructions); at the end the N hottest functions (with
 * {@code --symbols System.map}) or 256-byte code ranges are printed with their share of samples.
 * With symbols, a second table counts each sample once for every function on its frame-pointer call
 * chain ({@link FrameChain}): the inclusive share, which says who called the hot code.
 */
final class GuestProfile {
    private final Machine machine;
    private final Map<Integer, int[]> samples = new HashMap<>();
    private final TreeMap<Long, String> symbols;
    private long total;
    /** Callers followed per sample for the inclusive table. */
    static final int MAX_FRAMES = 32;
    private final FrameChain chain;
    private final int[] frames = new int[MAX_FRAMES];
    private final Map<String, int[]> inclusive = new HashMap<>();
    private final java.util.Set<String> seen = new java.util.HashSet<>();

    GuestProfile(Machine m, Path systemMap) throws UsageException {
        machine = m;
        symbols = systemMap == null ? null : readSymbols(systemMap);
        chain = new FrameChain(m.cpu, m.memory);
        m.addChunkHook(this::sample);
    }

    /** Takes one sample of the current guest state (the chunk hook; tests call it directly). */
    void sample() {
        int lin = machine.cpu.seg[Cpu.CS].base + machine.cpu.eip;
        samples.computeIfAbsent(lin, k -> new int[1])[0]++;
        total++;
        if (symbols == null) return;
        seen.clear();
        seen.add(name(lin));
        int n = chain.returnAddresses(frames);
        for (int i = 0; i < n; i++) seen.add(name(frames[i]));
        for (String f : seen) inclusive.computeIfAbsent(f, k -> new int[1])[0]++;
    }

    void print(PrintStream err, int top) {
        Map<String, int[]> byName = new HashMap<>();
        for (Map.Entry<Integer, int[]> e : samples.entrySet()) {
            byName.computeIfAbsent(name(e.getKey()), k -> new int[1])[0] += e.getValue()[0];
        }
        List<Map.Entry<String, int[]>> list = new ArrayList<>(byName.entrySet());
        list.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]));
        err.printf("guest profile: %d samples (one per run-loop chunk, about %d instructions)%n", total, Machine.CHECK_INTERVAL);
        printTable(err, list, top);
        if (symbols != null) {
            List<Map.Entry<String, int[]>> inc = new ArrayList<>(inclusive.entrySet());
            inc.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]));
            err.printf("guest profile, inclusive (each sample counted for every function on its frame-pointer call chain):%n");
            printTable(err, inc, top);
        }
        err.flush();
    }

    /** Inclusive sample count of a function name (0 if never on a sampled chain); for tests. */
    int inclusiveSamples(String function) {
        int[] c = inclusive.get(function);
        return c == null ? 0 : c[0];
    }

    private void printTable(PrintStream err, List<Map.Entry<String, int[]>> list, int top) {
        for (int i = 0; i < Math.min(top, list.size()); i++) {
            int n = list.get(i).getValue()[0];
            err.printf("  %5.1f%%  %8d  %s%n", 100.0 * n / Math.max(1, total), n, list.get(i).getKey());
        }
    }

    private String name(int linear) {
        long a = linear & 0xFFFFFFFFL;
        if (symbols != null) {
            Map.Entry<Long, String> s = symbols.floorEntry(a);
            if (s != null && a - s.getKey() < 0x10000) return s.getValue();
        }
        return String.format("%08x-%08x", a & ~0xFFL, (a & ~0xFFL) + 0xFF);
    }

    /** System.map lines: "c1000000 T _text". */
    private static TreeMap<Long, String> readSymbols(Path p) throws UsageException {
        TreeMap<Long, String> map = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 3 || f[0].length() > 8) continue;
                char t = Character.toLowerCase(f[1].charAt(0));
                if (t != 't' && t != 'w') continue;
                try {
                    map.put(Long.parseLong(f[0], 16), f[2]);
                } catch (NumberFormatException e) {
                    // not a symbol line
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot read symbol map " + p + ": " + e.getMessage());
        }
        if (map.isEmpty()) throw new UsageException(p + " holds no text symbols (expected a System.map)");
        return map;
    }
}
