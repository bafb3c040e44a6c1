package org.x86play.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's apt, run unprivileged against a private state folder: its own package lists and
 * cache, i386 as the only architecture, no lock on the host's dpkg database. Nothing on the host
 * changes, and no root rights are needed.
 */
public final class AptClient {
    private final Path stateDir;
    private final CommandRunner runner;

    public AptClient(Path stateDir, CommandRunner runner) {
        this.stateDir = stateDir;
        this.runner = runner;
    }

    /** The apt options that redirect all state into {@code stateDir}. */
    public List<String> options() {
        return List.of(
                "-o", "APT::Architecture=i386",
                "-o", "APT::Architectures=i386",
                "-o", "Dir::State::Lists=" + stateDir.resolve("lists").toAbsolutePath(),
                "-o", "Dir::Cache=" + stateDir.resolve("cache").toAbsolutePath(),
                "-o", "Debug::NoLocking=1");
    }

    /**
     * Fetches the package lists. apt exits non-zero when any index fails (the security mirror may
     * be unreachable here); that is accepted as long as a main Packages index arrived.
     */
    public void update() throws IOException {
        Files.createDirectories(stateDir.resolve("lists/partial"));
        Files.createDirectories(stateDir.resolve("cache/archives/partial"));
        CommandRunner.Result r = run(apt("apt-get", "-q", "update"), stateDir);
        try (Stream<Path> lists = Files.list(stateDir.resolve("lists"))) {
            boolean havePackages = lists.anyMatch(p -> p.getFileName().toString().contains("_main_binary-i386_Packages"));
            if (!havePackages) {
                throw new IOException("apt-get update fetched no i386 main Packages index (exit " + r.exitCode()
                        + "):\n" + r.stderr());
            }
        }
    }

    /** The direct "Depends:" of a package, alternatives included, virtual packages ({@code <name>}) left out. */
    public List<String> depends(String pkg) throws IOException {
        return parseDepends(check(run(apt("apt-cache", "depends", pkg), stateDir), "apt-cache depends " + pkg).stdout());
    }

    static List<String> parseDepends(String output) {
        List<String> deps = new ArrayList<>();
        for (String line : output.split("\n")) {
            String t = line.strip();
            if (t.startsWith("|")) {
                t = t.substring(1);
            }
            if (t.startsWith("Depends:") || t.startsWith("PreDepends:")) {
                String name = t.substring(t.indexOf(':') + 1).strip();
                if (!name.startsWith("<") && !name.isEmpty()) {
                    deps.add(name);
                }
            }
        }
        return deps;
    }

    /** The candidate version's control fields ({@code apt-cache show --no-all-versions}). */
    public Map<String, String> show(String pkg) throws IOException {
        return parseStanza(check(run(apt("apt-cache", "show", "--no-all-versions", pkg), stateDir),
                "apt-cache show " + pkg).stdout());
    }

    static Map<String, String> parseStanza(String output) {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                if (!fields.isEmpty()) {
                    break; // first stanza only
                }
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                if (last != null) {
                    fields.put(last, fields.get(last) + "\n" + line.strip());
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                last = line.substring(0, colon);
                fields.put(last, line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    /** Downloads the candidate .deb of {@code pkg} into the empty folder {@code dir}; returns its path. */
    public Path download(String pkg, Path dir) throws IOException {
        Files.createDirectories(dir);
        check(run(apt("apt-get", "-q", "download", pkg), dir), "apt-get download " + pkg);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().endsWith(".deb")).toList();
            if (debs.size() != 1) {
                throw new IOException("expected one .deb for " + pkg + " in " + dir + ", found " + debs);
            }
            return debs.get(0);
        }
    }

    /** Unpacks a .deb's file system tree into {@code dir} ({@code dpkg-deb -x}: no maintainer scripts run). */
    public void unpack(Path deb, Path dir) throws IOException {
        Files.createDirectories(dir);
        check(run(List.of("dpkg-deb", "-x", deb.toAbsolutePath().toString(), dir.toAbsolutePath().toString()), dir),
                "dpkg-deb -x " + deb);
    }

    private List<String> apt(String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(options());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private CommandRunner.Result run(List<String> cmd, Path dir) throws IOException {
        return runner.run(cmd, dir);
    }

    private static CommandRunner.Result check(CommandRunner.Result r, String what) throws IOException {
        if (r.exitCode() != 0) {
            throw new IOException(what + " failed (exit " + r.exitCode() + "):\n" + r.stderr());
        }
        return r;
    }
}
