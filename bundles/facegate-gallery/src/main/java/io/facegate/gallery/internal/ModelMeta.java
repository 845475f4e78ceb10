package io.facegate.gallery.internal;

import io.facegate.api.ModelInfo;
import java.util.Objects;

/**
 * What the gallery needs to know about a model whose embeddings it stores.
 * Written into the header of every embedding file, so each file describes
 * itself.
 *
 * @param id                   model id
 * @param version              model version
 * @param dimension            embedding length
 * @param recommendedThreshold the model's own threshold
 */
record ModelMeta(String id, String version, int dimension, float recommendedThreshold) {
    ModelMeta {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        if (!(recommendedThreshold >= -1 && recommendedThreshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [-1,1], got " + recommendedThreshold);
        }
    }

    /**
     * @param info a model
     * @return its metadata
     */
    static ModelMeta of(ModelInfo info) {
        return new ModelMeta(info.id(), info.version(), info.embeddingSize(), info.recommendedThreshold());
    }

    /** @return {@code id:version}, as {@link ModelInfo#key()} */
    String key() {
        return id + ":" + version;
    }
}
