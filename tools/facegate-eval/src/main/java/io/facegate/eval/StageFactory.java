package io.facegate.eval;

import io.facegate.align.internal.SimilarityFaceAligner;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import java.nio.file.Path;

/**
 * The one place where facegate-eval constructs the concrete detector and aligner outside
 * OSGi (the gateway gets them as services as a {@link FaceDetector} and a {@link FaceAligner}).
 */
final class StageFactory {
    private StageFactory() {
    }

    /**
     * @param modelsDir folder holding {@code mtcnn-pnet}, {@code mtcnn-rnet}, {@code mtcnn-onet}
     * @return the detector at the gateway's defaults (minimum face 20 px, scale 0.709,
     *         thresholds 0.3/0.6/0.9), owning its nets: close it
     * @throws io.facegate.api.FaceGateException if a net cannot be loaded
     */
    static MtcnnFaceDetector mtcnn(Path modelsDir) {
        return MtcnnFaceDetector.load(modelsDir);
    }

    /** @return the 5-point similarity aligner onto the ArcFace template (stateless) */
    static FaceAligner aligner() {
        return new SimilarityFaceAligner();
    }
}
