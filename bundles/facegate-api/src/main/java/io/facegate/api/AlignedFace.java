package io.facegate.api;

import java.util.Objects;

/**
 * A face warped onto the standard 5-point template at an embedder's input
 * size; the input of {@link FaceEmbedder}.
 *
 * @param image  the square face crop, {@code size x size}
 * @param source the detection it was cut from
 */
public record AlignedFace(RgbImage image, DetectedFace source) {
    /** @throws IllegalArgumentException if the crop is not square */
    public AlignedFace {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(source, "source");
        if (image.width() != image.height()) {
            throw new IllegalArgumentException("aligned face must be square, got " + image);
        }
    }

    /** @return side length of the crop in pixels */
    public int size() {
        return image.width();
    }
}
