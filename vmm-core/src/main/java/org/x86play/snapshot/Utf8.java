package org.x86play.snapshot;

import java.nio.charset.StandardCharsets;

/** UTF-8 for snapshot text fields (malformed input becomes U+FFFD, never an exception). */
final class Utf8 {
    private Utf8() {}

    static byte[] encode(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static String decode(byte[] b, int off, int len) { return new String(b, off, len, StandardCharsets.UTF_8); }
}
