package io.facegate.align.internal;

import io.facegate.api.Point;
import java.util.List;

/**
 * A 2-D similarity transform {@code q = s R p + t} without reflection, stored as
 * {@code q.x = a p.x - b p.y + tx}, {@code q.y = b p.x + a p.y + ty} with
 * {@code a = s cos(theta)}, {@code b = s sin(theta)}.
 *
 * @param a  scale times cosine of the rotation
 * @param b  scale times sine of the rotation
 * @param tx translation along x
 * @param ty translation along y
 */
record SimilarityTransform(double a, double b, double tx, double ty) {

    /**
     * Least-squares similarity (Umeyama 1991) mapping {@code src[i]} onto {@code dst[i]}.
     *
     * <p>Umeyama's SVD solution restricted to proper rotations is the minimiser of
     * {@code sum |s R p_i + t - q_i|^2} over all matrices of the form {@code [a -b; b a]}; in 2-D
     * that minimiser has the closed form used here, so no SVD is needed and a reflection can never
     * come out (a reflection is not of that form).
     *
     * @param src source points, e.g. detected landmarks
     * @param dst target points, e.g. the template, same count as {@code src}
     * @return the transform
     * @throws IllegalArgumentException if a point is not finite, the counts differ, or either point
     *                                  set has no spread (all points coincident)
     */
    static SimilarityTransform estimate(List<Point> src, List<Point> dst) {
        int n = src.size();
        if (n != dst.size() || n < 2) {
            throw new IllegalArgumentException("need the same number (>= 2) of source and target points, got "
                    + n + " and " + dst.size());
        }
        double mpx = 0, mpy = 0, mqx = 0, mqy = 0;
        for (int i = 0; i < n; i++) {
            Point p = src.get(i);
            Point q = dst.get(i);
            if (!Float.isFinite(p.x()) || !Float.isFinite(p.y())) {
                throw new IllegalArgumentException("landmark " + i + " is not finite: " + p);
            }
            if (!Float.isFinite(q.x()) || !Float.isFinite(q.y())) {
                throw new IllegalArgumentException("target point " + i + " is not finite: " + q);
            }
            mpx += p.x();
            mpy += p.y();
            mqx += q.x();
            mqy += q.y();
        }
        mpx /= n;
        mpy /= n;
        mqx /= n;
        mqy /= n;
        double varP = 0, varQ = 0, dot = 0, cross = 0;
        for (int i = 0; i < n; i++) {
            double px = src.get(i).x() - mpx;
            double py = src.get(i).y() - mpy;
            double qx = dst.get(i).x() - mqx;
            double qy = dst.get(i).y() - mqy;
            varP += px * px + py * py;
            varQ += qx * qx + qy * qy;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
        }
        // a spread below a thousandth of a pixel cannot be a face; the scale would explode
        if (varP / n < 1e-6) {
            throw new IllegalArgumentException("degenerate landmarks: all points coincide at ("
                    + (float) mpx + ", " + (float) mpy + ")");
        }
        if (varQ / n < 1e-6) {
            throw new IllegalArgumentException("degenerate target points: all coincide");
        }
        double a = dot / varP;
        double b = cross / varP;
        return new SimilarityTransform(a, b, mqx - (a * mpx - b * mpy), mqy - (b * mpx + a * mpy));
    }

    /** @return the uniform scale factor {@code s} */
    double scale() {
        return Math.hypot(a, b);
    }

    /** @return the rotation angle in radians, counter-clockwise in a y-up frame */
    double rotation() {
        return Math.atan2(b, a);
    }

    /**
     * @param p a point
     * @return the transformed point
     */
    Point apply(Point p) {
        return new Point((float) (a * p.x() - b * p.y() + tx), (float) (b * p.x() + a * p.y() + ty));
    }

    /** @return the inverse transform, itself a similarity */
    SimilarityTransform inverse() {
        double r = a * a + b * b;
        double ia = a / r;
        double ib = -b / r;
        return new SimilarityTransform(ia, ib, -(ia * tx - ib * ty), -(ib * tx + ia * ty));
    }
}
