package org.x86play.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsMeterTest {
    @Test
    void mipsOverTheLastIntervalOnly() {
        StatsMeter m = new StatsMeter();
        m.start(0, 1_000_000_000L); // a billion instructions before: not part of any interval
        m.addBusy(250_000_000L);
        assertFalse(m.due(999_999_999L, 1_005_000_000L));
        assertTrue(m.due(1_000_000_000L, 1_010_000_000L));
        assertEquals(10.0, m.mips(), 1e-9, "10 M instructions in 1 s");
        assertEquals(40.0, m.busyMips(), 1e-9, "in 0.25 s of emulator time");
        m.addBusy(2_000_000_000L);
        assertTrue(m.due(3_000_000_000L, 1_050_000_000L));
        assertEquals(20.0, m.mips(), 1e-9);
        assertEquals(20.0, m.busyMips(), 1e-9);
    }
}
