package io.facegate.align.internal;

import io.facegate.api.Point;
import java.util.List;

/**
 * The 5-point ArcFace (insightface) alignment template for a 112x112 crop, in the
 * order of {@link io.facegate.api.FaceLandmarks#asList()}. Coordinates follow the
 * usual convention that pixel {@code (i, j)} is centred on {@code (i, j)}.
 */
final class ArcFaceTemplate {
    /** The side the template was defined for. */
    static final int REFERENCE_SIZE = 112;

    private static final float[] XS = {38.2946f, 73.5318f, 56.0252f, 41.5493f, 70.7299f};
    private static final float[] YS = {51.6963f, 51.5014f, 71.7366f, 92.3655f, 92.2041f};

    private ArcFaceTemplate() {
    }

    /**
     * @param size side of the square output, &gt; 0
     * @return the template scaled by {@code size / 112}: left eye, right eye, nose, left and right mouth corner
     */
    static List<Point> forSize(int size) {
        float f = size / (float) REFERENCE_SIZE;
        Point[] pts = new Point[XS.length];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = new Point(XS[i] * f, YS[i] * f);
        }
        return List.of(pts);
    }
}
