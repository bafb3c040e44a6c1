package org.x86play.devices.fwcfg;

import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * QEMU's firmware configuration device (docs/specs/fw_cfg.rst), traditional I/O interface only: firmware
 * such as SeaBIOS reads RAM size, CPU count and named blobs from it.
 * <ul>
 *   <li>Selector, port 0x510, 16-bit write: selects an item and resets the data offset to 0. Bit 14 (write
 *       channel) is ignored because writes are not supported; bit 15 selects the arch-local items.</li>
 *   <li>Data, port 0x511: each byte read returns the next byte of the item, 0 past its end or for an unknown
 *       key. Wider reads return successive bytes in address order (little-endian), as the spec defines for
 *       the wide MMIO data register. Writes are ignored.</li>
 * </ul>
 * FW_CFG_ID reports the traditional interface only (bit 0), so guests never try DMA at 0x514.
 * Files: FW_CFG_FILE_DIR (0x19) lists them as a big-endian count then 64-byte entries (be32 size, be16
 * selector, be16 reserved, 56-byte NUL-padded name); selectors are 0x20 upward in name order, so adding a
 * file renumbers the ones after it (guests look selectors up in the directory).
 */
public final class FwCfg implements IoPortHandler {
    public static final int SELECTOR_PORT = 0x510, DATA_PORT = 0x511;
    public static final int SIGNATURE = 0x00, ID = 0x01, RAM_SIZE = 0x03, NB_CPUS = 0x05, MAX_CPUS = 0x0F,
            FILE_DIR = 0x19, FILE_FIRST = 0x20;
    public static final int WRITE_CHANNEL = 0x4000, ARCH_LOCAL = 0x8000;
    /** Name field size including the terminating NUL. */
    public static final int MAX_FILE_PATH = 56;
    private static final int DIR_ENTRY_SIZE = 64;
    private static final int ID_TRADITIONAL = 0x1;
    private static final byte[] EMPTY = new byte[0];

    private int[] keys = new int[16];
    private byte[][] items = new byte[16][];
    private int itemCount;
    /** Sorted by name; file i has selector FILE_FIRST + i. */
    private String[] fileNames = new String[8];
    private byte[][] fileData = new byte[8][];
    private int fileCount;

    private byte[] current = EMPTY;
    private int offset;

    /**
     * @param ramBytes RAM size reported as FW_CFG_RAM_SIZE
     * @param cpus     FW_CFG_NB_CPUS (CPUs present at boot)
     * @param maxCpus  FW_CFG_MAX_CPUS
     */
    public FwCfg(long ramBytes, int cpus, int maxCpus) {
        addItem(SIGNATURE, new byte[] {'Q', 'E', 'M', 'U'});
        addItem(ID, le(ID_TRADITIONAL, 4));
        addItem(RAM_SIZE, le64(ramBytes));
        addItem(NB_CPUS, le(cpus, 2));
        addItem(MAX_CPUS, le(maxCpus, 2));
        rebuildDirectory();
    }

    /** Registers ports 0x510 (selector) and 0x511 (data). */
    public void attach(IoBus io) { io.register(SELECTOR_PORT, 2, this); }

    /**
     * Sets the item at {@code key} (replacing an earlier one). Keys 0x20..0x3FFF belong to files and 0x19 to
     * the directory; the write-channel bit must be clear.
     */
    public void addItem(int key, byte[] data) {
        if (key < 0 || key > 0xFFFF || (key & WRITE_CHANNEL) != 0) throw new IllegalArgumentException("key " + key);
        if (key == FILE_DIR || (key >= FILE_FIRST && key < WRITE_CHANNEL)) {
            throw new IllegalArgumentException("key " + key + " is reserved for files");
        }
        put(key, data.clone());
    }

    /** Adds a named blob (ASCII, 1..55 characters, unique), e.g. "etc/e820" or "bootorder". */
    public void addFile(String name, byte[] data) {
        checkName(name);
        int at = 0;
        while (at < fileCount && fileNames[at].compareTo(name) < 0) at++;
        if (at < fileCount && fileNames[at].equals(name)) throw new IllegalArgumentException("duplicate file " + name);
        if (FILE_FIRST + fileCount >= WRITE_CHANNEL) throw new IllegalStateException("no file selectors left");
        if (fileCount == fileNames.length) {
            fileNames = java.util.Arrays.copyOf(fileNames, fileCount * 2);
            fileData = java.util.Arrays.copyOf(fileData, fileCount * 2);
        }
        System.arraycopy(fileNames, at, fileNames, at + 1, fileCount - at);
        System.arraycopy(fileData, at, fileData, at + 1, fileCount - at);
        fileNames[at] = name;
        fileData[at] = data.clone();
        fileCount++;
        rebuildDirectory();
    }

    /** The selector of file {@code name}, or -1. */
    public int fileSelector(String name) {
        for (int i = 0; i < fileCount; i++) if (fileNames[i].equals(name)) return FILE_FIRST + i;
        return -1;
    }

    // ------------------------------------------------------------------ ports

    @Override
    public int in(int port, int size) {
        if (port != DATA_PORT) return size == 4 ? -1 : (1 << (size << 3)) - 1; // the selector is write-only
        int v = 0;
        for (int k = 0; k < size; k++) {
            if (offset < current.length) v |= (current[offset++] & 0xFF) << (k << 3);
        }
        return v;
    }

    @Override
    public void out(int port, int size, int value) {
        if (port == SELECTOR_PORT && size >= 2) select(value & 0xFFFF);
        // Data port writes and byte writes to the 16-bit selector are ignored.
    }

    private void select(int key) {
        int entry = key & ~WRITE_CHANNEL;
        offset = 0;
        int file = entry - FILE_FIRST;
        if (file >= 0 && file < fileCount) {
            current = fileData[file];
        } else {
            int i = find(entry);
            current = i >= 0 ? items[i] : EMPTY;
        }
    }

    // ------------------------------------------------------------------ helpers

    private int find(int key) {
        for (int i = 0; i < itemCount; i++) if (keys[i] == key) return i;
        return -1;
    }

    private void rebuildDirectory() {
        byte[] dir = new byte[4 + fileCount * DIR_ENTRY_SIZE];
        putBe(dir, 0, fileCount, 4);
        for (int i = 0; i < fileCount; i++) {
            int e = 4 + i * DIR_ENTRY_SIZE;
            putBe(dir, e, fileData[i].length, 4);
            putBe(dir, e + 4, FILE_FIRST + i, 2);
            String name = fileNames[i];
            for (int c = 0; c < name.length(); c++) dir[e + 8 + c] = (byte) name.charAt(c);
        }
        put(FILE_DIR, dir);
    }

    private void put(int key, byte[] data) {
        int i = find(key);
        if (i >= 0) {
            items[i] = data;
            return;
        }
        if (itemCount == keys.length) {
            keys = java.util.Arrays.copyOf(keys, itemCount * 2);
            items = java.util.Arrays.copyOf(items, itemCount * 2);
        }
        keys[itemCount] = key;
        items[itemCount++] = data;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() >= MAX_FILE_PATH) throw new IllegalArgumentException("file name length");
        for (int c = 0; c < name.length(); c++) {
            char ch = name.charAt(c);
            if (ch == 0 || ch > 0x7E) throw new IllegalArgumentException("file name must be printable ASCII");
        }
    }

    private static void putBe(byte[] b, int at, int v, int n) {
        for (int k = 0; k < n; k++) b[at + k] = (byte) (v >>> ((n - 1 - k) << 3));
    }

    private static byte[] le(int v, int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) b[k] = (byte) (v >>> (k << 3));
        return b;
    }

    private static byte[] le64(long v) {
        byte[] b = new byte[8];
        for (int k = 0; k < 8; k++) b[k] = (byte) (v >>> (k << 3));
        return b;
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** The selected item's bytes (as the guest reads them) and the read offset; items themselves come from the configuration. */
    public void saveState(StateWriter w) {
        w.i32(current.length).bytes(current).i32(offset);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        int n = r.count(MAX_SELECTED_ITEM, 1, "fw_cfg selected item bytes");
        byte[] b = new byte[n];
        r.bytes(b);
        current = n == 0 ? EMPTY : b;
        offset = r.intIn(0, Integer.MAX_VALUE, "fw_cfg offset");
    }

    /** Largest selected item a snapshot may carry (fw_cfg items are small: tables, file names, boot data). */
    private static final int MAX_SELECTED_ITEM = 16 << 20;
}
