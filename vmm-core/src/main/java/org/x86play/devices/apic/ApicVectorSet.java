package org.x86play.devices.apic;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * A 256-bit vector register of the local APIC (IRR, ISR or TMR; SDM Vol. 3 §10.8.4, Figure 10-20):
 * bit v stands for vector v, read by software as eight 32-bit words.
 */
final class ApicVectorSet {
    private final int[] words = new int[8];

    void set(int vector) { words[(vector >>> 5) & 7] |= 1 << (vector & 31); }

    void clear(int vector) { words[(vector >>> 5) & 7] &= ~(1 << (vector & 31)); }

    boolean contains(int vector) { return (words[(vector >>> 5) & 7] & (1 << (vector & 31))) != 0; }

    /** The highest vector present, or -1 when the set is empty. */
    int highest() {
        for (int i = 7; i >= 0; i--) {
            int w = words[i];
            if (w != 0) return (i << 5) | (31 - Integer.numberOfLeadingZeros(w));
        }
        return -1;
    }

    /** Word {@code i} (0..7): vectors 32*i .. 32*i+31. */
    int word(int i) { return words[i & 7]; }

    void clearAll() { java.util.Arrays.fill(words, 0); }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    void saveState(StateWriter w) { w.ints(words); }

    void loadState(StateReader r) throws SnapshotFormatException { r.ints(words); }
}
