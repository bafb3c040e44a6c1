package org.x86play.host;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.net.URI;
import org.x86play.server.PlaygroundServer;
import org.x86play.server.snapshots.ChunkedSnapshotStore;
import org.x86play.server.snapshots.LocalBlobStore;
import org.x86play.server.snapshots.S3BlobStore;
import org.x86play.server.snapshots.SnapshotStore;
import org.x86play.server.ServerConfig;

/**
 * {@code ./vmm serve}: the browser playground. Builds the reference guest when no {@code --images} are given
 * (as {@code ./vmm bench} does), starts {@link PlaygroundServer}, prints its URL and serves until the
 * process is stopped (Ctrl-C).
 */
final class ServeCommand {
    private final PrintStream out, err;

    ServeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Options after {@code serve} ({@code --opt VALUE} or {@code --opt=VALUE}). */
    static final class Options {
        int port = ServerConfig.DEFAULT_PORT;
        String bind = ServerConfig.DEFAULT_HOST;
        final List<Path> images = new ArrayList<>();
        Path snapshots;
        String s3Endpoint, s3Bucket, s3Region, s3Prefix = "";
        long maxUploadMb = ServerConfig.DEFAULT_MAX_UPLOAD >> 20;

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            List<String> a = RunOptions.splitEquals(args);
            for (int i = 0; i < a.size(); i++) {
                String opt = a.get(i);
                switch (opt) {
                    case "--port":
                        o.port = (int) RunOptions.number(opt, value(a, i++), 0, 65535);
                        break;
                    case "--bind":
                        o.bind = value(a, i++).trim();
                        if (o.bind.isEmpty()) throw new UsageException("--bind needs an address, e.g. 127.0.0.1 or 0.0.0.0");
                        break;
                    case "--images": {
                        String v = value(a, i++);
                        Path p = Paths.get(v);
                        if (!Files.isDirectory(p)) throw new UsageException("--images " + v + ": no such directory");
                        o.images.add(p.toAbsolutePath().normalize());
                        break;
                    }
                    case "--snapshots":
                        o.snapshots = Paths.get(value(a, i++)).toAbsolutePath().normalize();
                        break;
                    case "--s3-endpoint":
                        o.s3Endpoint = value(a, i++);
                        break;
                    case "--s3-bucket":
                        o.s3Bucket = value(a, i++);
                        break;
                    case "--s3-region":
                        o.s3Region = value(a, i++);
                        break;
                    case "--s3-prefix":
                        o.s3Prefix = value(a, i++);
                        break;
                    case "--max-upload":
                        o.maxUploadMb = RunOptions.number(opt, value(a, i++), 1, 2047);
                        break;
                    default:
                        if (opt.startsWith("-")) throw new UsageException("unknown serve option " + opt + " (see ./vmm help)");
                        throw new UsageException("unexpected argument '" + opt + "' (see ./vmm help)");
                }
            }
            if ((o.s3Endpoint == null) != (o.s3Bucket == null)) throw new UsageException("--s3-endpoint and --s3-bucket go together");
            if (o.s3Endpoint != null && o.snapshots != null) throw new UsageException("use --snapshots or --s3-endpoint, not both");
            return o;
        }

        private static String value(List<String> a, int i) throws UsageException {
            return RunOptions.value(a, i);
        }
    }

    /** The embedded store in --snapshots DIR (default snapshot-store/ in the checkout), or the S3 bucket. */
    private static SnapshotStore openStore(Options o) throws UsageException {
        try {
            if (o.s3Endpoint != null) {
                String key = System.getenv("AWS_ACCESS_KEY_ID"), secret = System.getenv("AWS_SECRET_ACCESS_KEY");
                if (key == null || secret == null) throw new UsageException("--s3-endpoint needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
                S3BlobStore.Settings s = new S3BlobStore.Settings(URI.create(o.s3Endpoint), o.s3Region, o.s3Bucket, key, secret, o.s3Prefix);
                return new ChunkedSnapshotStore(new S3BlobStore(s).createBucketIfMissing());
            }
            if (o.snapshots == null) o.snapshots = GuestImages.root().resolve("snapshot-store");
            return new ChunkedSnapshotStore(LocalBlobStore.open(o.snapshots));
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot open the snapshot store: " + e.getMessage());
        }
    }

    int execute(String[] args) throws UsageException {
        Options o = Options.parse(args);
        List<Path> dirs = o.images;
        if (dirs.isEmpty()) dirs = List.of(ReferenceGuest.ensure(err).kernel.getParent());
        SnapshotStore store = openStore(o);
        ServerConfig config = ServerConfig.defaults().withHost(o.bind).withPort(o.port).withImageDirs(dirs)
                .withSnapshotStore(store).withMaxUploadBytes(o.maxUploadMb << 20);
        PlaygroundServer server;
        try {
            server = PlaygroundServer.start(config);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "vmm-serve-shutdown"));
        out.println("x86play playground: " + server.url());
        out.println("(serving " + String.join(", ", dirs.stream().map(Path::toString).toList()) + "; snapshots in "
                + (o.s3Endpoint != null ? o.s3Endpoint + " bucket " + o.s3Bucket : o.snapshots) + "; Ctrl-C stops)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return ExitStatus.OK;
    }
}
