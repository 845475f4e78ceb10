package io.facegate.gallery.internal;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Generated ids of people and photos: 16 lower-case hex digits (64 random
 * bits). They are the only thing the gallery uses in file names, and they are
 * never reused, so a stale file can never be mistaken for a later photo.
 */
final class Ids {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /**
     * @param taken ids already in use
     * @return a fresh id not in {@code taken}
     */
    static String next(Collection<String> taken) {
        while (true) {
            byte[] b = new byte[8];
            RANDOM.nextBytes(b);
            String id = HexFormat.of().formatHex(b);
            if (!taken.contains(id)) {
                return id;
            }
        }
    }

    /**
     * @param s a string
     * @return whether it is a well-formed id
     */
    static boolean isValid(String s) {
        return s != null && ID.matcher(s).matches();
    }

    /**
     * @param id a valid id
     * @return its 64-bit value, for binary files
     */
    static long toLong(String id) {
        return Long.parseUnsignedLong(id, 16);
    }

    /**
     * @param v a 64-bit value
     * @return the id it encodes
     */
    static String fromLong(long v) {
        return String.format("%016x", v);
    }
}
