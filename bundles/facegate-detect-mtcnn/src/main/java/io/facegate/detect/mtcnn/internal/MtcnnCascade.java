package io.facegate.detect.mtcnn.internal;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceGateException;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The MTCNN cascade (Zhang et al. 2016) around three {@link MtcnnNets}:
 * <ol>
 * <li>P-Net over an image pyramid; per-level NMS (IoU 0.5), NMS across levels (IoU 0.7),
 * box regression, square-up;</li>
 * <li>R-Net on all 24x24 crops in one batch; threshold, NMS (IoU 0.7), regression, square-up;</li>
 * <li>O-Net on all 48x48 crops in one batch; threshold, landmarks, regression, NMS (0.7 over the
 * smaller box).</li>
 * </ol>
 * Thread-safe if the nets are: every call works on its own buffers.
 */
final class MtcnnCascade {
    private static final float PNET_LEVEL_NMS = 0.5f;
    private static final float PNET_ALL_NMS = 0.7f;
    private static final float RNET_NMS = 0.7f;
    private static final float ONET_NMS = 0.7f;

    private final MtcnnNets nets;
    private final MtcnnSettings settings;

    MtcnnCascade(MtcnnNets nets, MtcnnSettings settings) {
        this.nets = Objects.requireNonNull(nets, "nets");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * A candidate face between stages.
     *
     * @param box       where it is, in working-image coordinates
     * @param score     the last stage's face probability
     * @param reg       that stage's regression offsets (4), or null once applied
     * @param landmarks five x then five y, working-image coordinates; null before O-Net
     */
    record Candidate(Box box, float score, float[] reg, float[] landmarks) {
    }

    /**
     * @param image any image
     * @return the faces in {@code image} coordinates, highest score first
     */
    List<DetectedFace> detect(RgbImage image) {
        Raster raster = Raster.of(image, settings.maxImageSide());
        List<Candidate> c = proposals(raster);
        if (!c.isEmpty()) {
            c = refine(raster, c);
        }
        if (!c.isEmpty()) {
            c = output(raster, c);
        }
        List<DetectedFace> faces = new ArrayList<>(c.size());
        // working image -> input image, per axis since rounding makes the two ratios differ slightly
        float fx = image.width() / (float) raster.width();
        float fy = image.height() / (float) raster.height();
        for (Candidate k : c) {
            faces.add(toFace(k, fx, fy));
        }
        return faces;
    }

    /** Stage 1: P-Net over the pyramid. */
    List<Candidate> proposals(Raster raster) {
        int w = raster.width();
        int h = raster.height();
        Box whole = new Box(-0.5f, -0.5f, w - 0.5f, h - 0.5f);
        List<Candidate> all = new ArrayList<>();
        for (float scale : Pyramid.scales(w, h, settings.minFaceSize(), settings.scaleFactor())) {
            int lw = (int) Math.ceil(w * scale);
            int lh = (int) Math.ceil(h * scale);
            if (lw < Pyramid.CELL || lh < Pyramid.CELL) {
                continue;
            }
            float[] input = new float[lw * lh * 3];
            raster.sampleTransposed(whole, lw, lh, input, 0);
            // transposed input: the net's rows run along the level's width
            MtcnnNets.PNetOutput out = nets.pnet(input, lw, lh);
            List<Candidate> level = cells(out, lw / (float) w, lh / (float) h, settings.pnetThreshold());
            all.addAll(Nms.suppress(level, Candidate::box, Candidate::score, PNET_LEVEL_NMS, Nms.Mode.UNION));
        }
        List<Candidate> kept = Nms.suppress(all, Candidate::box, Candidate::score, PNET_ALL_NMS, Nms.Mode.UNION);
        return regressAndSquare(kept);
    }

    /**
     * Maps the P-Net grid to candidate boxes. The net saw the level transposed, so grid row
     * {@code r} is the cell column along x and grid column {@code c} the cell row along y; the
     * cell covers level pixels {@code [2r, 2r + 12) x [2c, 2c + 12)}.
     *
     * @param out       P-Net output in its own layout
     * @param sx        level width / working width
     * @param sy        level height / working height
     * @param threshold minimum face probability
     * @return the candidates with their regression offsets, in working-image coordinates
     */
    static List<Candidate> cells(MtcnnNets.PNetOutput out, float sx, float sy, float threshold) {
        List<Candidate> found = new ArrayList<>();
        for (int r = 0; r < out.height(); r++) {
            for (int c = 0; c < out.width(); c++) {
                int i = r * out.width() + c;
                float p = out.faceProb()[i];
                if (p >= threshold) {
                    // level edge coordinate u maps to working pixel-centre coordinate u / s - 0.5
                    Box box = new Box(Pyramid.STRIDE * r / sx - 0.5f, Pyramid.STRIDE * c / sy - 0.5f,
                            (Pyramid.STRIDE * r + Pyramid.CELL) / sx - 0.5f,
                            (Pyramid.STRIDE * c + Pyramid.CELL) / sy - 0.5f);
                    found.add(new Candidate(box, p, Arrays.copyOfRange(out.regression(), i * 4, i * 4 + 4), null));
                }
            }
        }
        return found;
    }

    /** Stage 2: R-Net on all candidates in one batch. */
    List<Candidate> refine(Raster raster, List<Candidate> in) {
        int n = in.size();
        int s = MtcnnNets.RNET_SIZE;
        float[] batch = crops(raster, in, s);
        MtcnnNets.RNetOutput out = nets.rnet(batch, n);
        checkCount("R-Net", out.faceProb().length, n);
        List<Candidate> passed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float p = out.faceProb()[i];
            if (p >= settings.rnetThreshold()) {
                passed.add(new Candidate(in.get(i).box(), p,
                        Arrays.copyOfRange(out.regression(), i * 4, i * 4 + 4), null));
            }
        }
        List<Candidate> kept = Nms.suppress(passed, Candidate::box, Candidate::score, RNET_NMS, Nms.Mode.UNION);
        return regressAndSquare(kept);
    }

    /** Stage 3: O-Net on all candidates in one batch, with landmarks. */
    List<Candidate> output(Raster raster, List<Candidate> in) {
        int n = in.size();
        float[] batch = crops(raster, in, MtcnnNets.ONET_SIZE);
        MtcnnNets.ONetOutput out = nets.onet(batch, n);
        checkCount("O-Net", out.faceProb().length, n);
        List<Candidate> passed = new ArrayList<>();
        float[] lm = out.landmarks();
        for (int i = 0; i < n; i++) {
            float p = out.faceProb()[i];
            if (p < settings.onetThreshold()) {
                continue;
            }
            Box crop = in.get(i).box();
            // Landmarks are fractions of the crop that was fed. The net's first five values run
            // along its rows, which (transposed input) are the image's x axis: they are x.
            float[] points = new float[10];
            for (int k = 0; k < 5; k++) {
                points[k] = crop.x1() + lm[i * 10 + k] * crop.width();
                points[k + 5] = crop.y1() + lm[i * 10 + 5 + k] * crop.height();
            }
            Box box = crop.regress(out.regression(), i * 4);
            if (box.isValid()) {
                passed.add(new Candidate(box, p, null, points));
            }
        }
        return Nms.suppress(passed, Candidate::box, Candidate::score, ONET_NMS, Nms.Mode.MIN);
    }

    private static float[] crops(Raster raster, List<Candidate> in, int size) {
        int per = size * size * 3;
        float[] batch = new float[in.size() * per];
        for (int i = 0; i < in.size(); i++) {
            raster.sampleTransposed(in.get(i).box(), size, size, batch, i * per);
        }
        return batch;
    }

    private static List<Candidate> regressAndSquare(List<Candidate> in) {
        List<Candidate> out = new ArrayList<>(in.size());
        for (Candidate c : in) {
            Box b = c.box().regress(c.reg(), 0).square();
            if (b.isValid()) {
                out.add(new Candidate(b, c.score(), null, null));
            }
        }
        return out;
    }

    private static void checkCount(String net, int got, int expected) {
        if (got != expected) {
            throw new FaceGateException(net + " returned " + got + " results for " + expected + " crops");
        }
    }

    private static DetectedFace toFace(Candidate c, float fx, float fy) {
        Box b = c.box();
        float x1 = (b.x1() + 0.5f) * fx - 0.5f;
        float y1 = (b.y1() + 0.5f) * fy - 0.5f;
        float[] p = c.landmarks();
        Point[] pts = new Point[5];
        for (int k = 0; k < 5; k++) {
            pts[k] = new Point((p[k] + 0.5f) * fx - 0.5f, (p[k + 5] + 0.5f) * fy - 0.5f);
        }
        return new DetectedFace(new BoundingBox(x1, y1, b.width() * fx, b.height() * fy), c.score(),
                new FaceLandmarks(pts[0], pts[1], pts[2], pts[3], pts[4]));
    }
}
