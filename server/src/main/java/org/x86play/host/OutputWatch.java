package org.x86play.host;

import java.nio.charset.StandardCharsets;

/**
 * Spots a byte string in a stream of bytes fed one at a time (Knuth-Morris-Pratt, so overlapping
 * prefixes such as "GGUEST" are not missed). Used for {@code --until TEXT} on the guest's console.
 */
final class OutputWatch {
    private final byte[] pattern;
    private final int[] fallback;
    private int matched;
    private boolean seen;

    OutputWatch(String text) {
        pattern = text.getBytes(StandardCharsets.UTF_8);
        if (pattern.length == 0) throw new IllegalArgumentException("empty pattern");
        fallback = new int[pattern.length];
        for (int i = 1, k = 0; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) k = fallback[k - 1];
            if (pattern[i] == pattern[k]) k++;
            fallback[i] = k;
        }
    }

    /** Feeds one byte (0..255); returns true when this byte completes the first occurrence. */
    boolean feed(int b) {
        if (seen) return false;
        byte x = (byte) b;
        while (matched > 0 && pattern[matched] != x) matched = fallback[matched - 1];
        if (pattern[matched] == x) matched++;
        if (matched == pattern.length) {
            seen = true;
            return true;
        }
        return false;
    }

    boolean seen() { return seen; }
}
