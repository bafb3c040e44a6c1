package org.x86play.server;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Range header interpretation (RFC 9110 §14.1.2, §14.2) for a 100-byte representation. */
class ByteRangeRequestTest {
    static final long LEN = 100;

    static void assertPartial(String header, long first, long last) {
        ByteRangeRequest r = ByteRangeRequest.parse(header, LEN);
        assertEquals(ByteRangeRequest.Kind.PARTIAL, r.kind, header);
        assertEquals(first, r.first, header);
        assertEquals(last, r.last, header);
    }

    static void assertKind(ByteRangeRequest.Kind kind, String header) {
        assertEquals(kind, ByteRangeRequest.parse(header, LEN).kind, header);
    }

    @Test
    void singleRanges() {
        assertPartial("bytes=0-0", 0, 0);
        assertPartial("bytes=10-19", 10, 19);
        assertPartial("bytes=90-", 90, 99);
        assertPartial("bytes=-10", 90, 99);
        assertPartial("bytes=0-", 0, 99);
        assertPartial("BYTES = 5-6", 5, 6);              // unit is case-insensitive, OWS tolerated
        assertPartial("bytes=, 5-6 ,", 5, 6);            // empty list elements are allowed
    }

    @Test
    void lastPositionAndSuffixAreClampedToTheLength() {
        assertPartial("bytes=50-1000", 50, 99);
        assertPartial("bytes=-1000", 0, 99);
        assertPartial("bytes=99-99999999999999999999999", 99, 99);   // beyond long range: still valid syntax
    }

    @Test
    void unsatisfiable() {
        assertKind(ByteRangeRequest.Kind.UNSATISFIABLE, "bytes=100-");
        assertKind(ByteRangeRequest.Kind.UNSATISFIABLE, "bytes=100-200");
        assertKind(ByteRangeRequest.Kind.UNSATISFIABLE, "bytes=-0");
        assertKind(ByteRangeRequest.Kind.UNSATISFIABLE, "bytes=99999999999999999999999-");
        assertEquals(ByteRangeRequest.Kind.UNSATISFIABLE, ByteRangeRequest.parse("bytes=-5", 0).kind);
    }

    @Test
    void malformedOrForeignHeadersAreIgnored() {
        for (String h : new String[] {null, "", "bytes", "bytes=", "bytes=abc", "bytes=5-2", "bytes=1-2-3", "bytes=--5",
                "bytes=+1-2", "bytes=1 -2", "items=0-1", "bytes 0-1", "bytes=0-1,x"}) {
            assertKind(ByteRangeRequest.Kind.FULL, h);
        }
    }

    @Test
    void severalRangesGetTheFullRepresentation() {
        assertKind(ByteRangeRequest.Kind.FULL, "bytes=0-1,5-6");
        assertKind(ByteRangeRequest.Kind.FULL, "bytes=0-1, -5");
        assertKind(ByteRangeRequest.Kind.FULL, "bytes=200-300, 400-");
    }
}
