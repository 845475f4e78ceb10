package io.facegate.benchmarks;

import io.facegate.api.DetectedFace;
import io.facegate.api.FaceDetector;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnDetectorConfig;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;

/**
 * The production MTCNN detector, built outside OSGi with its public factory
 * {@link MtcnnFaceDetector#load(Path)} (the gateway's default settings), made
 * {@link AutoCloseable} for try-with-resources.
 */
public final class Mtcnn implements FaceDetector, AutoCloseable {
    /** The settings {@link #describeSettings()} reports, in this order. */
    static final List<String> SETTINGS = List.of("minFaceSize", "scaleFactor", "pnetThreshold", "rnetThreshold",
            "onetThreshold", "maxImageSide");

    private final MtcnnFaceDetector detector;

    private Mtcnn(MtcnnFaceDetector detector) {
        this.detector = detector;
    }

    /**
     * @param modelsDir folder holding {@code mtcnn-pnet}, {@code mtcnn-rnet}, {@code mtcnn-onet}
     * @return the detector with the default settings; close it to free the three sessions
     * @throws io.facegate.api.FaceGateException if a net cannot be loaded
     */
    public static Mtcnn load(Path modelsDir) {
        return new Mtcnn(MtcnnFaceDetector.load(modelsDir));
    }

    /**
     * The defaults that {@link MtcnnFaceDetector#load(Path)} runs with, read from the defaults of
     * the detector's configuration type (both come from the same constants), for reports.
     *
     * @return e.g. {@code defaults[minFaceSize=20, ..., onetThreshold=0.9, maxImageSide=1280]}
     */
    public static String describeSettings() {
        StringJoiner s = new StringJoiner(", ", "defaults[", "]");
        for (String name : SETTINGS) {
            Object value;
            try {
                value = MtcnnDetectorConfig.class.getMethod(name).getDefaultValue();
            } catch (NoSuchMethodException | RuntimeException e) {
                value = "?";
            }
            s.add(name + "=" + value);
        }
        return s.toString();
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
