package io.facegate.eval;

import io.facegate.align.internal.SimilarityFaceAligner;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place where facegate-eval constructs the concrete detector and aligner outside
 * OSGi (the gateway gets them as services); everything else sees only {@link FaceDetector}
 * and {@link FaceAligner}.
 */
final class StageFactory {
    private StageFactory() {
    }

    /** An MTCNN detector that owns its TensorFlow nets, closeable with try-with-resources. */
    static final class Mtcnn implements FaceDetector, AutoCloseable {
        private final MtcnnFaceDetector detector;

        private Mtcnn(MtcnnFaceDetector detector) {
            this.detector = detector;
        }

        @Override
        public List<DetectedFace> detect(RgbImage image) {
            return detector.detect(image);
        }

        /** Releases the three native sessions. */
        @Override
        public void close() {
            detector.close();
        }
    }

    /**
     * @param modelsDir folder holding {@code mtcnn-pnet}, {@code mtcnn-rnet}, {@code mtcnn-onet}
     * @return the detector at the published MTCNN defaults (minimum face 20 px, scale 0.709,
     *         thresholds 0.6/0.7/0.7)
     * @throws io.facegate.api.FaceGateException if a net cannot be loaded
     */
    static Mtcnn mtcnn(Path modelsDir) {
        return new Mtcnn(MtcnnFaceDetector.load(modelsDir));
    }

    /** @return the 5-point similarity aligner onto the ArcFace template (stateless) */
    static FaceAligner aligner() {
        return new SimilarityFaceAligner();
    }
}
