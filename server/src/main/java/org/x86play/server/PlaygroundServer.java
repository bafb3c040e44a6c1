package org.x86play.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.x86play.server.snapshots.ChunkedSnapshotStore;
import org.x86play.server.snapshots.LocalBlobStore;
import org.x86play.server.snapshots.SnapshotStore;

/**
 * The HTTP server of the browser playground (Javalin 7 on Jetty 12):
 * <ul>
 *   <li>{@code /}, {@code /app.js}, {@code /client/...}, {@code /vendor/xterm/...}: classpath resources under
 *   {@code web/} (the page from static/, the TeaVM outputs from the web-client jar, xterm.js from npm);</li>
 *   <li>{@code GET /api/images}: the image catalog as JSON;</li>
 *   <li>{@code GET|HEAD /images/{id}/{file}}: catalog files with ranges and validators ({@link ImageFileHandler});</li>
 *   <li>{@code POST /api/snapshots}, {@code GET /api/snapshots/{id}[/meta]}, {@code GET /s/{id}}: share links
 *   ({@link SnapshotRoutes});</li>
 *   <li>{@code POST /api/runs}: the native runner ({@link RunRoutes}).</li>
 * </ul>
 * Every error answer is JSON {@code {"error": "..."}}.
 */
public final class PlaygroundServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlaygroundServer.class);
    /** Page files are rebuilt in place: browsers revalidate them (Jetty answers with ETag/Last-Modified). */
    static final String STATIC_CACHE_CONTROL = "no-cache";

    private final Javalin app;
    private final String host;
    private final SnapshotStore store;
    private final RunRoutes runs;

    private PlaygroundServer(Javalin app, String host, SnapshotStore store, RunRoutes runs) {
        this.app = app;
        this.host = host;
        this.store = store;
        this.runs = runs;
    }

    /** Reads the image catalog (hashing its files), then binds and starts serving. */
    public static PlaygroundServer start(ServerConfig config) throws IOException {
        ImageCatalog catalog = new ImageCatalog(ImageDirectories.load(config.imageDirs()));
        ImageFileHandler images = new ImageFileHandler(catalog);
        ObjectMapper json = JsonErrors.JSON;
        SnapshotStore store = config.snapshotStore();
        if (store == null) {
            Path dir = Files.createTempDirectory("x86play-snapshots");
            LOG.warn("no snapshot store configured: shared snapshots are kept in {} (temporary)", dir);
            store = new ChunkedSnapshotStore(LocalBlobStore.open(dir));
        }
        SnapshotRoutes snapshots = new SnapshotRoutes(store, config.maxUploadBytes());
        RunRoutes runs = new RunRoutes(catalog, store, config.runnerLimits(), config.runnerImages());
        byte[] sharePage = SnapshotRoutes.sharePage();
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonJettyErrors()));
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
                sf.headers = Map.of("Cache-Control", STATIC_CACHE_CONTROL);
                // Browsers only compile streamed WebAssembly served as application/wasm; module scripts need a
                // JavaScript type (text/javascript is the registered one, RFC 9239).
                sf.mimeTypes.add("application/wasm", "wasm");
                sf.mimeTypes.add("text/javascript", "js", "mjs");
            });
            cfg.routes.get("/api/images", ctx -> {
                ctx.header("Cache-Control", "no-cache");
                ctx.contentType("application/json");
                ctx.result(json.writeValueAsString(catalog.describe()));
            });
            cfg.routes.get("/images/{id}/{file}", images::handle);
            cfg.routes.head("/images/{id}/{file}", images::handle);
            cfg.routes.post("/api/snapshots", snapshots::upload);
            cfg.routes.get("/api/snapshots/{id}", snapshots::download);
            cfg.routes.head("/api/snapshots/{id}", snapshots::download);
            cfg.routes.get("/api/snapshots/{id}/meta", snapshots::meta);
            cfg.routes.post("/api/runs", runs::run);
            cfg.routes.get("/s/{id}", ctx -> {
                // The page reads the id from its path and fetches /api/snapshots/{id} itself.
                ctx.header("Cache-Control", STATIC_CACHE_CONTROL);
                ctx.contentType("text/html; charset=utf-8");
                ctx.result(sharePage);
            });
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> JsonErrors.send(ctx, e.getStatus(), e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                JsonErrors.send(ctx, 500, "internal server error: " + e);
            });
            // Javalin's own "not found" (no route, no static file) and any other bare error status become JSON too.
            cfg.routes.error(404, ctx -> jsonIfBare(ctx, "not found: " + ctx.path()));
            cfg.routes.error(405, ctx -> jsonIfBare(ctx, "method " + ctx.method() + " not allowed on " + ctx.path()));
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop();
            runs.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e), e);
        }
        return new PlaygroundServer(app, config.host(), store, runs);
    }

    private static void jsonIfBare(Context ctx, String message) {
        if (Boolean.TRUE.equals(ctx.attribute(JsonErrors.SENT))) return;   // a handler's own JSON error
        String body = ctx.result();
        if (body == null || body.isEmpty() || !"application/json".equals(ctx.contentType())) {
            JsonErrors.send(ctx, ctx.statusCode(), message);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** The port actually bound (the ephemeral one when the configuration asked for 0). */
    public int port() { return app.port(); }

    /** {@code http://HOST:PORT/}; a wildcard bind address is shown as 127.0.0.1. */
    public String url() {
        String h = host;
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) h = "127.0.0.1";
        else if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
        return "http://" + h + ":" + port() + "/";
    }

    /** Where this server keeps shared snapshots. */
    public SnapshotStore snapshotStore() { return store; }

    @Override
    public void close() {
        app.stop();
        runs.close();
    }
}
