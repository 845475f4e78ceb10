package io.facegate.align.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimilarityTransformTest {

    private static SimilarityTransform known(double scale, double degrees, double tx, double ty) {
        double r = Math.toRadians(degrees);
        return new SimilarityTransform(scale * Math.cos(r), scale * Math.sin(r), tx, ty);
    }

    private static List<Point> map(SimilarityTransform t, List<Point> pts) {
        List<Point> out = new ArrayList<>();
        for (Point p : pts) {
            out.add(t.apply(p));
        }
        return out;
    }

    /** Signed area of the triangle (p0, p1, p2): its sign is the orientation. */
    private static double signedArea(Point p0, Point p1, Point p2) {
        return (p1.x() - p0.x()) * (double) (p2.y() - p0.y()) - (p1.y() - p0.y()) * (double) (p2.x() - p0.x());
    }

    @Test
    void recoversAKnownSimilarityExactly() {
        for (int size : new int[] {112, 96}) {
            List<Point> template = ArcFaceTemplate.forSize(size);
            SimilarityTransform truth = known(2.7, -33, 311.5, 87.25);
            List<Point> landmarks = map(truth, template);

            // landmarks -> template must be the exact inverse of the known transform
            SimilarityTransform solved = SimilarityTransform.estimate(landmarks, template);
            SimilarityTransform expected = truth.inverse();
            assertEquals(expected.a(), solved.a(), 1e-4, "a");
            assertEquals(expected.b(), solved.b(), 1e-4, "b");
            assertEquals(expected.tx(), solved.tx(), 1e-4, "tx");
            assertEquals(expected.ty(), solved.ty(), 1e-4, "ty");
            assertEquals(1 / 2.7, solved.scale(), 1e-6);
            assertEquals(Math.toRadians(33), solved.rotation(), 1e-6);

            // and the other direction gives the truth itself
            SimilarityTransform forward = SimilarityTransform.estimate(template, landmarks);
            assertEquals(truth.a(), forward.a(), 1e-4);
            assertEquals(truth.b(), forward.b(), 1e-4);
            assertEquals(truth.tx(), forward.tx(), 1e-4);
            assertEquals(truth.ty(), forward.ty(), 1e-4);
        }
    }

    @Test
    void leastSquaresFitOfNoisyPointsBeatsPerturbedTransforms() {
        Random rnd = new Random(7);
        List<Point> template = ArcFaceTemplate.forSize(112);
        List<Point> noisy = new ArrayList<>();
        for (Point p : map(known(1.3, 12, 20, 30), template)) {
            noisy.add(new Point(p.x() + (float) rnd.nextGaussian(), p.y() + (float) rnd.nextGaussian()));
        }
        SimilarityTransform best = SimilarityTransform.estimate(noisy, template);
        double bestErr = sse(best, noisy, template);
        double eps = 1e-3;
        double[][] deltas = {{eps, 0, 0, 0}, {-eps, 0, 0, 0}, {0, eps, 0, 0}, {0, -eps, 0, 0},
                {0, 0, eps, 0}, {0, 0, -eps, 0}, {0, 0, 0, eps}, {0, 0, 0, -eps}};
        for (double[] d : deltas) {
            SimilarityTransform other = new SimilarityTransform(best.a() + d[0], best.b() + d[1],
                    best.tx() + d[2], best.ty() + d[3]);
            assertTrue(sse(other, noisy, template) > bestErr, "not a least-squares minimum");
        }
    }

    private static double sse(SimilarityTransform t, List<Point> src, List<Point> dst) {
        double e = 0;
        for (int i = 0; i < src.size(); i++) {
            Point q = t.apply(src.get(i));
            e += Math.pow(q.x() - dst.get(i).x(), 2) + Math.pow(q.y() - dst.get(i).y(), 2);
        }
        return e;
    }

    @Test
    void neverReflectsEvenWhenAReflectionWouldFitPerfectly() {
        List<Point> template = ArcFaceTemplate.forSize(112);
        // mirror image of the template: left/right swapped, so only a reflection fits exactly
        List<Point> mirrored = new ArrayList<>();
        for (Point p : template) {
            mirrored.add(new Point(200 - p.x(), p.y()));
        }
        SimilarityTransform t = SimilarityTransform.estimate(mirrored, template);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                for (int k = 0; k < 5; k++) {
                    double before = signedArea(mirrored.get(i), mirrored.get(j), mirrored.get(k));
                    double after = signedArea(t.apply(mirrored.get(i)), t.apply(mirrored.get(j)),
                            t.apply(mirrored.get(k)));
                    if (Math.abs(before) > 1) {
                        assertTrue(Math.signum(before) == Math.signum(after), "orientation flipped");
                    }
                }
            }
        }
        assertTrue(sse(t, mirrored, template) > 100, "a proper similarity cannot fit a mirror image");

        Random rnd = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            List<Point> src = new ArrayList<>();
            List<Point> dst = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                src.add(new Point(rnd.nextFloat() * 500, rnd.nextFloat() * 500));
                dst.add(new Point(rnd.nextFloat() * 112, rnd.nextFloat() * 112));
            }
            SimilarityTransform r = SimilarityTransform.estimate(src, dst);
            Point o = r.apply(new Point(0, 0));
            Point ex = r.apply(new Point(1, 0));
            Point ey = r.apply(new Point(0, 1));
            assertTrue(signedArea(o, ex, ey) >= 0, "reflection produced in trial " + trial);
        }
    }

    @Test
    void refusesDegenerateAndNonFinitePoints() {
        List<Point> template = ArcFaceTemplate.forSize(112);
        Point p = new Point(10, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimilarityTransform.estimate(List.of(p, p, p, p, p), template));
        assertTrue(e.getMessage().contains("degenerate"), e.getMessage());

        List<Point> withNaN = new ArrayList<>(template);
        withNaN.set(2, new Point(Float.NaN, 3));
        e = assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.estimate(withNaN, template));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());

        List<Point> withInf = new ArrayList<>(template);
        withInf.set(0, new Point(1, Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.estimate(withInf, template));

        assertThrows(IllegalArgumentException.class,
                () -> SimilarityTransform.estimate(template.subList(0, 4), template));
    }

    @Test
    void inverseUndoesTheTransform() {
        SimilarityTransform t = known(0.37, 141, -5, 12);
        Point p = new Point(13.5f, -7.25f);
        Point back = t.inverse().apply(t.apply(p));
        assertEquals(p.x(), back.x(), 1e-4);
        assertEquals(p.y(), back.y(), 1e-4);
    }
}
