package io.facegate.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Finds faces and their five landmarks in an image. Thread-safe.
 */
@ConsumerType
public interface FaceDetector {
    /** Service property naming the detector, e.g. {@code mtcnn}. */
    String PROP_DETECTOR_ID = "facegate.detector.id";

    /**
     * @param image any size of image
     * @return the faces, highest score first; empty if there are none
     * @throws FaceGateException if the detector cannot run (e.g. its model failed to load)
     */
    List<DetectedFace> detect(RgbImage image);
}
