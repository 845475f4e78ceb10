package io.facegate.api;

import java.util.List;

/**
 * The enrolled people and the 1:N matcher. The gallery keeps the aligned face
 * crops of every enrolment so it can re-embed them when the active model
 * changes; it never compares embeddings of different models. Thread-safe.
 */
public interface Gallery {
    /**
     * Enrols (or adds photos to) a person.
     *
     * @param name  person name, non-blank
     * @param faces aligned crops of that person
     * @throws IllegalArgumentException on a blank name or no faces
     */
    void enroll(String name, List<AlignedFace> faces);

    /**
     * @param name person name
     * @return whether that person was enrolled and is now removed
     */
    boolean forget(String name);

    /** @return enrolled names, sorted */
    List<String> people();

    /**
     * Open-set 1:N identification.
     *
     * @param embedding a probe embedding
     * @return the best match above the threshold of the embedding's model, or unknown
     */
    Identity identify(Embedding embedding);
}
