package org.x86play.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Where the playground server listens and which guest images it offers. Immutable; the {@code with...}
 * methods return changed copies. Port 0 picks a free port ({@link PlaygroundServer#port()} tells which).
 */
public final class ServerConfig {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    private final String host;
    private final int port;
    private final List<Path> imageDirs;

    private ServerConfig(String host, int port, List<Path> imageDirs) {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("the bind address is empty");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        this.host = host;
        this.port = port;
        this.imageDirs = List.copyOf(imageDirs);
    }

    /** 127.0.0.1:8080, offering the reference guest in {@link #referenceImageDir()}. */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(referenceImageDir()));
    }

    /**
     * {@code disk-images/build/reference} under the checkout: {@code -Dx86play.root} (set by ./vmm and by the
     * build's test runs), else the working directory or its parent (a module folder), whichever has it.
     */
    public static Path referenceImageDir() {
        String root = System.getProperty("x86play.root");
        Path cwd = Paths.get("").toAbsolutePath().normalize();
        if (root != null) return Paths.get(root).toAbsolutePath().normalize().resolve(REFERENCE_SUBDIR);
        Path inParent = cwd.getParent() == null ? null : cwd.getParent().resolve(REFERENCE_SUBDIR);
        if (!Files.isDirectory(cwd.resolve(REFERENCE_SUBDIR)) && inParent != null && Files.isDirectory(inParent)) return inParent;
        return cwd.resolve(REFERENCE_SUBDIR);
    }

    private static final String REFERENCE_SUBDIR = "disk-images/build/reference";

    public ServerConfig withHost(String host) { return new ServerConfig(host, port, imageDirs); }

    public ServerConfig withPort(int port) { return new ServerConfig(host, port, imageDirs); }

    /** Each directory is one image, or holds image directories one level down (see the catalog's format). */
    public ServerConfig withImageDirs(List<Path> dirs) { return new ServerConfig(host, port, dirs); }

    public ServerConfig withImageDirs(Path... dirs) { return withImageDirs(List.of(dirs)); }

    public String host() { return host; }

    public int port() { return port; }

    public List<Path> imageDirs() { return imageDirs; }
}
