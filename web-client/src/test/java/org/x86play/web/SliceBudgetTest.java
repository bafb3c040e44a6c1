package org.x86play.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SliceBudgetTest {
    @Test
    void convergesOnTenMillisecondsOfWork() {
        SliceBudget b = new SliceBudget();
        // A 30 MIPS host: 300k instructions per 10 ms.
        for (int i = 0; i < 20; i++) b.fullSlice(b.instructions(), b.instructions() * 1_000_000_000L / 30_000_000);
        assertTrue(Math.abs(b.instructions() - 300_000) < 3_000, "budget " + b.instructions());
    }

    @Test
    void staysWithinBoundsAndIgnoresEmptySamples() {
        SliceBudget b = new SliceBudget();
        b.fullSlice(0, 5);
        b.fullSlice(5, 0);
        assertEquals(SliceBudget.INITIAL, b.instructions());
        for (int i = 0; i < 40; i++) b.fullSlice(b.instructions(), 1); // absurdly fast
        assertEquals(SliceBudget.MAX, b.instructions());
        for (int i = 0; i < 40; i++) b.fullSlice(b.instructions(), 60_000_000_000L); // a minute per slice
        assertEquals(SliceBudget.MIN, b.instructions());
    }
}
