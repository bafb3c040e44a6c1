package org.x86play.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.x86play.host.CapturedRun;
import org.x86play.host.RunOptions;
import org.x86play.host.UsageException;
import org.x86play.server.snapshots.SnapshotIds;
import org.x86play.server.snapshots.SnapshotRecord;
import org.x86play.server.snapshots.SnapshotStore;
import org.x86play.snapshot.MachineConfig;
import org.x86play.snapshot.Sha256;
import org.x86play.snapshot.Snapshot;
import org.x86play.snapshot.SnapshotFormatException;

/**
 * {@code POST /api/runs}: runs a catalog image or a stored snapshot natively ({@link CapturedRun}, the same machine
 * building as {@code ./vmm run}) and answers {@code {output, stopReason, message, instructions, stats}}.
 * <p>
 * Bounds: at most {@link ServerConfig.RunnerLimits#concurrency} runs at once, on this class's own threads (a busy
 * runner answers 503 at once rather than queueing), each limited in wall time, instructions (the request may ask
 * for less, never more), guest RAM and returned output. The guest has COM1 only: no host files, no network.
 * Guest images come only from the catalog and the configured runner images, matched by SHA-256; a snapshot's
 * recorded paths are never opened.
 */
final class RunRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunRoutes.class);
    static final int MAX_INPUT = 64 << 10, MAX_UNTIL = 1024;
    /** Room for the largest input after JSON escaping (up to 6 bytes per character) and the other fields. */
    static final int MAX_BODY = 6 * MAX_INPUT + (16 << 10);
    private static final Set<String> FIELDS = Set.of("image", "snapshot", "input", "until", "maxInstructions", "timeoutMs");

    private final ImageCatalog catalog;
    private final SnapshotStore store;
    private final ServerConfig.RunnerLimits limits;
    /** SHA-256 hex to file, for rebuilding a snapshot's machine. */
    private final Map<String, Path> imagesBySha = new HashMap<>();
    private final Semaphore slots;
    private final ExecutorService runners;

    RunRoutes(ImageCatalog catalog, SnapshotStore store, ServerConfig.RunnerLimits limits, List<Path> extraImages) throws IOException {
        this.catalog = catalog;
        this.store = store;
        this.limits = limits;
        for (ImageEntry e : catalog.entries()) for (ImageFile f : e.files.values()) imagesBySha.put(f.snapshot().sha256, f.path);
        for (Path p : extraImages) {
            ImageFile f = new ImageFile("runner", p.getFileName().toString(), p);
            imagesBySha.put(f.snapshot().sha256, p);
        }
        this.slots = new Semaphore(limits.concurrency());
        this.runners = new ThreadPoolExecutor(limits.concurrency(), limits.concurrency(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(limits.concurrency()), r -> {
                    Thread t = new Thread(r, "vmm-runner");
                    t.setDaemon(true);
                    return t;
                });
    }

    void run(Context ctx) throws IOException, InterruptedException {
        JsonNode req;
        if (ctx.req().getContentLengthLong() > MAX_BODY) {
            JsonErrors.send(ctx, 413, "a run request is at most " + MAX_BODY + " bytes of JSON");
            return;
        }
        byte[] raw = ctx.bodyInputStream().readNBytes(MAX_BODY + 1);
        if (raw.length > MAX_BODY) {
            JsonErrors.send(ctx, 413, "a run request is at most " + MAX_BODY + " bytes of JSON");
            return;
        }
        try {
            req = JsonErrors.JSON.readTree(raw);
        } catch (IOException e) {
            JsonErrors.send(ctx, 400, "the body is not JSON: " + firstLine(e.getMessage()));
            return;
        }
        if (req == null || !req.isObject()) {
            JsonErrors.send(ctx, 400, "the body must be a JSON object like {\"snapshot\": \"ID\"} or {\"image\": \"ID\"}");
            return;
        }
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                JsonErrors.send(ctx, 400, "unknown field '" + f + "' (allowed: image, snapshot, input, until, maxInstructions, timeoutMs)");
                return;
            }
        }
        RunOptions o = new RunOptions();
        o.recordedPathsAllowed = false;
        String input, until;
        try {
            input = text(req, "input", MAX_INPUT);
            until = text(req, "until", MAX_UNTIL);
            o.maxInstructions = number(req, "maxInstructions", limits.maxInstructions());
            o.timeoutMillis = number(req, "timeoutMs", limits.maxMillis());
            String image = text(req, "image", 64), snapshot = text(req, "snapshot", 64);
            if ((image == null) == (snapshot == null)) throw new BadRequest(400, "give exactly one of \"image\" and \"snapshot\"");
            if (image != null) fromImage(o, image);
            else fromSnapshot(o, snapshot);
        } catch (BadRequest e) {
            JsonErrors.send(ctx, e.status, e.getMessage());
            return;
        }
        if (!slots.tryAcquire()) {
            ctx.header("Retry-After", "10");
            JsonErrors.send(ctx, 503, "the runner is busy (" + limits.concurrency() + " run(s) at a time); try again");
            return;
        }
        try {
            Future<CapturedRun.Outcome> f = runners.submit(() -> CapturedRun.run(o, input, until, limits.maxOutputBytes()));
            CapturedRun.Outcome out;
            try {
                // The run stops itself at its time limit; the extra margin covers building the machine.
                out = f.get(o.timeoutMillis + 60_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UsageException) {
                    JsonErrors.send(ctx, 422, e.getCause().getMessage());
                    return;
                }
                LOG.error("run failed", e.getCause());
                JsonErrors.send(ctx, 500, "the run failed: " + e.getCause());
                return;
            } catch (TimeoutException e) {
                f.cancel(true);
                JsonErrors.send(ctx, 503, "the run did not finish in time");
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("output", out.output());
            body.put("outputTruncated", out.outputTruncated());
            body.put("stopReason", out.stopReason());
            body.put("message", out.message());
            body.put("instructions", out.instructions());
            body.put("stats", out.stats());
            ctx.header("Cache-Control", "no-store");
            ctx.json(body);
        } finally {
            slots.release();
        }
    }

    private void fromImage(RunOptions o, String id) throws BadRequest {
        ImageEntry e = catalog.entries().stream().filter(x -> x.id.equals(id)).findFirst()
                .orElseThrow(() -> new BadRequest(404, "no image '" + id + "' in the catalog"));
        ImageFile kernel = e.files.get("kernel");
        if (kernel == null) throw new BadRequest(422, "image '" + id + "' has no kernel");
        if (e.memMb > limits.maxMemMb()) throw new BadRequest(422, "image '" + id + "' needs " + e.memMb + " MiB, more than the runner's " + limits.maxMemMb());
        o.kernel = kernel.path.toString();
        ImageFile initrd = e.files.get("initrd");
        if (initrd != null) o.initrd = initrd.path.toString();
        o.append = e.cmdline;
        o.memMb = e.memMb;
    }

    private void fromSnapshot(RunOptions o, String id) throws BadRequest {
        if (!SnapshotIds.isWellFormed(id)) throw new BadRequest(404, "no snapshot with that id");
        byte[] data;
        MachineConfig c;
        try {
            Optional<SnapshotRecord> r = store.find(id);
            if (r.isEmpty()) throw new BadRequest(404, "no snapshot " + id);
            data = store.read(r.get());
            c = Snapshot.parse(data).config();
        } catch (IOException e) {
            LOG.error("snapshot {} cannot be read", id, e);
            throw new BadRequest(503, "snapshot " + id + " cannot be read from the store right now");
        } catch (SnapshotFormatException e) {
            throw new BadRequest(422, "snapshot " + id + ": " + e.getMessage());   // stored ones were checked on upload
        }
        if (c.memoryBytes >> 20 > limits.maxMemMb()) {
            throw new BadRequest(422, "snapshot " + id + " needs " + (c.memoryBytes >> 20) + " MiB, more than the runner's " + limits.maxMemMb());
        }
        o.snapshot = "snapshot " + id;
        o.snapshotData = data;
        // The images by content only: the recorded paths are the uploader's, not ours.
        Path kernel = c.kernelSha == null ? null : imagesBySha.get(Sha256.hex(c.kernelSha));
        Path initrd = c.initrdSha == null ? null : imagesBySha.get(Sha256.hex(c.initrdSha));
        Path bios = c.biosSha == null ? null : imagesBySha.get(Sha256.hex(c.biosSha));
        switch (c.boot) {
            case MachineConfig.BOOT_LINUX -> {
                if (kernel != null) o.kernel = kernel.toString();
                if (initrd != null) o.initrd = initrd.toString();
            }
            case MachineConfig.BOOT_MULTIBOOT -> {
                if (kernel != null) o.multiboot = kernel.toString();
            }
            case MachineConfig.BOOT_BIOS -> {
                if (bios != null) o.bios = bios.toString();
            }
            default -> { }
        }
    }

    private static String text(JsonNode req, String field, int max) throws BadRequest {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new BadRequest(400, "\"" + field + "\" must be a string");
        String s = n.textValue();
        if (s.length() > max) throw new BadRequest(400, "\"" + field + "\" is longer than " + max + " characters");
        return s;
    }

    /** A positive whole number no larger than the server's cap; absent = the cap. */
    private static long number(JsonNode req, String field, long cap) throws BadRequest {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return cap;
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 1) throw new BadRequest(400, "\"" + field + "\" must be a positive whole number");
        return Math.min(n.longValue(), cap);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A request the runner refuses, with its status. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    public void close() {
        runners.shutdownNow();
    }
}
