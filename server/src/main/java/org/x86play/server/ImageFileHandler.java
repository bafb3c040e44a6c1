package org.x86play.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * {@code GET|HEAD /images/{id}/{file}}: a catalog file with conditional and range requests (RFC 9110 §13, §14),
 * streamed from disk in 64 KiB pieces.
 * <ul>
 *   <li>Validators: a strong ETag (the SHA-256) and Last-Modified. {@code If-Match} (strong) failing gives 412;
 *   {@code If-None-Match} (weak comparison), or without it {@code If-Modified-Since}, gives 304 (§13.2.2 order).</li>
 *   <li>{@code Range} is evaluated for GET only (§14.2: the only method with defined range handling), after
 *   {@code If-Range}: a validator that does not match strongly means the full 200 answer (§13.1.5).</li>
 *   <li>One satisfiable range: 206 with {@code Content-Range: bytes first-last/length}; an unsatisfiable one:
 *   416 with {@code Content-Range: bytes *&#47;length} (§14.4, §15.5.17); several ranges: the full 200 answer
 *   (a server may ignore Range, §14.2; we never produce multipart/byteranges); a malformed header is ignored.</li>
 * </ul>
 */
final class ImageFileHandler {
    private static final int CHUNK = 1 << 16;
    private final ImageCatalog catalog;

    ImageFileHandler(ImageCatalog catalog) {
        this.catalog = catalog;
    }

    void handle(Context ctx) throws IOException {
        String id = ctx.pathParam("id"), name = ctx.pathParam("file");
        ImageFile file = catalog.find(id, name);
        if (file == null) {
            JsonErrors.send(ctx, 404, "no image file " + id + "/" + name + " in the catalog");
            return;
        }
        ImageFile.Snapshot s;
        try {
            s = file.snapshot();
        } catch (NoSuchFileException e) {
            JsonErrors.send(ctx, 404, "the image file " + id + "/" + name + " is gone from the server's disk");
            return;
        }
        boolean get = ctx.method() == HandlerType.GET;
        String etag = s.etag();

        ctx.disableCompression();   // Content-Length and Content-Range describe the bytes as stored
        ctx.header("ETag", etag);
        ctx.header("Last-Modified", EntityTags.formatDate(s.lastModifiedMillis));
        // Revalidate each use (a rebuilt guest keeps its URL); the ETag makes that a cheap 304.
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Accept-Ranges", "bytes");

        String ifMatch = ctx.header("If-Match");
        if (ifMatch != null && !EntityTags.listMatches(ifMatch, etag, true)) {
            JsonErrors.send(ctx, 412, "If-Match does not match the current " + id + "/" + name);
            return;
        }
        String ifNoneMatch = ctx.header("If-None-Match");
        boolean notModified;
        if (ifNoneMatch != null) {
            notModified = EntityTags.listMatches(ifNoneMatch, etag, false);
        } else {
            String ims = ctx.header("If-Modified-Since");
            Long since = ims == null ? null : EntityTags.parseDate(ims);
            notModified = since != null && s.lastModifiedMillis / 1000 * 1000 <= since;
        }
        if (notModified) {
            ctx.status(304);   // no body, no Content-Length (§15.4.5)
            return;
        }

        ByteRangeRequest range = ByteRangeRequest.FULL;
        String rangeHeader = ctx.header("Range");
        String ifRange = ctx.header("If-Range");
        if (get && rangeHeader != null && (ifRange == null || EntityTags.ifRangeHolds(ifRange, etag, s.lastModifiedMillis))) {
            range = ByteRangeRequest.parse(rangeHeader, s.size);
        }
        if (range.kind == ByteRangeRequest.Kind.UNSATISFIABLE) {
            ctx.header("Content-Range", "bytes */" + s.size);
            JsonErrors.send(ctx, 416, "range '" + rangeHeader + "' is outside the " + s.size + " bytes of " + id + "/" + name);
            return;
        }
        long first = 0, count = s.size;
        if (range.kind == ByteRangeRequest.Kind.PARTIAL) {
            first = range.first;
            count = range.length();
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + range.first + "-" + range.last + "/" + s.size);
        } else {
            ctx.status(200);
        }
        ctx.contentType("application/octet-stream");
        ctx.res().setContentLengthLong(count);
        if (get) stream(file, first, count, ctx.res().getOutputStream());
    }

    /** Copies {@code count} bytes from {@code first} on; a client that hangs up just ends the copy. */
    private static void stream(ImageFile file, long first, long count, OutputStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(file.path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            long pos = first, left = count;
            while (left > 0) {
                buf.clear();
                if (left < CHUNK) buf.limit((int) left);
                int n = ch.read(buf, pos);
                if (n < 0) break;   // the file shrank under us; the client sees a short body
                out.write(buf.array(), 0, n);
                pos += n;
                left -= n;
            }
            out.flush();
        } catch (org.eclipse.jetty.io.EofException e) {
            // the client closed the connection (e.g. the page aborted a download): nothing to answer
        }
    }
}
