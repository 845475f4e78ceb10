package io.facegate.detect.mtcnn.internal;

/**
 * Validated detector settings; see {@link MtcnnDetectorConfig} for their meaning.
 *
 * @param minFaceSize   smallest face, working-image pixels, &gt;= 12
 * @param scaleFactor   pyramid ratio, 0.3..0.95
 * @param pnetThreshold stage 1 threshold, 0..1
 * @param rnetThreshold stage 2 threshold, 0..1
 * @param onetThreshold stage 3 threshold, 0..1
 * @param maxImageSide  working image longest side, 48..2896
 */
record MtcnnSettings(int minFaceSize, float scaleFactor, float pnetThreshold, float rnetThreshold,
                     float onetThreshold, int maxImageSide) {
    static final int DEFAULT_MIN_FACE_SIZE = 20;
    static final float DEFAULT_SCALE_FACTOR = 0.709f;
    // P-Net and R-Net only propose, O-Net decides: lower than the canonical 0.6/0.7 they keep plain
    // frontal faces that the canonical ones drop in grayscale photos (1.2% of LFW-a at 0.6/0.7)
    static final float DEFAULT_PNET_THRESHOLD = 0.3f;
    static final float DEFAULT_RNET_THRESHOLD = 0.6f;
    // 0.9 rather than the canonical 0.7: a gateway publishes every detection as an event, and at 0.7
    // these weights report chairs and helmet rims on the demo photos (scores 0.71 and 0.85)
    static final float DEFAULT_ONET_THRESHOLD = 0.9f;
    static final int DEFAULT_MAX_IMAGE_SIDE = 1280;
    /** The largest square working image whose integral image still fits an int. */
    static final int MAX_IMAGE_SIDE_LIMIT = 2896;

    /** @throws IllegalArgumentException naming the first bad setting */
    MtcnnSettings {
        if (minFaceSize < Pyramid.CELL) {
            throw new IllegalArgumentException("minFaceSize must be >= " + Pyramid.CELL
                    + " (P-Net's window), got " + minFaceSize);
        }
        if (!(scaleFactor >= 0.3f && scaleFactor <= 0.95f)) {
            throw new IllegalArgumentException("scaleFactor must be in [0.3, 0.95], got " + scaleFactor);
        }
        checkThreshold("pnetThreshold", pnetThreshold);
        checkThreshold("rnetThreshold", rnetThreshold);
        checkThreshold("onetThreshold", onetThreshold);
        if (maxImageSide < 48 || maxImageSide > MAX_IMAGE_SIDE_LIMIT) {
            throw new IllegalArgumentException("maxImageSide must be in [48, " + MAX_IMAGE_SIDE_LIMIT
                    + "], got " + maxImageSide);
        }
        if (minFaceSize > maxImageSide) {
            throw new IllegalArgumentException("minFaceSize " + minFaceSize + " exceeds maxImageSide "
                    + maxImageSide + ": no face could ever be found");
        }
    }

    private static void checkThreshold(String name, float value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + value);
        }
    }

    /** @return the published MTCNN defaults */
    static MtcnnSettings defaults() {
        return new MtcnnSettings(DEFAULT_MIN_FACE_SIZE, DEFAULT_SCALE_FACTOR, DEFAULT_PNET_THRESHOLD,
                DEFAULT_RNET_THRESHOLD, DEFAULT_ONET_THRESHOLD, DEFAULT_MAX_IMAGE_SIDE);
    }

    /**
     * @param c a DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException on a bad value, naming it
     */
    static MtcnnSettings from(MtcnnDetectorConfig c) {
        return new MtcnnSettings(c.minFaceSize(), c.scaleFactor(), c.pnetThreshold(), c.rnetThreshold(),
                c.onetThreshold(), c.maxImageSide());
    }
}
