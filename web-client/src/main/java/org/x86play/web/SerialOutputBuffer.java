package org.x86play.web;

import java.util.function.IntConsumer;

/** COM1 output collected during a slice and posted as one 'serial' message (one char per byte 0..255). */
final class SerialOutputBuffer implements IntConsumer {
    private final StringBuilder pending = new StringBuilder();

    @Override
    public void accept(int b) {
        pending.append((char) (b & 0xFF));
    }

    /** What was written since the last call, or null if nothing. */
    String take() {
        if (pending.length() == 0) return null;
        String s = pending.toString();
        pending.setLength(0);
        return s;
    }
}
