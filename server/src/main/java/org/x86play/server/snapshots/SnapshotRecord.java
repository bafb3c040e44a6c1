package org.x86play.server.snapshots;

import java.util.List;
import java.util.Map;

/**
 * A committed snapshot as its metadata record stores it: id, title, parent, size, creation time (ISO-8601 UTC),
 * SHA-256 of the whole, the machine configuration summary, and the ordered SHA-256 list of its content chunks.
 */
public record SnapshotRecord(String id, String title, String parent, long size, String created, String sha256,
        Map<String, Object> config, List<String> chunks) {
    public SnapshotRecord {
        config = config == null ? Map.of() : Map.copyOf(config);
        chunks = List.copyOf(chunks);
    }
}
