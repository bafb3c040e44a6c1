package org.x86play.web;

import java.util.function.IntSupplier;

/**
 * Bytes the page typed for COM1, waiting until the UART has room (it asks only then). Same convention
 * as the native runner's stdin reader: {@link #getAsInt()} gives the next byte 0..255, or -1 when empty.
 * Grows as needed, so a paste is kept whole.
 */
final class SerialInputQueue implements IntSupplier {
    private int[] ring = new int[256];
    private int head, count;

    /** Queues the low byte of every char of {@code text} (the page sends one char code per byte). */
    void add(String text) {
        for (int i = 0; i < text.length(); i++) add(text.charAt(i) & 0xFF);
    }

    void add(int b) {
        if (count == ring.length) {
            int[] bigger = new int[ring.length * 2];
            for (int i = 0; i < count; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
            ring = bigger;
            head = 0;
        }
        ring[(head + count) & (ring.length - 1)] = b & 0xFF;
        count++;
    }

    int size() { return count; }

    @Override
    public int getAsInt() {
        if (count == 0) return -1;
        int b = ring[head];
        head = (head + 1) & (ring.length - 1);
        count--;
        return b;
    }
}
