package org.x86play.e2e.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The handful of files the v86 side of the bench needs, on an ephemeral loopback port (the JDK's HTTP
 * server: v86 fetches each file whole, so no Range support is needed here).
 */
final class StaticFiles implements AutoCloseable {
    private final HttpServer http;

    private StaticFiles(HttpServer http) {
        this.http = http;
    }

    static StaticFiles start(Map<String, Path> files) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            http.createContext("/", ex -> serve(ex, files.get(ex.getRequestURI().getPath())));
            http.start();
            return new StaticFiles(http);
        } catch (IOException e) {
            throw new BrowserBench.BenchFailure("cannot start the v86 file server: " + e.getMessage());
        }
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
    }

    private static void serve(HttpExchange ex, Path file) throws IOException {
        try (ex) {
            if (file == null || !Files.isRegularFile(file)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String name = file.getFileName().toString();
            ex.getResponseHeaders().set("Content-Type", name.endsWith(".html") ? "text/html; charset=utf-8"
                    : name.endsWith(".js") ? "text/javascript" : name.endsWith(".wasm") ? "application/wasm" : "application/octet-stream");
            ex.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = ex.getResponseBody()) {
                Files.copy(file, out);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
