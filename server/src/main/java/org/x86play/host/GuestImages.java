package org.x86play.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Resolves a firmware argument: an existing file, or the name of a guest built from source in
 * {@code disk-images/guests/<name>.asm} (assembled with nasm on first use, into
 * {@code disk-images/target/guests/<name>.rom}).
 */
final class GuestImages {
    private GuestImages() {}

    static Path root() {
        return Paths.get(System.getProperty("x86play.root", ".")).toAbsolutePath().normalize();
    }

    static Path resolveBios(String arg) throws UsageException {
        Path p = Paths.get(arg);
        if (Files.isRegularFile(p)) return p;
        if (arg.matches("[A-Za-z0-9_-]+")) {
            Path asm = root().resolve("disk-images/guests/" + arg + ".asm");
            if (Files.isRegularFile(asm)) return assemble(asm, root().resolve("disk-images/target/guests/" + arg + ".rom"));
        }
        if (Files.isDirectory(p)) throw new UsageException(arg + " is a directory, not a firmware image");
        throw new UsageException("cannot read " + arg + ": no such file");
    }

    private static Path assemble(Path asm, Path rom) throws UsageException {
        try {
            if (Files.isRegularFile(rom) && Files.getLastModifiedTime(rom).compareTo(Files.getLastModifiedTime(asm)) >= 0) return rom;
            Files.createDirectories(rom.getParent());
            Path tmp = rom.resolveSibling(rom.getFileName() + ".tmp");
            Process p = new ProcessBuilder("nasm", "-f", "bin", "-I", asm.getParent() + "/", "-o", tmp.toString(), asm.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UsageException("nasm timed out assembling " + asm);
            }
            if (p.exitValue() != 0) throw new UsageException("nasm failed on " + asm + ": " + out);
            Files.move(tmp, rom, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return rom;
        } catch (IOException e) {
            throw new UsageException("cannot build " + asm.getFileName() + " (is nasm installed?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted while assembling " + asm);
        }
    }
}
