package org.x86play.memory;

/**
 * Little-endian byte addressing over an {@code int[]} (guest memory backing store). Index {@code i} is a
 * byte offset; word {@code i >>> 2} holds bytes {@code i & ~3 .. i | 3}, lowest address in the low byte.
 * The multi-byte helpers require the whole access to lie inside one 4 KiB page of the store (callers split
 * page-crossing accesses), so {@code s[k + 1]} is always in bounds.
 * <p>
 * An {@code int[]} was chosen over {@code byte[]} and direct buffers: aligned dword accesses are a single
 * array element (fastest layout in HotSpot, WasmGC and JS per shared/teavm-notes.md).
 */
public final class WordStore {
    private WordStore() {}

    public static int load8(int[] s, int i) {
        return (s[i >>> 2] >>> ((i & 3) << 3)) & 0xFF;
    }

    public static int load16(int[] s, int i) {
        int k = i >>> 2;
        int sh = (i & 3) << 3;
        if (sh != 24) return (s[k] >>> sh) & 0xFFFF;
        return (s[k] >>> 24) | ((s[k + 1] & 0xFF) << 8);
    }

    public static int load32(int[] s, int i) {
        int k = i >>> 2;
        int sh = (i & 3) << 3;
        if (sh == 0) return s[k];
        return (s[k] >>> sh) | (s[k + 1] << (32 - sh));
    }

    public static void store8(int[] s, int i, int v) {
        int k = i >>> 2;
        int sh = (i & 3) << 3;
        s[k] = (s[k] & ~(0xFF << sh)) | ((v & 0xFF) << sh);
    }

    public static void store16(int[] s, int i, int v) {
        int k = i >>> 2;
        int sh = (i & 3) << 3;
        if (sh != 24) {
            s[k] = (s[k] & ~(0xFFFF << sh)) | ((v & 0xFFFF) << sh);
        } else {
            s[k] = (s[k] & 0x00FFFFFF) | (v << 24);
            s[k + 1] = (s[k + 1] & ~0xFF) | ((v >>> 8) & 0xFF);
        }
    }

    public static void store32(int[] s, int i, int v) {
        int k = i >>> 2;
        int sh = (i & 3) << 3;
        if (sh == 0) {
            s[k] = v;
        } else {
            int high = -1 << sh;          // bits of word k that belong to this access
            s[k] = (s[k] & ~high) | (v << sh);
            s[k + 1] = (s[k + 1] & high) | (v >>> (32 - sh));
        }
    }
}
