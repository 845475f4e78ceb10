package io.facegate.eval;

import io.facegate.api.FaceAligner;
import io.facegate.api.FaceGateException;
import io.facegate.api.ModelInfo;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import io.facegate.tensorflow.LoadedModel;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The native stages of one run, loaded from a models folder and closed together. */
final class Stages implements AutoCloseable {
    private final SavedModelEmbedder embedder;
    private final MtcnnFaceDetector detector;
    private final FaceAligner aligner;

    private Stages(SavedModelEmbedder embedder, MtcnnFaceDetector detector, FaceAligner aligner) {
        this.embedder = embedder;
        this.detector = detector;
        this.aligner = aligner;
    }

    /**
     * @param modelsDir folder of model folders
     * @param modelId   the embedder's folder name, e.g. {@code mobilefacenet-112}
     * @param aligned   true for pre-aligned input: no detector, no aligner
     * @param maxBatch  faces per embedder run (with flip, twice as many rows)
     * @param flip      embed each face with its mirror image and use the normalised sum
     * @return the stages
     * @throws FaceGateException if a model is missing or cannot be loaded
     */
    static Stages open(Path modelsDir, String modelId, boolean aligned, int maxBatch, boolean flip) {
        Path dir = modelsDir.resolve(modelId);
        if (!Files.isDirectory(dir)) {
            throw new FaceGateException("no model '" + modelId + "' in " + modelsDir.toAbsolutePath()
                    + " (use --models DIR and --model ID)");
        }
        SavedModelEmbedder embedder = new SavedModelEmbedder(LoadedModel.load(dir), maxBatch, flip);
        try {
            return aligned ? new Stages(embedder, null, null)
                    : new Stages(embedder, StageFactory.mtcnn(modelsDir), StageFactory.aligner());
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
    }

    /** @return the embedder's model */
    ModelInfo model() {
        return embedder.model();
    }

    /**
     * @param threads decode/detect threads
     * @return an encoder over these stages; close it before these stages
     */
    FaceEncoder encoder(int threads) {
        return new FaceEncoder(embedder, detector, aligner, threads);
    }

    @Override
    public void close() {
        try (embedder) {
            if (detector != null) {
                detector.close();
            }
        }
    }
}
