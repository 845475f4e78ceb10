package io.facegate.api;

import java.util.Objects;

/**
 * What a face embedding model is and how to feed it. Carried by every
 * {@link FaceEmbedder} and every {@link Embedding} it produces, so consumers
 * can tell models apart and never compare embeddings across models.
 *
 * @param id                   stable model identifier, e.g. {@code mobilefacenet-112}
 * @param version              model version; a retrained model gets a new version
 * @param inputSize            side of the square aligned face the model takes, e.g. 112 or 96
 * @param channelOrder         channel order at the model input
 * @param inputMean            value subtracted from every 0..255 sample
 * @param inputScale           divisor applied after the mean, e.g. 128
 * @param embeddingSize        length of the output vector
 * @param recommendedThreshold cosine similarity at or above which two faces are taken as the same person
 */
public record ModelInfo(String id, String version, int inputSize, ChannelOrder channelOrder,
                        float inputMean, float inputScale, int embeddingSize, float recommendedThreshold) {
    /** @throws IllegalArgumentException on blank id/version or non-positive sizes */
    public ModelInfo {
        Objects.requireNonNull(channelOrder, "channelOrder");
        if (id == null || id.isBlank() || version == null || version.isBlank()) {
            throw new IllegalArgumentException("model id and version are required");
        }
        if (inputSize <= 0 || embeddingSize <= 0 || !(inputScale > 0)) {
            throw new IllegalArgumentException("invalid model " + id + ": inputSize=" + inputSize
                    + " embeddingSize=" + embeddingSize + " inputScale=" + inputScale);
        }
        if (!(recommendedThreshold >= -1 && recommendedThreshold <= 1)) {
            throw new IllegalArgumentException("recommendedThreshold must be a cosine in [-1,1], got "
                    + recommendedThreshold);
        }
    }

    /** @return {@code id:version}, the key under which embeddings of this model are stored */
    public String key() {
        return id + ":" + version;
    }
}
