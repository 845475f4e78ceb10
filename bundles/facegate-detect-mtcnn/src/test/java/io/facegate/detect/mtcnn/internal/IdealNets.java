package io.facegate.detect.mtcnn.internal;

/**
 * Fake MTCNN nets that really look at the pixels they are fed and answer as perfect Caffe-MTCNN
 * nets would, in the nets' own (transposed) frame: input rows are the image's x axis, so the
 * first regression offset of a pair and the first five landmark values are measured along input
 * rows. A cascade that forgets to transpose, or reads the outputs in the wrong order, gets
 * boxes and landmarks at swapped positions.
 *
 * <p>The synthetic faces are flat grey (100) rectangles on black with five markers in pure
 * colours, one per landmark, in {@link #MARKERS} order.
 */
final class IdealNets implements MtcnnNets {
    /** left eye, right eye, nose, left mouth corner, right mouth corner. */
    static final int[][] MARKERS = {
            {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {255, 0, 255}};
    static final int FACE_GREY = 100;
    /** O-Net score of a face whose five markers were all found. */
    static final float SCORE_WITH_MARKERS = 0.95f;
    /** O-Net score of a face without markers (still above the default threshold). */
    static final float SCORE_WITHOUT_MARKERS = 0.92f;

    /** Face coverage of one input element: 0 for black, 1 for face grey or brighter. */
    private static float coverage(float[] in, int o) {
        float max = Math.max(in[o], Math.max(in[o + 1], in[o + 2])) * 128 + 127.5f;
        return Math.min(1, Math.max(0, max / FACE_GREY));
    }

    /**
     * Sub-pixel extent of the face inside a window, in the window's pixel-centre coordinates:
     * {r1, c1, r2, c2} as edges, or null without face. Exact for area-sampled flat rectangles:
     * a boundary row's coverage is the fraction of it the face covers.
     */
    private static float[] extent(float[] in, int base, int rowStride, int r0, int c0, int rows, int cols) {
        float[] rowCov = new float[rows];
        float[] colCov = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = coverage(in, base + ((r0 + r) * rowStride + c0 + c) * 3);
                rowCov[r] = Math.max(rowCov[r], v);
                colCov[c] = Math.max(colCov[c], v);
            }
        }
        float[] rs = edges(rowCov);
        float[] cs = edges(colCov);
        return rs == null || cs == null ? null : new float[] {rs[0], cs[0], rs[1], cs[1]};
    }

    private static float[] edges(float[] cov) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < cov.length; i++) {
            if (cov[i] > 0.02f) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0) {
            return null;
        }
        return new float[] {first - 0.5f + (1 - cov[first]), last + 0.5f - (1 - cov[last])};
    }

    @Override
    public PNetOutput pnet(float[] input, int height, int width) {
        int gh = (height - Pyramid.CELL) / 2 + 1;
        int gw = (width - Pyramid.CELL) / 2 + 1;
        float[] prob = new float[gh * gw];
        float[] reg = new float[gh * gw * 4];
        for (int r = 0; r < gh; r++) {
            for (int c = 0; c < gw; c++) {
                int i = r * gw + c;
                prob[i] = 0.01f;
                float[] e = extent(input, 0, width, 2 * r, 2 * c, Pyramid.CELL, Pyramid.CELL);
                // a face wholly inside the window, not touching its border, at least 4 px
                if (e != null && e[0] > 0 && e[1] > 0 && e[2] < Pyramid.CELL - 1 && e[3] < Pyramid.CELL - 1
                        && e[2] - e[0] >= 4 && e[3] - e[1] >= 4) {
                    prob[i] = 0.9f;
                    // window edges are -0.5 and 11.5 in window coordinates
                    reg[i * 4] = (e[0] + 0.5f) / Pyramid.CELL;
                    reg[i * 4 + 1] = (e[1] + 0.5f) / Pyramid.CELL;
                    reg[i * 4 + 2] = (e[2] - 11.5f) / Pyramid.CELL;
                    reg[i * 4 + 3] = (e[3] - 11.5f) / Pyramid.CELL;
                }
            }
        }
        return new PNetOutput(prob, reg, gh, gw);
    }

    /** Score and regression for one crop: a face filling at least half the crop is a face. */
    private static float crop(float[] batch, int b, int s, float[] reg) {
        int base = b * s * s * 3;
        float[] e = extent(batch, base, s, 0, 0, s, s);
        if (e == null || (e[2] - e[0]) * (e[3] - e[1]) < 0.5f * s * s) {
            return 0.05f;
        }
        reg[b * 4] = (e[0] + 0.5f) / s;
        reg[b * 4 + 1] = (e[1] + 0.5f) / s;
        reg[b * 4 + 2] = (e[2] - (s - 0.5f)) / s;
        reg[b * 4 + 3] = (e[3] - (s - 0.5f)) / s;
        return 0.9f;
    }

    @Override
    public RNetOutput rnet(float[] batch, int n) {
        float[] prob = new float[n];
        float[] reg = new float[n * 4];
        for (int b = 0; b < n; b++) {
            prob[b] = crop(batch, b, RNET_SIZE, reg);
        }
        return new RNetOutput(prob, reg);
    }

    @Override
    public ONetOutput onet(float[] batch, int n) {
        int s = ONET_SIZE;
        float[] prob = new float[n];
        float[] reg = new float[n * 4];
        float[] lm = new float[n * 10];
        for (int b = 0; b < n; b++) {
            prob[b] = crop(batch, b, s, reg);
            boolean allFound = true;
            for (int k = 0; k < 5; k++) {
                double sw = 0, sr = 0, sc = 0;
                for (int r = 0; r < s; r++) {
                    for (int c = 0; c < s; c++) {
                        int o = (b * s * s + r * s + c) * 3;
                        double d = 0;
                        for (int ch = 0; ch < 3; ch++) {
                            d += Math.pow(batch[o + ch] * 128 + 127.5 - MARKERS[k][ch], 2);
                        }
                        double w = Math.max(0, 1 - Math.sqrt(d) / 100);
                        sw += w;
                        sr += w * r;
                        sc += w * c;
                    }
                }
                allFound &= sw > 0.5;
                // MTCNN's five "x" are along the input rows, the five "y" along its columns
                lm[b * 10 + k] = sw > 0 ? (float) ((sr / sw + 0.5) / s) : 0.5f;
                lm[b * 10 + 5 + k] = sw > 0 ? (float) ((sc / sw + 0.5) / s) : 0.5f;
            }
            if (prob[b] > 0.5f) {
                prob[b] = allFound ? SCORE_WITH_MARKERS : SCORE_WITHOUT_MARKERS;
            }
        }
        return new ONetOutput(prob, reg, lm);
    }

    @Override
    public void close() {
    }
}
