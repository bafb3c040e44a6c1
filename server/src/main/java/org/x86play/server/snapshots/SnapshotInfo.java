package org.x86play.server.snapshots;

import java.util.Map;

/**
 * What the uploader and the validator tell the store about a snapshot: an optional title and parent snapshot id
 * (snapshots of snapshots form a tree), and a summary of the machine configuration it needs.
 */
public record SnapshotInfo(String title, String parent, Map<String, Object> config) {
    public SnapshotInfo {
        config = config == null ? Map.of() : Map.copyOf(config);
    }
}
