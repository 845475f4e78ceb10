package io.facegate.api;

import java.util.Map;
import java.util.Objects;

/**
 * One enrolled person as an operator sees them.
 *
 * @param name       the person's name
 * @param photos     enrolled photos (aligned crops kept by the gallery)
 * @param embeddings per model key ({@link ModelInfo#key()}): how many of the photos are embedded for that model;
 *                   fewer than {@code photos} while the gallery re-embeds for a new model
 * @since 1.1
 */
public record PersonSummary(String name, int photos, Map<String, Integer> embeddings) {
    /** Copies the map so the summary stays immutable. */
    public PersonSummary {
        Objects.requireNonNull(name, "name");
        embeddings = Map.copyOf(embeddings);
    }
}
