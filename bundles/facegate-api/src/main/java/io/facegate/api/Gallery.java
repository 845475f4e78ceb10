package io.facegate.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The enrolled people and the 1:N matcher. The gallery keeps the aligned face
 * crops of every enrolment so it can re-embed them when the active model
 * changes; it never compares embeddings of different models. Thread-safe.
 */
@ProviderType
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
     * Removes a person and every trace of them: crops, embeddings, and their name in every index file.
     *
     * @param name person name
     * @return whether that person was enrolled and is now removed
     */
    boolean forget(String name);

    /**
     * Renames a person, keeping their photos and embeddings.
     *
     * @param from the enrolled name
     * @param to   the new name, non-blank, not enrolled yet
     * @return whether {@code from} was enrolled and is now called {@code to}
     * @throws IllegalArgumentException on a blank or invalid new name, or if {@code to} is already enrolled
     * @since 1.1
     */
    boolean rename(String from, String to);

    /** @return enrolled names, sorted */
    List<String> people();

    /**
     * @return every enrolled person with photo count and embedding state per model, sorted by name
     * @since 1.1
     */
    List<PersonSummary> summaries();

    /**
     * @return whether the gallery is usable, re-embedding, or failed to load
     * @since 1.1
     */
    GalleryHealth health();

    /**
     * Open-set 1:N identification.
     *
     * @param embedding a probe embedding
     * @return the best match above the threshold of the embedding's model, or unknown
     */
    Identity identify(Embedding embedding);
}
