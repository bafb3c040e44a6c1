package org.x86play.server.snapshots;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * s3proxy (an S3 API in front of jclouds' in-memory "transient" blob store) in a child JVM on a free loopback
 * port. It is built on Jetty 11 and the server on Jetty 12, so it never shares our class path: the build copies
 * its self-contained jar to {@code target/s3proxy/s3proxy.jar}.
 */
final class S3ProxyProcess implements AutoCloseable {
    static final String ACCESS_KEY = "x86play-test", SECRET_KEY = "x86play-test-secret";
    private final Process process;
    private final int port;
    private final Path log;

    private S3ProxyProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static S3ProxyProcess start() throws IOException, InterruptedException {
        Path jar = Paths.get("target/s3proxy/s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) throw new IOException(jar + " is missing: run the tests through Maven (process-test-resources copies it)");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("s3proxy");
        Path props = dir.resolve("s3proxy.properties");
        Files.write(props, List.of(
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=transient",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY));
        Path log = dir.resolve("s3proxy.log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3ProxyProcess proxy = new S3ProxyProcess(p, port, log);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException("s3proxy exited with " + p.exitValue() + ": " + Files.readString(log));
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.getResponseCode();   // any HTTP answer (403 without credentials) means it is serving
                c.disconnect();
                return proxy;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        proxy.close();
        throw new IOException("s3proxy did not answer within 60 s: " + Files.readString(log));
    }

    S3BlobStore.Settings settings(String bucket, String prefix) {
        return new S3BlobStore.Settings(URI.create("http://127.0.0.1:" + port), "us-east-1", bucket, ACCESS_KEY, SECRET_KEY, prefix);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
