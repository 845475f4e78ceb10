package io.facegate.api;

import java.util.Objects;

/**
 * What a face embedding model is and how to feed it. Carried by every
 * {@link FaceEmbedder} and every {@link Embedding} it produces, so consumers
 * can tell models apart and never compare embeddings across models.
 *
 * <p>Build one with {@link #builder()}, or change a copy with {@link #toBuilder()}: a field added in a later minor
 * version gets a builder method and a default, so code that uses the builder keeps compiling and running. The
 * constructor of each earlier shape stays for the callers compiled against it.
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

    /**
     * @return a builder with the defaults of a model bundle's metadata: {@link ChannelOrder#RGB}, input mean 127.5,
     *         input scale 128; id, version, input size, embedding size and threshold must be set
     * @since 1.2
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder holding this model's fields, to build a changed copy
     * @since 1.2
     */
    public Builder toBuilder() {
        return new Builder().id(id).version(version).inputSize(inputSize).channelOrder(channelOrder)
                .inputMean(inputMean).inputScale(inputScale).embeddingSize(embeddingSize)
                .recommendedThreshold(recommendedThreshold);
    }

    /**
     * Collects the fields of a {@link ModelInfo}; {@link #build()} validates them as the constructor does. Not
     * thread-safe; each {@code build()} returns a new, independent record.
     *
     * @since 1.2
     */
    public static final class Builder {
        private String id;
        private String version;
        private int inputSize;
        private ChannelOrder channelOrder = ChannelOrder.RGB;
        private float inputMean = 127.5f;
        private float inputScale = 128f;
        private int embeddingSize;
        // NaN: no default, build() refuses a model without a threshold
        private float recommendedThreshold = Float.NaN;

        private Builder() {
        }

        /**
         * @param id see {@link ModelInfo#id()}
         * @return this builder
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * @param version see {@link ModelInfo#version()}
         * @return this builder
         */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /**
         * @param inputSize see {@link ModelInfo#inputSize()}
         * @return this builder
         */
        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /**
         * @param channelOrder see {@link ModelInfo#channelOrder()}; default RGB
         * @return this builder
         */
        public Builder channelOrder(ChannelOrder channelOrder) {
            this.channelOrder = channelOrder;
            return this;
        }

        /**
         * @param inputMean see {@link ModelInfo#inputMean()}; default 127.5
         * @return this builder
         */
        public Builder inputMean(float inputMean) {
            this.inputMean = inputMean;
            return this;
        }

        /**
         * @param inputScale see {@link ModelInfo#inputScale()}; default 128
         * @return this builder
         */
        public Builder inputScale(float inputScale) {
            this.inputScale = inputScale;
            return this;
        }

        /**
         * @param embeddingSize see {@link ModelInfo#embeddingSize()}
         * @return this builder
         */
        public Builder embeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * @param recommendedThreshold see {@link ModelInfo#recommendedThreshold()}
         * @return this builder
         */
        public Builder recommendedThreshold(float recommendedThreshold) {
            this.recommendedThreshold = recommendedThreshold;
            return this;
        }

        /**
         * @return the model info
         * @throws IllegalArgumentException or {@link NullPointerException} as the {@link ModelInfo} constructor does
         */
        public ModelInfo build() {
            return new ModelInfo(id, version, inputSize, channelOrder, inputMean, inputScale, embeddingSize,
                    recommendedThreshold);
        }
    }
}
