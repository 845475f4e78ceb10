package io.facegate.api;

import java.util.Objects;

/**
 * The gallery's state, for the gateway's health report.
 *
 * @param state   {@link #OK}, {@link #REEMBEDDING} or {@link #FAILED}
 * @param done    while re-embedding: photos embedded for the active model so far
 * @param total   while re-embedding: photos to embed in all
 * @param problem why the gallery failed, or what it could not load; {@code null} when there is nothing to say
 * @since 1.1
 */
public record GalleryHealth(String state, int done, int total, String problem) {
    /** Usable, every photo embedded for the active model. */
    public static final String OK = "ok";
    /** Usable, still embedding photos for a new model ({@code done} of {@code total}). */
    public static final String REEMBEDDING = "reembedding";
    /** Not usable: the store could not be opened or loaded. */
    public static final String FAILED = "failed";

    /** @throws NullPointerException without a state */
    public GalleryHealth {
        Objects.requireNonNull(state, "state");
    }
}
