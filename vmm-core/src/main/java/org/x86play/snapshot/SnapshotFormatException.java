package org.x86play.snapshot;

/**
 * A snapshot that cannot be read or does not fit the machine it is restored into: bad magic, unknown major
 * version, checksum mismatch, a length or count out of range, a value a device does not accept, guest images
 * whose content differs from the ones the snapshot was taken with. The message says which and where.
 */
public final class SnapshotFormatException extends Exception {
    public SnapshotFormatException(String message) {
        super(message);
    }
}
