package org.x86play.machine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helper: assembles NASM source (and links ELF kernels with ld) in a temporary folder. */
public final class Nasm {
    private Nasm() {}

    /** {@code nasm -f bin}: a flat binary. */
    public static byte[] bin(String source) {
        return build(source, false, null);
    }

    /** {@code nasm -f elf32} then {@code ld -m elf_i386 <ldArgs>}: an ELF32 executable. */
    public static byte[] elf(String source, String... ldArgs) {
        return build(source, true, ldArgs);
    }

    private static byte[] build(String source, boolean elf, String[] ldArgs) {
        try {
            Path dir = Files.createTempDirectory("x86play-nasm");
            try {
                Path asm = dir.resolve("t.asm");
                Files.writeString(asm, source, StandardCharsets.UTF_8);
                Path obj = dir.resolve(elf ? "t.o" : "t.bin");
                exec(dir, "nasm", "-f", elf ? "elf32" : "bin", "-o", obj.toString(), asm.toString());
                if (!elf) return Files.readAllBytes(obj);
                List<String> ld = new ArrayList<>(List.of("ld", "-m", "elf_i386"));
                ld.addAll(Arrays.asList(ldArgs));
                ld.add("-o");
                ld.add(dir.resolve("t.elf").toString());
                ld.add(obj.toString());
                exec(dir, ld.toArray(new String[0]));
                return Files.readAllBytes(dir.resolve("t.elf"));
            } finally {
                try (var s = Files.list(dir)) {
                    for (Path p : s.toList()) Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void exec(Path dir, String... cmd) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, cmd[0] + " is not installed");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) throw new IOException(cmd[0] + " timed out");
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
    }
}
