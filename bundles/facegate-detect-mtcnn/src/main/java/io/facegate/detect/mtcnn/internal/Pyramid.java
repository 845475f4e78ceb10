package io.facegate.detect.mtcnn.internal;

import java.util.ArrayList;
import java.util.List;

/** The image pyramid of MTCNN's first stage. */
final class Pyramid {
    /** P-Net's input window: a face of this many pixels fills one cell. */
    static final int CELL = 12;
    /** P-Net's output stride in input pixels. */
    static final int STRIDE = 2;

    private Pyramid() {
    }

    /**
     * The scales at which P-Net runs: the first maps a face of {@code minFaceSize} pixels to the
     * 12-pixel cell, each next one is {@code factor} times the previous, down to the scale at
     * which the shorter image side shrinks below 12 pixels.
     *
     * @param width       image width
     * @param height      image height
     * @param minFaceSize smallest face to find, in pixels
     * @param factor      ratio between neighbouring scales, in (0, 1)
     * @return the scales, largest first; empty if the image is smaller than {@code minFaceSize}
     */
    static List<Float> scales(int width, int height, int minFaceSize, float factor) {
        List<Float> scales = new ArrayList<>();
        double m = CELL / (double) minFaceSize;
        double shorter = Math.min(width, height) * m;
        double scale = m;
        while (shorter >= CELL) {
            scales.add((float) scale);
            scale *= factor;
            shorter *= factor;
        }
        return scales;
    }
}
