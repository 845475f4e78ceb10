package io.facegate.api;

import java.util.Objects;

/**
 * One face found by a {@link FaceDetector}.
 *
 * @param box       the face box in source image pixels
 * @param score     detector confidence, 0..1
 * @param landmarks the five landmarks in source image pixels
 */
public record DetectedFace(BoundingBox box, float score, FaceLandmarks landmarks) {
    /** @throws NullPointerException if box or landmarks are missing */
    public DetectedFace {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(landmarks, "landmarks");
    }
}
