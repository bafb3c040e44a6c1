package org.x86play.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.x86play.devices.vga.Vga;

class ScreenFramesTest {
    private final Vga vga = new Vga();
    private final ScreenFrames frames = new ScreenFrames(vga);

    @Test
    void firstFrameAtOnceThenOnlyOnChangeAndAtMostTwentyPerSecond() {
        assertTrue(frames.due(0));
        char[] blank = frames.take(0);
        assertEquals(80 * 25, blank.length);
        assertEquals(0x0720, blank[0], "power-on text memory: space, light grey on black");
        assertFalse(frames.due(1_000_000_000L), "nothing changed");

        vga.write(0x18000 + 2 * (80 + 2), 2, 0x1F41); // row 1, column 2: 'A' white on blue (little-endian pair)
        assertFalse(frames.due(10_000_000L), "changed, but only 10 ms after the last frame");
        long t = ScreenFrames.MIN_INTERVAL_NANOS;
        assertTrue(frames.due(t));
        char[] cells = frames.take(t);
        assertEquals(0x1F41, cells[80 + 2]);
        assertEquals(0x0720, cells[80 + 3]);
        assertFalse(frames.due(t + ScreenFrames.MIN_INTERVAL_NANOS));
    }
}
