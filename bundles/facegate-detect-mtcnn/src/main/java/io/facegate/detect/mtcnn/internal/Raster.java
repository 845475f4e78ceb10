package io.facegate.detect.mtcnn.internal;

import io.facegate.api.RgbImage;
import java.util.Arrays;

/**
 * The image the cascade works on (the input, or the input shrunk to the configured maximum
 * side) and the resampling that turns regions of it into net inputs.
 *
 * <p>Net inputs are normalised to {@code (v - 127.5) / 128} and <b>transposed</b>: element
 * {@code [i][j][c]} holds column {@code i}, row {@code j}, i.e. the nets' row axis is the
 * image's x axis, as the Caffe-trained MTCNN weights expect.
 *
 * <p>Shrinking regions are area-averaged (exact coverage through an integral image, like
 * OpenCV's area interpolation) so small pyramid levels and crops of big faces do not alias;
 * enlarging regions are sampled bilinearly. Outside the image the raster reads as 0 (black).
 * Immutable after construction, hence thread-safe.
 */
final class Raster {
    /** Largest pixel count whose per-channel sums fit an int (255 * pixels &lt;= 2^31 - 1). */
    static final long MAX_PIXELS = Integer.MAX_VALUE / 255;

    private final int width;
    private final int height;
    private final byte[] rgb;
    /** (height + 1) x (width + 1) x 3 sums of all pixels above and left of each corner. */
    private final int[] integral;

    private Raster(int width, int height, byte[] rgb) {
        if ((long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("working image " + width + "x" + height + " exceeds "
                    + MAX_PIXELS + " pixels");
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.integral = integral(width, height, rgb);
    }

    /**
     * @param image   the input
     * @param maxSide longest side of the working image; larger inputs are area-downscaled
     * @return the working raster
     */
    static Raster of(RgbImage image, int maxSide) {
        int w = image.width();
        int h = image.height();
        int longer = Math.max(w, h);
        if (longer <= maxSide) {
            return new Raster(w, h, image.toRgbBytes());
        }
        double f = maxSide / (double) longer;
        int ow = Math.max(1, (int) Math.round(w * f));
        int oh = Math.max(1, (int) Math.round(h * f));
        return new Raster(ow, oh, areaResize(image, ow, oh));
    }

    /** For tests: a raster over raw interleaved RGB bytes, not copied. */
    static Raster wrap(int width, int height, byte[] rgb) {
        return new Raster(width, height, rgb);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /**
     * Resamples the region {@code box} to {@code outW x outH} pixels, writing the normalised,
     * transposed result ({@code outW * outH * 3} floats, layout {@code [x][y][c]}) at {@code off}.
     *
     * @param box  region in raster coordinates; may extend beyond the raster (zero padding)
     * @param outW output columns (the nets' rows)
     * @param outH output rows (the nets' columns)
     * @param dst  destination
     * @param off  start index in {@code dst}
     */
    void sampleTransposed(Box box, int outW, int outH, float[] dst, int off) {
        double stepX = (box.x2() - box.x1()) / (double) outW;
        double stepY = (box.y2() - box.y1()) / (double) outH;
        if (stepX >= 1 && stepY >= 1) {
            sampleArea(box, outW, outH, stepX, stepY, dst, off);
        } else {
            sampleBilinear(box, outW, outH, stepX, stepY, dst, off);
        }
    }

    private void sampleBilinear(Box box, int outW, int outH, double stepX, double stepY, float[] dst, int off) {
        float[] px = new float[3];
        int o = off;
        for (int i = 0; i < outW; i++) {
            double x = box.x1() + (i + 0.5) * stepX;
            for (int j = 0; j < outH; j++, o += 3) {
                double y = box.y1() + (j + 0.5) * stepY;
                bilinear(x, y, px);
                dst[o] = normalise(px[0]);
                dst[o + 1] = normalise(px[1]);
                dst[o + 2] = normalise(px[2]);
            }
        }
    }

    /** Bilinear sample at a pixel-centre coordinate; 0 outside the image extent, edge-clamped inside it. */
    private void bilinear(double x, double y, float[] out) {
        if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5) {
            out[0] = 0;
            out[1] = 0;
            out[2] = 0;
            return;
        }
        double cx = Math.min(Math.max(x, 0), width - 1);
        double cy = Math.min(Math.max(y, 0), height - 1);
        int x0 = Math.min((int) cx, width - 1);
        int y0 = Math.min((int) cy, height - 1);
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        float fx = (float) (cx - x0);
        float fy = (float) (cy - y0);
        int a = (y0 * width + x0) * 3;
        int b = (y0 * width + x1) * 3;
        int c = (y1 * width + x0) * 3;
        int d = (y1 * width + x1) * 3;
        for (int ch = 0; ch < 3; ch++) {
            float top = (rgb[a + ch] & 0xff) * (1 - fx) + (rgb[b + ch] & 0xff) * fx;
            float bottom = (rgb[c + ch] & 0xff) * (1 - fx) + (rgb[d + ch] & 0xff) * fx;
            out[ch] = top * (1 - fy) + bottom * fy;
        }
    }

    /**
     * Exact area average: the integral of piecewise-constant pixels is bilinear inside each
     * pixel, so bilinear interpolation of the integral image gives the sum over any fractional
     * rectangle. Parts of the rectangle outside the image contribute 0.
     */
    private void sampleArea(Box box, int outW, int outH, double stepX, double stepY, float[] dst, int off) {
        // integral-image coordinates: the image extent [-0.5, W - 0.5] becomes [0, W]
        double u0 = box.x1() + 0.5;
        double v0 = box.y1() + 0.5;
        double inv = 1 / (stepX * stepY);
        double[] s11 = new double[3];
        double[] s12 = new double[3];
        double[] s21 = new double[3];
        double[] s22 = new double[3];
        int o = off;
        for (int i = 0; i < outW; i++) {
            double ua = clamp(u0 + i * stepX, width);
            double ub = clamp(u0 + (i + 1) * stepX, width);
            for (int j = 0; j < outH; j++, o += 3) {
                double va = clamp(v0 + j * stepY, height);
                double vb = clamp(v0 + (j + 1) * stepY, height);
                integralAt(ua, va, s11);
                integralAt(ub, va, s21);
                integralAt(ua, vb, s12);
                integralAt(ub, vb, s22);
                for (int ch = 0; ch < 3; ch++) {
                    double sum = s22[ch] - s21[ch] - s12[ch] + s11[ch];
                    dst[o + ch] = normalise((float) (sum * inv));
                }
            }
        }
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }

    private void integralAt(double u, double v, double[] out) {
        int iu = Math.min((int) u, width - 1);
        int iv = Math.min((int) v, height - 1);
        double fu = u - iu;
        double fv = v - iv;
        int stride = (width + 1) * 3;
        int a = iv * stride + iu * 3;
        int c = a + stride;
        for (int ch = 0; ch < 3; ch++) {
            double top = integral[a + ch] * (1 - fu) + integral[a + 3 + ch] * fu;
            double bottom = integral[c + ch] * (1 - fu) + integral[c + 3 + ch] * fu;
            out[ch] = top * (1 - fv) + bottom * fv;
        }
    }

    private static int[] integral(int w, int h, byte[] rgb) {
        int stride = (w + 1) * 3;
        int[] s = new int[(h + 1) * stride];
        int[] rowSum = new int[3];
        for (int y = 0; y < h; y++) {
            rowSum[0] = 0;
            rowSum[1] = 0;
            rowSum[2] = 0;
            int src = y * w * 3;
            int above = y * stride + 3;
            int here = above + stride;
            for (int x = 0; x < w; x++, src += 3, above += 3, here += 3) {
                for (int ch = 0; ch < 3; ch++) {
                    rowSum[ch] += rgb[src + ch] & 0xff;
                    s[here + ch] = s[above + ch] + rowSum[ch];
                }
            }
        }
        return s;
    }

    private static float normalise(float v) {
        return (v - 127.5f) / 128f;
    }

    /**
     * Separable area downscaling of a large input, streamed row by row so the input is never
     * copied as a whole.
     */
    static byte[] areaResize(RgbImage src, int outW, int outH) {
        int w = src.width();
        int h = src.height();
        Weights cols = Weights.of(w, outW);
        Weights rows = Weights.of(h, outH);
        byte[] out = new byte[outW * outH * 3];
        float[] acc = new float[outW * 3];
        float[] line = new float[outW * 3];
        for (int j = 0; j < outH; j++) {
            Arrays.fill(acc, 0);
            for (int k = rows.start[j]; k < rows.start[j + 1]; k++) {
                int sy = rows.index[k];
                float wy = rows.weight[k];
                Arrays.fill(line, 0);
                for (int i = 0; i < outW; i++) {
                    for (int m = cols.start[i]; m < cols.start[i + 1]; m++) {
                        int sx = cols.index[m];
                        float wx = cols.weight[m];
                        line[i * 3] += wx * src.sample(sx, sy, 0);
                        line[i * 3 + 1] += wx * src.sample(sx, sy, 1);
                        line[i * 3 + 2] += wx * src.sample(sx, sy, 2);
                    }
                }
                for (int q = 0; q < acc.length; q++) {
                    acc[q] += wy * line[q];
                }
            }
            for (int q = 0; q < acc.length; q++) {
                out[j * outW * 3 + q] = (byte) Math.min(255, Math.max(0, Math.round(acc[q])));
            }
        }
        return out;
    }

    /** Per output index, the source pixels it covers and their coverage fractions (summing to 1). */
    private static final class Weights {
        final int[] start;
        final int[] index;
        final float[] weight;

        private Weights(int[] start, int[] index, float[] weight) {
            this.start = start;
            this.index = index;
            this.weight = weight;
        }

        static Weights of(int in, int out) {
            double step = in / (double) out;
            int[] start = new int[out + 1];
            int max = (int) Math.ceil(step) + 1;
            int[] index = new int[out * max];
            float[] weight = new float[out * max];
            int n = 0;
            for (int i = 0; i < out; i++) {
                start[i] = n;
                double a = i * step;
                double b = Math.min(in, (i + 1) * step);
                for (int p = (int) Math.floor(a); p < b && p < in; p++) {
                    double cover = Math.min(b, p + 1) - Math.max(a, p);
                    if (cover > 0) {
                        index[n] = p;
                        weight[n] = (float) (cover / step);
                        n++;
                    }
                }
            }
            start[out] = n;
            return new Weights(start, index, weight);
        }
    }
}
