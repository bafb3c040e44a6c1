package org.x86play.server.snapshots;

import java.io.IOException;

/**
 * Named immutable byte objects: the storage under {@link ChunkedSnapshotStore}. Keys are made by the store only
 * ({@code chunks/<sha256 hex>}, {@code meta/<id>.json}), never from request text.
 */
public interface BlobStore {
    /** Stores {@code data} under {@code key} atomically: a reader sees all of it or nothing. */
    void put(String key, byte[] data) throws IOException;

    /** The bytes under {@code key}, or null when there are none. */
    byte[] get(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /** How many objects have keys starting with {@code prefix}. */
    long count(String prefix) throws IOException;
}
