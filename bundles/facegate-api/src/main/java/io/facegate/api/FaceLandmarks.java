package io.facegate.api;

import java.util.List;
import java.util.Objects;

/**
 * The five facial landmarks of MTCNN, from the subject's point of view as seen
 * in the image: "left eye" is the eye on the image's left.
 *
 * @param leftEye    centre of the eye on the image's left
 * @param rightEye   centre of the eye on the image's right
 * @param nose       nose tip
 * @param mouthLeft  mouth corner on the image's left
 * @param mouthRight mouth corner on the image's right
 */
public record FaceLandmarks(Point leftEye, Point rightEye, Point nose, Point mouthLeft, Point mouthRight) {
    /** @throws NullPointerException if a landmark is missing */
    public FaceLandmarks {
        Objects.requireNonNull(leftEye, "leftEye");
        Objects.requireNonNull(rightEye, "rightEye");
        Objects.requireNonNull(nose, "nose");
        Objects.requireNonNull(mouthLeft, "mouthLeft");
        Objects.requireNonNull(mouthRight, "mouthRight");
    }

    /** @return the five points in the order left eye, right eye, nose, left mouth, right mouth */
    public List<Point> asList() {
        return List.of(leftEye, rightEye, nose, mouthLeft, mouthRight);
    }
}
