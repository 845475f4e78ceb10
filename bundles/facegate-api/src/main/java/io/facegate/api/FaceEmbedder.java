package io.facegate.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns aligned faces into embeddings with one model. Thread-safe.
 *
 * <p>Each model bundle registers one embedder with the service properties
 * below and a {@code service.ranking}; the pipeline follows the best-ranked
 * one, so installing or updating a model bundle swaps the model live.
 */
@ConsumerType
public interface FaceEmbedder {
    /** Service property: {@link ModelInfo#id()}. */
    String PROP_MODEL_ID = "facegate.model.id";
    /** Service property: {@link ModelInfo#version()}. */
    String PROP_MODEL_VERSION = "facegate.model.version";
    /** Service property: {@link ModelInfo#inputSize()}. */
    String PROP_INPUT_SIZE = "facegate.model.input.size";
    /** Service property: {@link ModelInfo#embeddingSize()}. */
    String PROP_EMBEDDING_SIZE = "facegate.model.embedding.size";

    /** @return the model this embedder runs */
    ModelInfo model();

    /**
     * Embeds a batch of faces in one model run.
     *
     * @param faces aligned at {@code model().inputSize()}
     * @return one embedding per face, in order
     * @throws IllegalArgumentException if a face has the wrong size
     * @throws FaceGateException if inference fails
     */
    List<Embedding> embed(List<AlignedFace> faces);
}
