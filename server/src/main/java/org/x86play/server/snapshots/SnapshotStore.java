package org.x86play.server.snapshots;

import java.io.IOException;
import java.util.Optional;

/**
 * Where shared snapshots live. Snapshots are immutable: {@link #put} stores new bytes under a new random id and
 * nothing ever changes them. A put is atomic: until it returns, no reader can see the snapshot, and a failed or
 * crashed put leaves nothing visible. Implementations are safe for concurrent use.
 */
public interface SnapshotStore {
    /** Stores {@code data} (already validated by the caller) with its description; returns the new record. */
    SnapshotRecord put(byte[] data, SnapshotInfo info) throws IOException;

    /** The record of {@code id}, or empty when there is no such (committed) snapshot or the id is malformed. */
    Optional<SnapshotRecord> find(String id) throws IOException;

    /**
     * The bytes of a committed snapshot, checked against the SHA-256 of every chunk and of the whole;
     * a mismatch is an {@link IOException} (stored data corrupted), never wrong bytes.
     */
    byte[] read(SnapshotRecord record) throws IOException;

    /** How many snapshots are committed (for tests and the operator; may walk the whole store). */
    long count() throws IOException;
}
