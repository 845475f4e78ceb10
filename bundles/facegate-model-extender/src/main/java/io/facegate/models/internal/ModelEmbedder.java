package io.facegate.models.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.ModelInfo;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.util.List;

/** The embedder registered for one model: a {@link SavedModelEmbedder} with the threshold its settings give. */
final class ModelEmbedder implements FaceEmbedder, AutoCloseable {
    private final SavedModelEmbedder embedder;
    private final ModelInfo info;

    /**
     * @param embedder  the loaded model; owned from now on
     * @param threshold the recommended threshold to report, or NaN for the model's own
     */
    ModelEmbedder(SavedModelEmbedder embedder, float threshold) {
        this.embedder = embedder;
        ModelInfo m = embedder.model();
        this.info = Float.isNaN(threshold) ? m : new ModelInfo(m.id(), m.version(), m.inputSize(), m.channelOrder(),
                m.inputMean(), m.inputScale(), m.embeddingSize(), threshold);
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    @Override
    public List<Embedding> embed(List<AlignedFace> faces) {
        return embedder.embed(faces);
    }

    /** @return whether each face is averaged with its mirror image */
    boolean flipAverage() {
        return embedder.flipAverage();
    }

    @Override
    public void close() {
        embedder.close();
    }
}
