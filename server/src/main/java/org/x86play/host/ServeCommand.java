package org.x86play.host;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.x86play.server.PlaygroundServer;
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

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            List<String> a = new ArrayList<>();
            for (String s : args) {
                int eq = s.indexOf('=');
                if (s.startsWith("--") && eq > 2) {
                    a.add(s.substring(0, eq));
                    a.add(s.substring(eq + 1));
                } else {
                    a.add(s);
                }
            }
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
                    default:
                        if (opt.startsWith("-")) throw new UsageException("unknown serve option " + opt + " (see ./vmm help)");
                        throw new UsageException("unexpected argument '" + opt + "' (see ./vmm help)");
                }
            }
            return o;
        }

        private static String value(List<String> a, int i) throws UsageException {
            if (i + 1 >= a.size()) throw new UsageException(a.get(i) + " needs a value");
            return a.get(i + 1);
        }
    }

    int execute(String[] args) throws UsageException {
        Options o = Options.parse(args);
        List<Path> dirs = o.images;
        if (dirs.isEmpty()) dirs = List.of(ReferenceGuest.ensure(err).kernel.getParent());
        ServerConfig config = ServerConfig.defaults().withHost(o.bind).withPort(o.port).withImageDirs(dirs);
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
        out.println("(serving " + String.join(", ", dirs.stream().map(Path::toString).toList()) + "; Ctrl-C stops)");
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
