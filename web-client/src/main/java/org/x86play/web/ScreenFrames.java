package org.x86play.web;

import org.x86play.devices.vga.TextView;
import org.x86play.devices.vga.Vga;

/**
 * Snapshots of the VGA text screen for 'screen' messages: only when video memory or a display register
 * changed ({@link Vga#version()}) and at most one per {@link #MIN_INTERVAL_NANOS}.
 */
final class ScreenFrames {
    static final long MIN_INTERVAL_NANOS = 50_000_000L; // <= 20 frames per second

    private final Vga vga;
    private int shownVersion;
    private boolean shownAny;
    private long lastFrame;

    ScreenFrames(Vga vga) { this.vga = vga; }

    /** True when the screen changed since the last frame and a frame is allowed now. */
    boolean due(long hostNanos) {
        if (shownAny && vga.version() == shownVersion) return false;
        return !shownAny || hostNanos - lastFrame >= MIN_INTERVAL_NANOS;
    }

    /** Records that a frame is sent now; returns the cells: CP437 code | attribute << 8, row-major. */
    char[] take(long hostNanos) {
        shownVersion = vga.version();
        shownAny = true;
        lastFrame = hostNanos;
        TextView t = vga.text();
        int rows = t.rows(), cols = t.columns();
        char[] cells = new char[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) cells[r * cols + c] = (char) (t.code(r, c) | t.attribute(r, c) << 8);
        }
        return cells;
    }
}
