package org.x86play.server.snapshots;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@link SnapshotStore} over any {@link BlobStore}: a snapshot's bytes are cut into content-defined chunks
 * ({@link ContentChunker}), each stored once under its SHA-256 ({@code chunks/<hex>}), shared by every snapshot
 * that contains it; the snapshot itself is its metadata record {@code meta/<id>.json} (JSON, with the ordered
 * chunk list).
 * <p>
 * Commit protocol: all chunks are written first (each atomically), the record last (atomically). The record is
 * the only thing that makes a snapshot visible, so a put that fails or crashes part-way leaves at most complete,
 * unreferenced chunks (harmless; a later put of the same content reuses them), never a visible half-snapshot.
 * Chunks are never deleted, so a chunk found to exist stays there for the record that references it.
 */
public final class ChunkedSnapshotStore implements SnapshotStore {
    static final String CHUNKS = "chunks/", META = "meta/";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlobStore blobs;

    public ChunkedSnapshotStore(BlobStore blobs) {
        this.blobs = blobs;
    }

    public BlobStore blobs() { return blobs; }

    @Override
    public SnapshotRecord put(byte[] data, SnapshotInfo info) throws IOException {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        for (int end : ContentChunker.boundaries(data)) {
            byte[] chunk = Arrays.copyOfRange(data, start, end);
            String hash = sha256(chunk);
            String key = CHUNKS + hash;
            // Content-addressed: an existing chunk already holds exactly these bytes.
            if (!blobs.exists(key)) blobs.put(key, chunk);
            chunks.add(hash);
            start = end;
        }
        SnapshotRecord r = new SnapshotRecord(SnapshotIds.newId(), info.title(), info.parent(), data.length,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), sha256(data), info.config(), chunks);
        blobs.put(META + r.id() + ".json", JSON.writeValueAsBytes(r));
        return r;
    }

    @Override
    public Optional<SnapshotRecord> find(String id) throws IOException {
        if (!SnapshotIds.isWellFormed(id)) return Optional.empty();
        byte[] json = blobs.get(META + id + ".json");
        if (json == null) return Optional.empty();
        SnapshotRecord r;
        try {
            r = JSON.readValue(json, SnapshotRecord.class);
        } catch (IOException e) {
            throw new IOException("snapshot record " + id + " is unreadable: " + e.getMessage(), e);
        }
        if (!id.equals(r.id())) throw new IOException("snapshot record " + id + " names another id");
        for (String c : r.chunks()) if (!HEX64.matcher(c).matches()) throw new IOException("snapshot record " + id + " has a bad chunk name");
        return Optional.of(r);
    }

    @Override
    public byte[] read(SnapshotRecord r) throws IOException {
        if (r.size() < 0 || r.size() > Integer.MAX_VALUE - 8) throw new IOException("snapshot " + r.id() + " has an impossible size");
        byte[] out = new byte[(int) r.size()];
        int at = 0;
        for (String hash : r.chunks()) {
            byte[] chunk = blobs.get(CHUNKS + hash);
            if (chunk == null) throw new IOException("snapshot " + r.id() + ": chunk " + hash + " is missing");
            if (!sha256(chunk).equals(hash)) throw new IOException("snapshot " + r.id() + ": chunk " + hash + " is corrupted");
            if (chunk.length > out.length - at) throw new IOException("snapshot " + r.id() + ": chunks exceed the recorded size");
            System.arraycopy(chunk, 0, out, at, chunk.length);
            at += chunk.length;
        }
        if (at != out.length) throw new IOException("snapshot " + r.id() + ": chunks are shorter than the recorded size");
        if (!sha256(out).equals(r.sha256())) throw new IOException("snapshot " + r.id() + ": content does not match its SHA-256");
        return out;
    }

    @Override
    public long count() throws IOException {
        return blobs.count(META);
    }

    /** Distinct chunks stored (shared chunks count once). */
    public long chunkCount() throws IOException {
        return blobs.count(CHUNKS);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
