package io.facegate.api;

import java.util.Objects;

/**
 * The result of matching one embedding against the {@link Gallery}.
 *
 * @param name       the enrolled person, or {@code null} when unknown
 * @param similarity cosine similarity to the best enrolled match (or -1 if the gallery is empty)
 * @param threshold  the threshold the decision was made with
 */
public record Identity(String name, float similarity, float threshold) {
    /** @return whether the face was recognised as an enrolled person */
    public boolean known() {
        return name != null;
    }

    /**
     * @param similarity best similarity found
     * @param threshold  threshold in force
     * @return an unknown result
     */
    public static Identity unknown(float similarity, float threshold) {
        return new Identity(null, similarity, threshold);
    }

    /**
     * @param name       enrolled person
     * @param similarity similarity to them
     * @param threshold  threshold in force
     * @return a known result
     */
    public static Identity of(String name, float similarity, float threshold) {
        return new Identity(Objects.requireNonNull(name, "name"), similarity, threshold);
    }
}
