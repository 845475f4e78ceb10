package io.facegate.detect.mtcnn.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facegate.api.RgbImage;
import org.junit.jupiter.api.Test;

class RasterTest {
    private static final float BLACK = (0 - 127.5f) / 128f;

    private static float norm(double v) {
        return (float) ((v - 127.5) / 128);
    }

    /** Value at output column i, row j of a transposed sample of outW x outH. */
    private static float at(float[] dst, int outH, int i, int j, int c) {
        return dst[(i * outH + j) * 3 + c];
    }

    private static Raster gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (3 * x + 10);
                rgb[o + 1] = (byte) (4 * y + 5);
                rgb[o + 2] = (byte) (x + 2 * y);
            }
        }
        return Raster.wrap(w, h, rgb);
    }

    @Test
    void outputIsNormalisedAndTransposed() {
        // 3 wide, 2 high, every pixel different
        byte[] rgb = new byte[3 * 2 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 10);
        }
        Raster r = Raster.wrap(3, 2, rgb);
        float[] dst = new float[3 * 2 * 3];
        r.sampleTransposed(new Box(-0.5f, -0.5f, 2.5f, 1.5f), 3, 2, dst, 0);
        for (int x = 0; x < 3; x++) {
            for (int y = 0; y < 2; y++) {
                for (int c = 0; c < 3; c++) {
                    // element [x][y][c]: the nets' row index is the image column
                    assertEquals(norm(((y * 3 + x) * 3 + c) * 10), dst[(x * 2 + y) * 3 + c], 1e-5,
                            "x=" + x + " y=" + y + " c=" + c);
                }
            }
        }
    }

    @Test
    void enlargingIsBilinearAndExactOnAGradientWithZeroPaddingOutside() {
        Raster r = gradient(20, 16);
        // a 24x24 crop of a 12x12 box hanging over the top-left corner by 4 pixels
        Box box = new Box(-4.5f, -4.5f, 7.5f, 7.5f);
        int n = 24;
        float[] dst = new float[n * n * 3 + 5];
        dst[0] = 42;
        r.sampleTransposed(box, n, n, dst, 5);
        assertEquals(42, dst[0], "must write at the offset only");
        int inside = 0;
        int padded = 0;
        for (int i = 0; i < n; i++) {
            double x = box.x1() + (i + 0.5) * 12 / n;
            for (int j = 0; j < n; j++) {
                double y = box.y1() + (j + 0.5) * 12 / n;
                int o = 5 + (i * n + j) * 3;
                if (x >= 0 && y >= 0) {
                    inside++;
                    assertEquals(norm(3 * x + 10), dst[o], 1e-5);
                    assertEquals(norm(4 * y + 5), dst[o + 1], 1e-5);
                    assertEquals(norm(x + 2 * y), dst[o + 2], 1e-5);
                } else if (x < -0.5 || y < -0.5) {
                    padded++;
                    assertEquals(BLACK, dst[o], 0f);
                    assertEquals(BLACK, dst[o + 1], 0f);
                    assertEquals(BLACK, dst[o + 2], 0f);
                }
            }
        }
        assertEquals(15 * 15, inside);
        assertEquals(24 * 24 - 16 * 16, padded);
    }

    @Test
    void shrinkingAveragesTheCoveredArea() {
        Raster r = gradient(8, 6);
        // exact 2x2 blocks
        float[] dst = new float[4 * 3 * 3];
        r.sampleTransposed(new Box(-0.5f, -0.5f, 7.5f, 5.5f), 4, 3, dst, 0);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                double cx = 2 * i + 0.5;
                double cy = 2 * j + 0.5;
                assertEquals(norm(3 * cx + 10), at(dst, 3, i, j, 0), 1e-5);
                assertEquals(norm(4 * cy + 5), at(dst, 3, i, j, 1), 1e-5);
            }
        }
        // fractional footprint: columns 0..2.5 of a box starting at the image's left edge
        float[] one = new float[3];
        r.sampleTransposed(new Box(-0.5f, -0.5f, 2.0f, 1.5f), 1, 1, one, 0);
        double mean = (10 + 13 + 0.5 * 16) / 2.5; // pixels 0 and 1 whole, half of pixel 2
        assertEquals(norm(mean), one[0], 1e-5);
    }

    @Test
    void shrinkingCountsTheOutsideAsBlack() {
        byte[] rgb = new byte[10 * 10 * 3];
        java.util.Arrays.fill(rgb, (byte) 200);
        Raster r = Raster.wrap(10, 10, rgb);
        // a 20x20 box whose left half lies outside: 2 output pixels of 10x20 source pixels each
        float[] dst = new float[2 * 1 * 3];
        r.sampleTransposed(new Box(-10.5f, -0.5f, 9.5f, 19.5f), 2, 1, dst, 0);
        assertEquals(BLACK, dst[0], 1e-6);                // fully outside
        assertEquals(norm(100), dst[3], 1e-5);            // right half: 10x10 inside of 10x20
    }

    @Test
    void downscalesLargeInputsByAreaAndKeepsSmallOnes() {
        byte[] rgb = new byte[8 * 6 * 3];
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                rgb[(y * 8 + x) * 3] = (byte) (x * 20 + y);
            }
        }
        RgbImage img = new RgbImage(8, 6, rgb);
        Raster same = Raster.of(img, 8);
        assertEquals(8, same.width());
        assertEquals(6, same.height());

        Raster half = Raster.of(img, 4);
        assertEquals(4, half.width());
        assertEquals(3, half.height());
        byte[] expect = new byte[4 * 3 * 3];
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 4; i++) {
                double avg = ((2 * i) * 20 + (2 * i + 1) * 20) / 2.0 + (2 * j + 0.5);
                expect[(j * 4 + i) * 3] = (byte) Math.round(avg);
            }
        }
        assertArrayEquals(expect, Raster.areaResize(img, 4, 3));
        float[] whole = new float[4 * 3 * 3];
        half.sampleTransposed(new Box(-0.5f, -0.5f, 3.5f, 2.5f), 4, 3, whole, 0);
        assertEquals(norm(expect[(2 * 4 + 1) * 3] & 0xff), at(whole, 3, 1, 2, 0), 1e-5);
    }
}
