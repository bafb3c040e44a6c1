package org.x86play.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Entity-tag and HTTP-date comparisons for conditional requests (RFC 9110 §8.8.3, §13.1). */
final class EntityTags {
    private EntityTags() {}

    /**
     * Whether the {@code If-None-Match} / {@code If-Match} list {@code header} matches {@code etag}:
     * {@code *} matches any current representation; otherwise the tags are compared weakly (ignoring
     * {@code W/}, §8.8.3.2) or strongly (both must be strong and equal).
     */
    static boolean listMatches(String header, String etag, boolean strong) {
        String h = header.trim();
        if (h.equals("*")) return true;
        int i = 0, n = h.length();
        while (i < n) {
            char c = h.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            boolean weak = false;
            if (h.startsWith("W/", i)) {
                weak = true;
                i += 2;
            }
            if (i >= n || h.charAt(i) != '"') return false;       // not an entity-tag list: no match
            int close = h.indexOf('"', i + 1);
            if (close < 0) return false;
            String tag = h.substring(i, close + 1);
            if (tag.equals(etag) && !(strong && weak)) return true;
            i = close + 1;
        }
        return false;
    }

    /** {@code If-Range} (§13.1.5): true if the range may be served; an entity-tag must match strongly. */
    static boolean ifRangeHolds(String header, String etag, long lastModifiedMillis) {
        String h = header.trim();
        if (h.startsWith("\"") || h.startsWith("W/")) return h.equals(etag);   // W/ never matches strongly
        Long date = parseDate(h);
        // A date holds only if it equals Last-Modified exactly (to the second) and Last-Modified is a strong
        // validator, i.e. at least a second in the past (§8.8.2.2: a change within that second could go unseen).
        return date != null && date == lastModifiedMillis / 1000 * 1000
                && lastModifiedMillis <= System.currentTimeMillis() - 1000;
    }

    /** An IMF-fixdate (RFC 1123 form) in milliseconds, or null when it does not parse. */
    static Long parseDate(String s) {
        try {
            return ZonedDateTime.parse(s.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** IMF-fixdate (§5.6.7): two-digit day, GMT. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    static String formatDate(long millis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(millis));
    }
}
