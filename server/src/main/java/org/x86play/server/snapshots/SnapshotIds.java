package org.x86play.server.snapshots;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Snapshot ids: 128 random bits from {@link SecureRandom}, URL-safe base64 without padding (22 characters, RFC 4648 §5). */
public final class SnapshotIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{22}");

    private SnapshotIds() {}

    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** True for strings that can be ids; anything else is never looked up (and never becomes a path or key). */
    public static boolean isWellFormed(String id) {
        return id != null && FORM.matcher(id).matches();
    }
}
