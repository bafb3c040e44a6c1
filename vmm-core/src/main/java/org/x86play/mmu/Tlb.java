package org.x86play.mmu;

import org.x86play.memory.PhysicalMemory;

/**
 * Direct-mapped software TLB indexed by the low bits of the linear page number.
 * <p>
 * Each entry caches one 4 KiB translation ({@link #linearPage}, {@link #physicalPage}, {@link #attributes})
 * and, when the frame is RAM or ROM, four "direct" tags holding the linear page address if that kind of
 * access may go straight to the backing store at {@code linear + addend}: a fast-path hit is one compare
 * and one add. Write tags are set only for RAM frames that are not write-watched and whose dirty bit is
 * already set. A list of used slots keeps flushes proportional to the working set.
 */
final class Tlb {
    static final int BITS = 12, SIZE = 1 << BITS, MASK = SIZE - 1;
    /** Never equal to a page address masked with 0xFFFFF003 (bits 2..11 are zero there). */
    static final int INVALID = -1;

    final int[] readSup = new int[SIZE], readUser = new int[SIZE];
    final int[] writeSup = new int[SIZE], writeUser = new int[SIZE];
    final int[] addend = new int[SIZE];
    final int[] linearPage = new int[SIZE];
    final int[] physicalPage = new int[SIZE];
    final int[] attributes = new int[SIZE];
    private final int[] used = new int[SIZE];
    private final boolean[] listed = new boolean[SIZE];
    private int usedCount;
    private int largeEntries;

    Tlb() {
        for (int i = 0; i < SIZE; i++) clear(i);
    }

    static int index(int lin) { return (lin >>> 12) & MASK; }

    void fill(int lin, int result, PhysicalMemory memory) {
        int i = index(lin);
        int lp = lin & ~0xFFF;
        if (!listed[i]) {
            listed[i] = true;
            used[usedCount++] = i;
        }
        int frame = result & ~0xFFF;
        linearPage[i] = lp;
        physicalPage[i] = frame;
        attributes[i] = result & 0xFFF;
        if ((result & TranslationStrategy.LARGE) != 0) largeEntries++;
        int e = memory.pageEntry(frame);
        int kind = e & 3;
        int rs = INVALID, ru = INVALID, ws = INVALID, wu = INVALID;
        if (kind <= PhysicalMemory.KIND_ROM) {
            int storePage = e & ~0xFFF;
            addend[i] = storePage - lp;
            rs = lp;
            if ((result & TranslationStrategy.PERM_USER_READ) != 0) ru = lp;
            if (kind == PhysicalMemory.KIND_RAM && !memory.isWriteWatched(storePage)) {
                if ((result & TranslationStrategy.PERM_SUP_WRITE) != 0) ws = lp;
                if ((result & TranslationStrategy.PERM_USER_WRITE) != 0) wu = lp;
            }
        }
        readSup[i] = rs;
        readUser[i] = ru;
        writeSup[i] = ws;
        writeUser[i] = wu;
    }

    private void clear(int i) {
        linearPage[i] = INVALID;
        readSup[i] = readUser[i] = writeSup[i] = writeUser[i] = INVALID;
        attributes[i] = 0;
    }

    /** Drops the translation of {@code lin}'s page, and every cached piece of a 4 MiB page containing it. */
    void invalidatePage(int lin) {
        int i = index(lin);
        if (linearPage[i] == (lin & ~0xFFF)) clear(i);
        if (largeEntries > 0) {
            for (int k = 0; k < usedCount; k++) {
                int j = used[k];
                if ((attributes[j] & TranslationStrategy.LARGE) != 0 && ((linearPage[j] ^ lin) & 0xFFC00000) == 0) {
                    clear(j);
                }
            }
        }
    }

    /** Drops every translation, or every non-global one (MOV to CR3, SDM §4.10.4.1). */
    void flush(boolean keepGlobal) {
        int n = 0, large = 0;
        for (int k = 0; k < usedCount; k++) {
            int i = used[k];
            if (keepGlobal && linearPage[i] != INVALID && (attributes[i] & TranslationStrategy.GLOBAL) != 0) {
                used[n++] = i;
                if ((attributes[i] & TranslationStrategy.LARGE) != 0) large++;
            } else {
                clear(i);
                listed[i] = false;
            }
        }
        usedCount = n;
        largeEntries = large;
    }

    /** Removes direct write paths into one store page (it became write-watched). */
    void dropWritesTo(int storePageOffset) {
        for (int k = 0; k < usedCount; k++) {
            int i = used[k];
            if ((writeSup[i] != INVALID || writeUser[i] != INVALID) && linearPage[i] + addend[i] == storePageOffset) {
                writeSup[i] = writeUser[i] = INVALID;
            }
        }
    }

    int usedEntries() { return usedCount; }
}
