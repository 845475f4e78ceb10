package io.facegate.align.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimilarityFaceAlignerTest {

    private static final int[][] COLOURS = {
            {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {255, 0, 255}};

    private final SimilarityFaceAligner aligner = new SimilarityFaceAligner();

    private static DetectedFace face(List<Point> p) {
        return new DetectedFace(new BoundingBox(0, 0, 10, 10), 0.99f,
                new FaceLandmarks(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4)));
    }

    private static SimilarityTransform known(double scale, double degrees, double tx, double ty) {
        double r = Math.toRadians(degrees);
        return new SimilarityTransform(scale * Math.cos(r), scale * Math.sin(r), tx, ty);
    }

    @Test
    void colouredDotsLandOnTheTemplate() {
        int w = 420;
        int h = 330;
        List<Point> template112 = ArcFaceTemplate.forSize(112);
        // the face in the image: template scaled x1.9, rotated 28 degrees, moved
        SimilarityTransform pose = known(1.9, 28, 180, 20);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = 40;
        }
        List<Point> landmarks = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            Point p = pose.apply(template112.get(k));
            int cx = Math.round(p.x());
            int cy = Math.round(p.y());
            landmarks.add(new Point(cx, cy));
            for (int y = cy - 4; y <= cy + 4; y++) {
                for (int x = cx - 4; x <= cx + 4; x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 16) {
                        for (int c = 0; c < 3; c++) {
                            rgb[(y * w + x) * 3 + c] = (byte) COLOURS[k][c];
                        }
                    }
                }
            }
        }
        RgbImage image = new RgbImage(w, h, rgb);
        DetectedFace face = face(landmarks);

        for (int size : new int[] {112, 96, 160}) {
            AlignedFace aligned = aligner.align(image, face, size);
            assertEquals(size, aligned.size());
            assertSame(face, aligned.source());
            List<Point> expected = ArcFaceTemplate.forSize(size);
            for (int k = 0; k < 5; k++) {
                Point found = centroidOf(aligned.image(), COLOURS[k]);
                assertEquals(expected.get(k).x(), found.x(), 1.0, "landmark " + k + " x at size " + size);
                assertEquals(expected.get(k).y(), found.y(), 1.0, "landmark " + k + " y at size " + size);
            }
        }
    }

    /** Centroid of the pixels close to a pure colour, weighted by closeness. */
    private static Point centroidOf(RgbImage img, int[] colour) {
        double sw = 0, sx = 0, sy = 0;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                double d = 0;
                for (int c = 0; c < 3; c++) {
                    d += Math.pow(img.sample(x, y, c) - colour[c], 2);
                }
                double wgt = Math.max(0, 1 - Math.sqrt(d) / 120);
                sw += wgt;
                sx += wgt * x;
                sy += wgt * y;
            }
        }
        assertTrue(sw > 0.5, "colour not found in the aligned face");
        return new Point((float) (sx / sw), (float) (sy / sw));
    }

    @Test
    void bilinearSamplingOfAGradientIsExactAndOutsideIsBlack() {
        int w = 64;
        int h = 48;
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (3 * x + 10);
                rgb[o + 1] = (byte) (4 * y + 5);
                rgb[o + 2] = (byte) (2 * x + 2 * y);
            }
        }
        RgbImage image = new RgbImage(w, h, rgb);
        // a small, rotated face so the warp upsamples at fractional positions and also reaches outside
        List<Point> landmarks = new ArrayList<>();
        SimilarityTransform pose = known(0.45, 10, 8, -3);
        for (Point p : ArcFaceTemplate.forSize(112)) {
            landmarks.add(pose.apply(p));
        }
        DetectedFace face = face(landmarks);
        int size = 112;
        RgbImage out = aligner.align(image, face, size).image();
        SimilarityTransform toSource = SimilarityFaceAligner.transformFor(face, size).inverse();

        int inside = 0;
        int outside = 0;
        for (int v = 0; v < size; v++) {
            for (int u = 0; u < size; u++) {
                Point p = toSource.apply(new Point(u, v));
                if (p.x() >= 0 && p.y() >= 0 && p.x() <= w - 1 && p.y() <= h - 1) {
                    inside++;
                    assertEquals(3 * p.x() + 10, out.sample(u, v, 0), 0.501, "red at " + u + "," + v);
                    assertEquals(4 * p.y() + 5, out.sample(u, v, 1), 0.501, "green at " + u + "," + v);
                    assertEquals(2 * p.x() + 2 * p.y(), out.sample(u, v, 2), 0.501, "blue at " + u + "," + v);
                } else if (p.x() < -1 || p.y() < -1 || p.x() > w || p.y() > h) {
                    outside++;
                    for (int c = 0; c < 3; c++) {
                        assertEquals(0, out.sample(u, v, c), "outside the source must be 0 at " + u + "," + v);
                    }
                }
            }
        }
        assertTrue(inside > 3000, "too few interior samples checked: " + inside);
        assertTrue(outside > 100, "too few exterior samples checked: " + outside);
    }

    @Test
    void refusesBadInput() {
        RgbImage image = new RgbImage(20, 20, new byte[20 * 20 * 3]);
        DetectedFace ok = face(ArcFaceTemplate.forSize(20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> aligner.align(image, ok, 0));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> aligner.align(image, ok, -112));

        Point p = new Point(5, 5);
        e = assertThrows(IllegalArgumentException.class,
                () -> aligner.align(image, face(List.of(p, p, p, p, p)), 112));
        assertTrue(e.getMessage().contains("degenerate"), e.getMessage());

        Point nan = new Point(Float.NaN, Float.NaN);
        e = assertThrows(IllegalArgumentException.class,
                () -> aligner.align(image, face(List.of(nan, nan, nan, nan, nan)), 112));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());

        assertThrows(NullPointerException.class, () -> aligner.align(null, ok, 112));
        assertThrows(NullPointerException.class, () -> aligner.align(image, null, 112));
    }

    @Test
    void templateScalesWithSize() {
        List<Point> t112 = ArcFaceTemplate.forSize(112);
        List<Point> t96 = ArcFaceTemplate.forSize(96);
        assertEquals(38.2946f, t112.get(0).x(), 1e-5);
        assertEquals(92.2041f, t112.get(4).y(), 1e-5);
        for (int k = 0; k < 5; k++) {
            assertEquals(t112.get(k).x() * 96 / 112, t96.get(k).x(), 1e-4);
            assertEquals(t112.get(k).y() * 96 / 112, t96.get(k).y(), 1e-4);
        }
    }
}
