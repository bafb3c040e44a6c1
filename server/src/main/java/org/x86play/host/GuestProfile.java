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
 */
final class GuestProfile {
    private final Machine machine;
    private final Map<Integer, int[]> samples = new HashMap<>();
    private final TreeMap<Long, String> symbols;
    private long total;

    GuestProfile(Machine m, Path systemMap) throws UsageException {
        machine = m;
        symbols = systemMap == null ? null : readSymbols(systemMap);
        m.addChunkHook(this::sample);
    }

    private void sample() {
        int lin = machine.cpu.seg[Cpu.CS].base + machine.cpu.eip;
        samples.computeIfAbsent(lin, k -> new int[1])[0]++;
        total++;
    }

    void print(PrintStream err, int top) {
        Map<String, int[]> byName = new HashMap<>();
        for (Map.Entry<Integer, int[]> e : samples.entrySet()) {
            byName.computeIfAbsent(name(e.getKey()), k -> new int[1])[0] += e.getValue()[0];
        }
        List<Map.Entry<String, int[]>> list = new ArrayList<>(byName.entrySet());
        list.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]));
        err.printf("guest profile: %d samples (one per run-loop chunk, about %d instructions)%n", total, Machine.CHECK_INTERVAL);
        for (int i = 0; i < Math.min(top, list.size()); i++) {
            int n = list.get(i).getValue()[0];
            err.printf("  %5.1f%%  %8d  %s%n", 100.0 * n / Math.max(1, total), n, list.get(i).getKey());
        }
        err.flush();
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
