package org.x86play.host;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputWatchTest {
    static int feedAll(OutputWatch w, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) if (w.feed(b[i] & 0xFF)) return i;
        return -1;
    }

    @Test
    void findsTheFirstOccurrenceAtItsLastByte() {
        assertEquals(24, feedAll(new OutputWatch("GUEST-DONE"), "xx\nGUEST-READY GUEST-DONE\n"));
        assertEquals(-1, feedAll(new OutputWatch("GUEST-DONE"), "GUEST-DON"));
    }

    @Test
    void overlappingPrefixesAreNotMissed() {
        assertEquals(7, feedAll(new OutputWatch("GUEST"), "GGUGUEST"));
        assertEquals(6, feedAll(new OutputWatch("aab"), "aaaaaab"));
        assertEquals(-1, feedAll(new OutputWatch("abab"), "abaabba"));
    }

    @Test
    void reportsOnlyOnce() {
        OutputWatch w = new OutputWatch("ok");
        assertEquals(1, feedAll(w, "ok ok"));
        assertTrue(w.seen());
        assertEquals(-1, feedAll(w, "ok"));
    }

    @Test
    void matchesNonAsciiTextAsUtf8() {
        assertEquals(4, feedAll(new OutputWatch("é!"), "abé!"));
    }
}
