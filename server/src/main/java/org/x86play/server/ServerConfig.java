package org.x86play.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.x86play.server.snapshots.SnapshotStore;

/**
 * Where the playground server listens and which guest images it offers. Immutable; the {@code with...}
 * methods return changed copies. Port 0 picks a free port ({@link PlaygroundServer#port()} tells which).
 */
public final class ServerConfig {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    /** Largest snapshot upload accepted by default (the reference guest at a shell is far smaller). */
    public static final long DEFAULT_MAX_UPLOAD = 256L << 20;

    /**
     * Bounds of the native runner ({@code POST /api/runs}): wall time and instructions per run (a request may ask
     * for less), the largest guest RAM, how many runs at once, how much COM1 output is returned.
     */
    public record RunnerLimits(long maxMillis, long maxInstructions, int maxMemMb, int concurrency, int maxOutputBytes) {
        public RunnerLimits {
            if (maxMillis < 1 || maxInstructions < 1 || maxMemMb < 2 || concurrency < 1 || maxOutputBytes < 1) {
                throw new IllegalArgumentException("runner limits must be positive");
            }
        }

        /** 30 s, 20 billion instructions, 512 MiB guests, one run at a time, 1 MiB of output. */
        public static RunnerLimits defaults() { return new RunnerLimits(30_000, 20_000_000_000L, 512, 1, 1 << 20); }
    }

    private final String host;
    private final int port;
    private final List<Path> imageDirs;
    private final SnapshotStore snapshotStore;
    private final long maxUploadBytes;
    private final RunnerLimits runnerLimits;
    private final List<Path> runnerImages;

    private ServerConfig(String host, int port, List<Path> imageDirs, SnapshotStore snapshotStore, long maxUploadBytes,
            RunnerLimits runnerLimits, List<Path> runnerImages) {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("the bind address is empty");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (maxUploadBytes < 64 || maxUploadBytes > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("maximum upload must be 64 bytes..2 GiB");
        this.host = host;
        this.port = port;
        this.imageDirs = List.copyOf(imageDirs);
        this.snapshotStore = snapshotStore;
        this.maxUploadBytes = maxUploadBytes;
        this.runnerLimits = runnerLimits;
        this.runnerImages = List.copyOf(runnerImages);
    }

    /**
     * 127.0.0.1:8080, offering the reference guest in {@link #referenceImageDir()}; no snapshot store given (the
     * server then keeps snapshots in a temporary directory), default upload and runner limits.
     */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(referenceImageDir()), null, DEFAULT_MAX_UPLOAD,
                RunnerLimits.defaults(), List.of());
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

    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, imageDirs, snapshotStore, maxUploadBytes, runnerLimits, runnerImages);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, imageDirs, snapshotStore, maxUploadBytes, runnerLimits, runnerImages);
    }

    /** Each directory is one image, or holds image directories one level down (see the catalog's format). */
    public ServerConfig withImageDirs(List<Path> dirs) {
        return new ServerConfig(host, port, dirs, snapshotStore, maxUploadBytes, runnerLimits, runnerImages);
    }

    /** Where shared snapshots are kept (the caller owns it); null = a temporary directory per server. */
    public ServerConfig withSnapshotStore(SnapshotStore store) {
        return new ServerConfig(host, port, imageDirs, store, maxUploadBytes, runnerLimits, runnerImages);
    }

    public ServerConfig withMaxUploadBytes(long max) {
        return new ServerConfig(host, port, imageDirs, snapshotStore, max, runnerLimits, runnerImages);
    }

    public ServerConfig withRunnerLimits(RunnerLimits limits) {
        return new ServerConfig(host, port, imageDirs, snapshotStore, maxUploadBytes, limits, runnerImages);
    }

    /**
     * Extra guest image files (firmware, Multiboot kernels) the runner may use for snapshots that name them by
     * SHA-256, besides the catalog's files. The runner never opens a path that a snapshot names.
     */
    public ServerConfig withRunnerImages(List<Path> files) {
        return new ServerConfig(host, port, imageDirs, snapshotStore, maxUploadBytes, runnerLimits, files);
    }

    public ServerConfig withImageDirs(Path... dirs) { return withImageDirs(List.of(dirs)); }

    public String host() { return host; }

    public int port() { return port; }

    public List<Path> imageDirs() { return imageDirs; }

    public SnapshotStore snapshotStore() { return snapshotStore; }

    public long maxUploadBytes() { return maxUploadBytes; }

    public RunnerLimits runnerLimits() { return runnerLimits; }

    public List<Path> runnerImages() { return runnerImages; }
}
