package io.facegate.detect.mtcnn.internal;

/**
 * The three MTCNN networks, without any of the algorithm around them, so the cascade can be
 * tested with fakes and run on any inference engine. Implementations are thread-safe.
 *
 * <p>All inputs are NHWC floats exactly as the nets take them: normalised to
 * {@code (v - 127.5) / 128}, RGB, and transposed (the nets' rows are image columns). All
 * outputs are in the nets' own layout; the cascade undoes the transposition. Regression
 * offsets are {@code dx1, dy1, dx2, dy2} and the ten landmark values are five "x" followed by
 * five "y", both as the original Caffe MTCNN defines them.
 */
interface MtcnnNets extends AutoCloseable {

    /** Side of R-Net's input crops. */
    int RNET_SIZE = 24;
    /** Side of O-Net's input crops. */
    int ONET_SIZE = 48;

    /**
     * Runs P-Net fully convolutionally over one pyramid level.
     *
     * @param input  {@code [1, height, width, 3]}
     * @param height input rows (the level's width, since the input is transposed)
     * @param width  input columns (the level's height)
     * @return per output cell the face probability and four regression offsets
     */
    PNetOutput pnet(float[] input, int height, int width);

    /**
     * @param batch {@code [n, 24, 24, 3]}
     * @param n     number of crops, &gt; 0
     * @return per crop the face probability and four regression offsets
     */
    RNetOutput rnet(float[] batch, int n);

    /**
     * @param batch {@code [n, 48, 48, 3]}
     * @param n     number of crops, &gt; 0
     * @return per crop the face probability, four regression offsets and ten landmark values
     */
    ONetOutput onet(float[] batch, int n);

    /** Releases the nets; later calls fail. */
    @Override
    void close();

    /**
     * P-Net output over a {@code height x width} grid of cells, row-major in the nets' layout.
     *
     * @param faceProb   {@code height * width} face probabilities
     * @param regression {@code height * width * 4} offsets
     * @param height     grid rows
     * @param width      grid columns
     */
    record PNetOutput(float[] faceProb, float[] regression, int height, int width) {
        /** @throws IllegalArgumentException if the arrays do not match the grid */
        public PNetOutput {
            if (height < 0 || width < 0 || faceProb.length != height * width
                    || regression.length != height * width * 4) {
                throw new IllegalArgumentException("P-Net output does not match a " + height + "x" + width
                        + " grid: " + faceProb.length + " scores, " + regression.length + " offsets");
            }
        }
    }

    /**
     * @param faceProb   {@code n} face probabilities
     * @param regression {@code n * 4} offsets
     */
    record RNetOutput(float[] faceProb, float[] regression) {
        /** @throws IllegalArgumentException if the arrays disagree on n */
        public RNetOutput {
            if (regression.length != faceProb.length * 4) {
                throw new IllegalArgumentException("R-Net output: " + faceProb.length + " scores but "
                        + regression.length + " offsets");
            }
        }
    }

    /**
     * @param faceProb   {@code n} face probabilities
     * @param regression {@code n * 4} offsets
     * @param landmarks  {@code n * 10} landmark values, per crop five x then five y, relative to the crop
     */
    record ONetOutput(float[] faceProb, float[] regression, float[] landmarks) {
        /** @throws IllegalArgumentException if the arrays disagree on n */
        public ONetOutput {
            if (regression.length != faceProb.length * 4 || landmarks.length != faceProb.length * 10) {
                throw new IllegalArgumentException("O-Net output: " + faceProb.length + " scores, "
                        + regression.length + " offsets, " + landmarks.length + " landmark values");
            }
        }
    }
}
