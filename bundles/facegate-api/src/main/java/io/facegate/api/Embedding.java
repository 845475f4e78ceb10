package io.facegate.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * An L2-normalised face feature vector, tagged with the model that made it.
 */
public final class Embedding {
    private final String modelId;
    private final String modelVersion;
    private final float[] values;

    /**
     * @param modelId      id of the producing model
     * @param modelVersion version of the producing model
     * @param values       the vector, copied and L2-normalised
     * @throws IllegalArgumentException on an empty, zero or non-finite vector
     */
    public Embedding(String modelId, String modelVersion, float[] values) {
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        this.modelVersion = Objects.requireNonNull(modelVersion, "modelVersion");
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("embedding must not be empty");
        }
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        if (!(sum > 0) || Double.isInfinite(sum)) {
            throw new IllegalArgumentException("embedding of " + modelId + " has no finite non-zero norm");
        }
        double inv = 1 / Math.sqrt(sum);
        this.values = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            this.values[i] = (float) (values[i] * inv);
        }
    }

    /** @return id of the producing model */
    public String modelId() {
        return modelId;
    }

    /** @return version of the producing model */
    public String modelVersion() {
        return modelVersion;
    }

    /** @return {@code modelId:modelVersion}, compare with {@link ModelInfo#key()} */
    public String modelKey() {
        return modelId + ":" + modelVersion;
    }

    /** @return vector length */
    public int dimension() {
        return values.length;
    }

    /** @return a copy of the unit-length vector */
    public float[] values() {
        return values.clone();
    }

    /**
     * Cosine similarity; both vectors are unit length so this is the dot product.
     *
     * @param other an embedding of the same model
     * @return similarity in [-1, 1]
     * @throws IllegalArgumentException if the two come from different models
     */
    public float cosine(Embedding other) {
        if (!modelKey().equals(other.modelKey()) || values.length != other.values.length) {
            throw new IllegalArgumentException("cannot compare embeddings of different models: "
                    + modelKey() + " vs " + other.modelKey());
        }
        double dot = 0;
        for (int i = 0; i < values.length; i++) {
            dot += (double) values[i] * other.values[i];
        }
        return (float) dot;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && e.modelKey().equals(modelKey()) && Arrays.equals(e.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * modelKey().hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Embedding[" + modelKey() + ", d=" + values.length + "]";
    }
}
