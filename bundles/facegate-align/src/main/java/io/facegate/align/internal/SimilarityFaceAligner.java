package io.facegate.align.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.util.List;
import java.util.Objects;
import org.osgi.service.component.annotations.Component;

/**
 * Aligns a face by the least-squares similarity transform (scale, rotation,
 * translation; no shear, no reflection) from its five landmarks to the ArcFace
 * 5-point template scaled to the output size, then warps with bilinear
 * sampling by inverse mapping.
 *
 * <p>Coordinates: pixel {@code (i, j)} is centred on {@code (i, j)}, in the
 * source image and in the output alike. Output pixels whose source position
 * falls outside the image are filled with 0 (black); output pixels near the
 * image border blend the in-image neighbours with that black.
 *
 * <p>Stateless, hence thread-safe; one output buffer per call is the only
 * allocation besides the result.
 */
@Component(service = FaceAligner.class)
public final class SimilarityFaceAligner implements FaceAligner {

    /** Creates the stateless aligner; DS and tests use it alike. */
    public SimilarityFaceAligner() {
    }

    @Override
    public AlignedFace align(RgbImage image, DetectedFace face, int size) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(face, "face");
        if (size <= 0) {
            throw new IllegalArgumentException("aligned face size must be positive, got " + size);
        }
        SimilarityTransform toTemplate = transformFor(face, size);
        return new AlignedFace(warp(image, toTemplate.inverse(), size), face);
    }

    /**
     * @param face a detection
     * @param size output side
     * @return the transform from image coordinates to output coordinates
     * @throws IllegalArgumentException on degenerate or non-finite landmarks
     */
    static SimilarityTransform transformFor(DetectedFace face, int size) {
        List<Point> landmarks = face.landmarks().asList();
        return SimilarityTransform.estimate(landmarks, ArcFaceTemplate.forSize(size));
    }

    /**
     * Inverse-mapping warp: every output pixel {@code (u, v)} takes the bilinear sample of the
     * source at {@code toSource(u, v)}; neighbours outside the source count as 0.
     *
     * @param src      source image
     * @param toSource output-to-source transform
     * @param size     output side
     * @return the {@code size x size} output
     */
    static RgbImage warp(RgbImage src, SimilarityTransform toSource, int size) {
        int w = src.width();
        int h = src.height();
        byte[] out = new byte[size * size * 3];
        double a = toSource.a();
        double b = toSource.b();
        float[] px = new float[3];
        int o = 0;
        for (int v = 0; v < size; v++) {
            // step along the row incrementally: (u+1, v) maps to (x + a, y + b)
            double x = -b * v + toSource.tx();
            double y = a * v + toSource.ty();
            for (int u = 0; u < size; u++, x += a, y += b, o += 3) {
                sample(src, w, h, x, y, px);
                out[o] = toByte(px[0]);
                out[o + 1] = toByte(px[1]);
                out[o + 2] = toByte(px[2]);
            }
        }
        return new RgbImage(size, size, out);
    }

    /** Bilinear sample at (x, y) into {@code rgb}; neighbours outside the image are 0. */
    private static void sample(RgbImage src, int w, int h, double x, double y, float[] rgb) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        rgb[0] = 0;
        rgb[1] = 0;
        rgb[2] = 0;
        if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
            return; // all four neighbours are outside
        }
        float fx = (float) (x - x0);
        float fy = (float) (y - y0);
        accumulate(src, w, h, x0, y0, (1 - fx) * (1 - fy), rgb);
        accumulate(src, w, h, x0 + 1, y0, fx * (1 - fy), rgb);
        accumulate(src, w, h, x0, y0 + 1, (1 - fx) * fy, rgb);
        accumulate(src, w, h, x0 + 1, y0 + 1, fx * fy, rgb);
    }

    private static void accumulate(RgbImage src, int w, int h, int x, int y, float weight, float[] rgb) {
        if (weight == 0 || x < 0 || y < 0 || x >= w || y >= h) {
            return;
        }
        rgb[0] += weight * src.sample(x, y, 0);
        rgb[1] += weight * src.sample(x, y, 1);
        rgb[2] += weight * src.sample(x, y, 2);
    }

    private static byte toByte(float v) {
        int i = Math.round(v);
        return (byte) (i < 0 ? 0 : Math.min(i, 255));
    }
}
