package org.x86play.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.x86play.server.snapshots.SnapshotIds;
import org.x86play.server.snapshots.SnapshotInfo;
import org.x86play.server.snapshots.SnapshotRecord;
import org.x86play.server.snapshots.SnapshotStore;
import org.x86play.snapshot.JdkCompression;
import org.x86play.snapshot.MachineConfig;
import org.x86play.snapshot.Sha256;
import org.x86play.snapshot.Snapshot;
import org.x86play.snapshot.SnapshotFormatException;

/**
 * The share-link API over a {@link SnapshotStore}:
 * <ul>
 *   <li>{@code POST /api/snapshots}: body = the snapshot file; optional {@code title} and {@code parent} (query
 *   parameters or {@code X-Snapshot-Title} / {@code X-Snapshot-Parent} headers). The whole file is checked with
 *   {@link Snapshot#parse} (magic, version, every section's bounds and CRC-32, the file CRC, the configuration)
 *   and {@link Snapshot#validate} (the CPU and every device section decoded into a throwaway machine, RAM's page
 *   map and every compressed chunk inflated) before anything is stored. 201 {@code {id, url}}; 413 past the size limit (from {@code Content-Length} before
 *   reading, else as soon as the limit is crossed); 400/404 otherwise.</li>
 *   <li>{@code GET|HEAD /api/snapshots/{id}}: the bytes, immutable, with a strong ETag (the SHA-256) and single
 *   byte ranges (RFC 9110 §14).</li>
 *   <li>{@code GET /api/snapshots/{id}/meta}: title, parent, size, created, sha256, configuration summary.</li>
 * </ul>
 */
final class SnapshotRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRoutes.class);
    static final int MAX_TITLE = 200;
    /** Uploads held in memory at once; more wait up to {@link #UPLOAD_WAIT_SECONDS}, then get 503. */
    static final int CONCURRENT_UPLOADS = 16;
    static final int UPLOAD_WAIT_SECONDS = 30;

    private final SnapshotStore store;
    private final long maxUpload;
    private final Semaphore uploads = new Semaphore(CONCURRENT_UPLOADS, true);

    SnapshotRoutes(SnapshotStore store, long maxUpload) {
        this.store = store;
        this.maxUpload = maxUpload;
    }

    SnapshotStore store() { return store; }

    void upload(Context ctx) throws IOException, InterruptedException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxUpload) {
            tooLarge(ctx);
            return;
        }
        String title = firstOf(ctx.queryParam("title"), ctx.header("X-Snapshot-Title"));
        String parent = firstOf(ctx.queryParam("parent"), ctx.header("X-Snapshot-Parent"));
        if (title != null) {
            title = title.strip();
            if (title.length() > MAX_TITLE) {
                JsonErrors.send(ctx, 400, "title is longer than " + MAX_TITLE + " characters");
                return;
            }
            if (title.chars().anyMatch(Character::isISOControl)) {
                JsonErrors.send(ctx, 400, "title contains control characters");
                return;
            }
            if (title.isEmpty()) title = null;
        }
        if (parent != null) {
            if (!SnapshotIds.isWellFormed(parent)) {
                JsonErrors.send(ctx, 400, "parent is not a snapshot id");
                return;
            }
            Optional<SnapshotRecord> p;
            try {
                p = store.find(parent);
            } catch (IOException e) {
                storeFailed(ctx, "parent " + parent, e);
                return;
            }
            if (p.isEmpty()) {
                JsonErrors.send(ctx, 404, "parent snapshot " + parent + " does not exist");
                return;
            }
        }
        if (!uploads.tryAcquire(UPLOAD_WAIT_SECONDS, TimeUnit.SECONDS)) {
            ctx.header("Retry-After", "5");
            JsonErrors.send(ctx, 503, "too many uploads in progress; try again");
            return;
        }
        try {
            byte[] data = readBounded(ctx.req().getInputStream(), declared);
            if (data == null) {
                tooLarge(ctx);
                return;
            }
            Snapshot parsed;
            try {
                parsed = Snapshot.parse(data);
                parsed.validate(new JdkCompression());   // every section decoded, not just checksummed
            } catch (SnapshotFormatException e) {
                JsonErrors.send(ctx, 400, "not a valid snapshot: " + e.getMessage());
                return;
            }
            SnapshotRecord r;
            try {
                r = store.put(data, new SnapshotInfo(title, parent, summary(parsed)));
            } catch (IOException e) {
                storeFailed(ctx, "upload", e);   // the store's commit protocol leaves nothing visible
                return;
            }
            String url = "/s/" + r.id();
            ctx.status(201);
            ctx.header("Location", url);
            ctx.header("Cache-Control", "no-store");
            ctx.json(Map.of("id", r.id(), "url", url));
        } finally {
            uploads.release();
        }
    }

    private void tooLarge(Context ctx) {
        // The rest of the body is not read: the connection is closed after this answer (RFC 9110 §15.5.14).
        ctx.header("Connection", "close");
        JsonErrors.send(ctx, 413, "snapshot is larger than the " + maxUpload + " bytes allowed");
    }

    /** The body, or null as soon as it is longer than the limit (the rest is never read). */
    private byte[] readBounded(InputStream in, long declared) throws IOException {
        int initial = (int) Math.min(declared > 0 ? declared : 1 << 16, maxUpload);
        byte[] buf = new byte[Math.max(initial, 16)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > maxUpload) return null;
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, maxUpload + 1));
            }
            int got = in.read(buf, n, buf.length - n);
            if (got < 0) break;
            n += got;
            if (n > maxUpload) return null;
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /** What {@code /meta} and the runner show of a snapshot's machine, without paths (they are the uploader's). */
    static Map<String, Object> summary(Snapshot s) {
        MachineConfig c = s.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", s.major() + "." + s.minor());
        m.put("memMb", c.memoryBytes >> 20);
        m.put("platform", c.platform == MachineConfig.PLATFORM_PC ? "pc" : "bare");
        m.put("boot", c.bootName());
        m.put("cmdline", c.cmdline);
        if (c.kernelSha != null) m.put("kernelSha256", Sha256.hex(c.kernelSha));
        if (c.initrdSha != null) m.put("initrdSha256", Sha256.hex(c.initrdSha));
        if (c.biosSha != null) m.put("firmwareSha256", Sha256.hex(c.biosSha));
        return m;
    }

    void download(Context ctx) {
        Optional<SnapshotRecord> found = find(ctx);
        if (found.isEmpty()) return;
        SnapshotRecord r = found.get();
        String etag = "\"" + r.sha256() + "\"";
        ctx.disableCompression();
        ctx.header("ETag", etag);
        // Immutable content under a never-reused id (RFC 8246).
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.header("Accept-Ranges", "bytes");
        long created = java.time.Instant.parse(r.created()).toEpochMilli();
        ctx.header("Last-Modified", EntityTags.formatDate(created));
        String inm = ctx.header("If-None-Match");
        if (inm != null && EntityTags.listMatches(inm, etag, false)) {
            ctx.status(304);
            return;
        }
        byte[] data = read(ctx, r);
        if (data == null) return;
        ctx.contentType("application/octet-stream");
        boolean get = ctx.method() == HandlerType.GET;
        ByteRangeRequest range = get ? ByteRangeRequest.parse(ctx.header("Range"), data.length) : ByteRangeRequest.FULL;
        String ifRange = ctx.header("If-Range");
        if (ifRange != null && !EntityTags.ifRangeHolds(ifRange, etag, created)) range = ByteRangeRequest.FULL;
        if (range.kind == ByteRangeRequest.Kind.UNSATISFIABLE) {
            ctx.header("Content-Range", "bytes */" + data.length);
            JsonErrors.send(ctx, 416, "range not satisfiable: the snapshot is " + data.length + " bytes");
            return;
        }
        if (range.kind == ByteRangeRequest.Kind.PARTIAL) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + range.first + "-" + range.last + "/" + data.length);
            data = Arrays.copyOfRange(data, (int) range.first, (int) range.last + 1);
        }
        ctx.header("Content-Length", Integer.toString(data.length));
        if (get) ctx.result(data);
    }

    void meta(Context ctx) {
        Optional<SnapshotRecord> found = find(ctx);
        if (found.isEmpty()) return;
        SnapshotRecord r = found.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("url", "/s/" + r.id());
        m.put("title", r.title());
        m.put("parent", r.parent());
        m.put("size", r.size());
        m.put("created", r.created());
        m.put("sha256", r.sha256());
        m.put("chunks", r.chunks().size());
        m.put("config", r.config());
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.json(m);
    }

    /** The record named by the {@code id} path parameter, or empty after a 404 (or a 503 when the store fails). */
    private Optional<SnapshotRecord> find(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<SnapshotRecord> r;
        try {
            r = SnapshotIds.isWellFormed(id) ? store.find(id) : Optional.empty();
        } catch (IOException e) {
            storeFailed(ctx, id, e);
            return Optional.empty();
        }
        if (r.isEmpty()) JsonErrors.send(ctx, 404, "no snapshot " + (SnapshotIds.isWellFormed(id) ? id : "with that id"));
        return r;
    }

    /** The store (disk, bucket) failed: logged with the cause, 503 to the client (the request itself was fine). */
    private static void storeFailed(Context ctx, String what, IOException e) {
        LOG.error("snapshot store failed ({})", what, e);
        ctx.header("Retry-After", "30");
        JsonErrors.send(ctx, 503, "the snapshot store is unavailable right now; try again later");
    }

    /** The stored bytes, or null after an error answer (a store whose content no longer checks out). */
    private byte[] read(Context ctx, SnapshotRecord r) {
        try {
            return store.read(r);
        } catch (IOException e) {
            storeFailed(ctx, r.id(), e);
            return null;
        }
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
    }

    /** The playground page for {@code /s/{id}}: index.html with a base URL, so its relative links resolve from "/". */
    static byte[] sharePage() throws IOException {
        try (InputStream in = SnapshotRoutes.class.getResourceAsStream("/web/index.html")) {
            if (in == null) throw new IOException("the page web/index.html is not on the class path");
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int head = html.indexOf("<head>");
            if (head >= 0) html = html.substring(0, head + 6) + "\n  <base href=\"/\">" + html.substring(head + 6);
            return html.getBytes(StandardCharsets.UTF_8);
        }
    }
}
