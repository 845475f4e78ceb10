package io.facegate.eval;

import java.util.Locale;

/** Why an image produced no embedding. Each is counted and reported; none aborts a run. */
enum Failure {
    /** The file named by the protocol does not exist. */
    MISSING("missing file"),
    /** Zero bytes. */
    EMPTY("zero-byte file"),
    /** No image decoder recognises the content (text, unknown format). */
    NOT_AN_IMAGE("not an image"),
    /** A decoder recognised the format but failed on the data (truncated, damaged, unsupported variant). */
    CORRUPT("corrupt image"),
    /** Decoded, but the detector found no face. */
    NO_FACE("no face detected"),
    /** A face was found but its landmarks could not be aligned (degenerate). */
    UNALIGNABLE("face not alignable");

    private final String label;

    Failure(String label) {
        this.label = label;
    }

    /** @return the column label in reports */
    String label() {
        return label;
    }

    /** @return the key in JSON summaries, e.g. {@code noFace} */
    String key() {
        String[] words = name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder b = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return b.toString();
    }

    /** @return whether the file itself could not be read as an image */
    boolean unreadable() {
        return this != NO_FACE && this != UNALIGNABLE;
    }
}
