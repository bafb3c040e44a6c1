package org.x86play.machine;

/** Fixed-width hexadecimal for messages (no String.format: keeps the core's JDK surface small). */
final class Hex {
    private Hex() {}

    static String w8(int v) { return pad(Integer.toHexString(v & 0xFF), 2); }
    static String w16(int v) { return pad(Integer.toHexString(v & 0xFFFF), 4); }
    static String w32(int v) { return pad(Integer.toHexString(v), 8); }

    private static String pad(String s, int width) {
        StringBuilder sb = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) sb.append('0');
        return sb.append(s).toString().toUpperCase();
    }
}
