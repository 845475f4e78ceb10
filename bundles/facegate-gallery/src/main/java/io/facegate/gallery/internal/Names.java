package io.facegate.gallery.internal;

/**
 * Person names as the gallery accepts them. Names are only ever stored inside
 * the index file, never used as file names (people are stored under generated
 * ids), but they are still kept to something an operator can read and type.
 */
final class Names {
    /** Longest accepted name, in UTF-16 chars. */
    static final int MAX_LENGTH = 128;

    private Names() {
    }

    /**
     * @param name a name as given by a caller
     * @return the name with surrounding white space removed
     * @throws IllegalArgumentException if it is null, blank, longer than {@value #MAX_LENGTH}
     *         characters, or contains a control character or a path separator
     */
    static String validate(String name) {
        if (name == null) {
            throw new IllegalArgumentException("person name is required");
        }
        String n = name.strip();
        if (n.isEmpty()) {
            throw new IllegalArgumentException("person name must not be blank");
        }
        if (n.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("person name longer than " + MAX_LENGTH + " characters: "
                    + n.substring(0, 32) + "...");
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '/' || c == '\\') {
                throw new IllegalArgumentException("person name must not contain a path separator: " + n);
            }
            if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                throw new IllegalArgumentException("person name must not contain control characters");
            }
            if (Character.isHighSurrogate(c) && i + 1 < n.length() && Character.isLowSurrogate(n.charAt(i + 1))) {
                i++; // a valid pair
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("person name is not valid UTF-16");
            }
        }
        return n;
    }
}
