package io.facegate.detect.mtcnn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceGateException;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class MtcnnCascadeTest {

    /** A flat grey face rectangle and optional landmark markers, pixel indices. */
    record Face(int x, int y, int w, int h, int[][] landmarks) {
    }

    /** Off the diagonal, taller than wide, with an asymmetric landmark layout. */
    static final Face FACE = new Face(112, 26, 56, 66,
            new int[][] {{125, 40}, {155, 41}, {141, 60}, {128, 80}, {153, 79}});

    static RgbImage draw(int w, int h, int upscale, Face... faces) {
        byte[] rgb = new byte[w * h * 3 * upscale * upscale];
        int W = w * upscale;
        for (Face f : faces) {
            fill(rgb, W, f.x(), f.y(), f.w(), f.h(), new int[] {100, 100, 100}, upscale);
            if (f.landmarks() != null) {
                for (int k = 0; k < 5; k++) {
                    int[] p = f.landmarks()[k];
                    fill(rgb, W, p[0] - 2, p[1] - 2, 5, 5, IdealNets.MARKERS[k], upscale);
                }
            }
        }
        return new RgbImage(W, h * upscale, rgb);
    }

    private static void fill(byte[] rgb, int w, int x0, int y0, int fw, int fh, int[] c, int up) {
        for (int y = y0 * up; y < (y0 + fh) * up; y++) {
            for (int x = x0 * up; x < (x0 + fw) * up; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    rgb[(y * w + x) * 3 + ch] = (byte) c[ch];
                }
            }
        }
    }

    private static void assertBox(Face f, int up, BoundingBox b, float tol) {
        // pixels x .. x+w-1 span [x - 0.5, x + w - 0.5]; upscaling maps c to (c + 0.5) * up - 0.5
        assertEquals((f.x() - 0.5f + 0.5f) * up - 0.5f, b.x(), tol, "x of " + b);
        assertEquals((f.y() - 0.5f + 0.5f) * up - 0.5f, b.y(), tol, "y of " + b);
        assertEquals(f.w() * up, b.width(), tol, "width of " + b);
        assertEquals(f.h() * up, b.height(), tol, "height of " + b);
    }

    private static void assertLandmarks(Face f, int up, DetectedFace d, float tol) {
        List<Point> pts = d.landmarks().asList();
        for (int k = 0; k < 5; k++) {
            float ex = (f.landmarks()[k][0] + 0.5f) * up - 0.5f;
            float ey = (f.landmarks()[k][1] + 0.5f) * up - 0.5f;
            assertEquals(ex, pts.get(k).x(), tol, "landmark " + k + " x");
            assertEquals(ey, pts.get(k).y(), tol, "landmark " + k + " y");
        }
    }

    @Test
    void findsTheFaceAndItsLandmarksWhereTheyAre() {
        CountingNets nets = new CountingNets(new IdealNets());
        MtcnnFaceDetector detector = new MtcnnFaceDetector(nets, MtcnnSettings.defaults());
        List<DetectedFace> faces = detector.detect(draw(200, 150, 1, FACE));

        assertEquals(1, faces.size(), faces.toString());
        DetectedFace d = faces.get(0);
        assertEquals(IdealNets.SCORE_WITH_MARKERS, d.score());
        assertBox(FACE, 1, d.box(), 0.25f);
        assertLandmarks(FACE, 1, d, 0.5f);

        // P-Net once per pyramid level, with the level transposed (rows = level width)
        List<Float> scales = Pyramid.scales(200, 150, 20, 0.709f);
        assertEquals(scales.size(), nets.pnetInputs.size());
        assertEquals((int) Math.ceil(200 * scales.get(0)), nets.pnetInputs.get(0)[0]);
        assertEquals((int) Math.ceil(150 * scales.get(0)), nets.pnetInputs.get(0)[1]);
        // R-Net and O-Net once each, on batches
        assertEquals(1, nets.rnetBatches.size());
        assertEquals(1, nets.onetBatches.size());
        assertTrue(nets.rnetBatches.get(0) >= 1);
    }

    @Test
    void hugeImagesAreDownscaledButReportedInTheirOwnPixels() {
        CountingNets nets = new CountingNets(new IdealNets());
        // the same scene at 3x; a 200 px working side makes the cascade see the 1x scene
        MtcnnFaceDetector detector = new MtcnnFaceDetector(nets, new MtcnnSettings(20, 0.709f, 0.6f, 0.7f, 0.7f, 200));
        List<DetectedFace> faces = detector.detect(draw(200, 150, 3, FACE));

        assertEquals(1, faces.size(), faces.toString());
        assertBox(FACE, 3, faces.get(0).box(), 0.75f);
        assertLandmarks(FACE, 3, faces.get(0), 1.5f);
        assertTrue(nets.pnetInputs.get(0)[0] <= 200 * 0.6 + 1, "P-Net must run on the downscaled image");
    }

    @Test
    void severalFacesComeBestFirst() {
        Face plain = new Face(20, 60, 40, 40, null); // no markers: lower O-Net score
        List<DetectedFace> faces = new MtcnnFaceDetector(new IdealNets(), MtcnnSettings.defaults())
                .detect(draw(200, 150, 1, plain, FACE));
        assertEquals(2, faces.size(), faces.toString());
        assertEquals(IdealNets.SCORE_WITH_MARKERS, faces.get(0).score());
        assertEquals(IdealNets.SCORE_WITHOUT_MARKERS, faces.get(1).score());
        assertBox(FACE, 1, faces.get(0).box(), 0.25f);
        assertBox(plain, 1, faces.get(1).box(), 0.25f);
    }

    @Test
    void thresholdsDecideWhatSurvives() {
        // the marker-less face scores 0.92 at O-Net: a 0.93 threshold drops it
        Face plain = new Face(20, 60, 40, 40, null);
        MtcnnSettings strict = new MtcnnSettings(20, 0.709f, 0.6f, 0.7f, 0.93f, 1280);
        List<DetectedFace> faces = new MtcnnFaceDetector(new IdealNets(), strict).detect(draw(200, 150, 1, plain));
        assertEquals(List.of(), faces);

        // P-Net says 0.9 for faces: a P-Net threshold above that stops the cascade before R-Net
        CountingNets nets = new CountingNets(new IdealNets());
        MtcnnSettings noProposals = new MtcnnSettings(20, 0.709f, 0.95f, 0.7f, 0.7f, 1280);
        assertEquals(List.of(), new MtcnnFaceDetector(nets, noProposals).detect(draw(200, 150, 1, FACE)));
        assertFalse(nets.pnetInputs.isEmpty());
        assertEquals(List.of(), nets.rnetBatches);
        assertEquals(List.of(), nets.onetBatches);
    }

    @Test
    void blankImageAndTinyImageGiveNoFaces() {
        CountingNets nets = new CountingNets(new IdealNets());
        MtcnnFaceDetector detector = new MtcnnFaceDetector(nets, MtcnnSettings.defaults());
        assertEquals(List.of(), detector.detect(draw(100, 80, 1)));
        assertEquals(List.of(), detector.detect(new RgbImage(15, 15, new byte[15 * 15 * 3])));
        assertEquals(List.of(), nets.rnetBatches);
    }

    @Test
    void aNetReturningTheWrongCountIsAFaceGateException() {
        MtcnnNets ideal = new IdealNets();
        MtcnnNets shortRnet = new MtcnnNets() {
            @Override
            public PNetOutput pnet(float[] input, int height, int width) {
                return ideal.pnet(input, height, width);
            }

            @Override
            public RNetOutput rnet(float[] batch, int n) {
                return new RNetOutput(new float[n - 1], new float[(n - 1) * 4]);
            }

            @Override
            public ONetOutput onet(float[] batch, int n) {
                return ideal.onet(batch, n);
            }

            @Override
            public void close() {
            }
        };
        FaceGateException e = assertThrows(FaceGateException.class,
                () -> new MtcnnFaceDetector(shortRnet, MtcnnSettings.defaults()).detect(draw(200, 150, 1, FACE)));
        assertTrue(e.getMessage().contains("R-Net"), e.getMessage());
    }

    @Test
    void detectorDoesNotCloseNetsItDoesNotOwn() {
        CountingNets nets = new CountingNets(new IdealNets());
        new MtcnnFaceDetector(nets, MtcnnSettings.defaults()).detect(draw(200, 150, 1, FACE));
        assertFalse(nets.closed);
    }
}
