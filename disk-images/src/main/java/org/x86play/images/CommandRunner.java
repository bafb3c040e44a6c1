package org.x86play.images;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Runs a host command; an interface so the apt parsing can be tested without apt or a network. */
@FunctionalInterface
public interface CommandRunner {

    record Result(int exitCode, String stdout, String stderr) {
    }

    Result run(List<String> command, Path workingDirectory) throws IOException;

    /** Runs commands with {@link ProcessBuilder}; stdin is empty, both outputs are captured. */
    static CommandRunner system() {
        return (command, dir) -> {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Path err = java.nio.file.Files.createTempFile("x86play-cmd", ".err");
            try {
                pb.redirectError(err.toFile());
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                int code;
                try {
                    code = p.waitFor();
                } catch (InterruptedException e) {
                    p.destroy();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while running " + command, e);
                }
                return new Result(code, out, java.nio.file.Files.readString(err));
            } finally {
                java.nio.file.Files.deleteIfExists(err);
            }
        };
    }
}
