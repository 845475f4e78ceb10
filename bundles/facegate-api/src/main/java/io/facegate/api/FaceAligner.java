package io.facegate.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Warps a detected face onto the standard 5-point template, so that every
 * embedder sees eyes, nose and mouth at the same place. Thread-safe.
 */
@ConsumerType
public interface FaceAligner {
    /**
     * @param image the image the face was detected in
     * @param face  the detection, with landmarks in {@code image} coordinates
     * @param size  side of the square output, usually {@link ModelInfo#inputSize()}
     * @return the aligned crop
     * @throws IllegalArgumentException if size is not positive or the landmarks are degenerate
     */
    AlignedFace align(RgbImage image, DetectedFace face, int size);
}
