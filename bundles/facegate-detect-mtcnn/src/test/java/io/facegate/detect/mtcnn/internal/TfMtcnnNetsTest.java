package io.facegate.detect.mtcnn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceGateException;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cascade on the real converted MTCNN nets and the shared demo photos, at the default settings. */
class TfMtcnnNetsTest {
    private static Path demo;
    private static Path models;
    private static TfMtcnnNets nets;

    @BeforeAll
    static void loadNets() {
        String data = System.getProperty("facegate.data.dir");
        assumeTrue(data != null && Files.isDirectory(Path.of(data, "demo")),
                "skipped: shared demo photos not found (system property facegate.data.dir = " + data + ")");
        demo = Path.of(data, "demo");
        models = Path.of("target/classes/models");
        for (String net : List.of("pnet", "rnet", "onet")) {
            Path dir = models.resolve("mtcnn-" + net);
            assumeTrue(Files.isRegularFile(dir.resolve("saved_model.pb")),
                    "skipped: MTCNN SavedModel not built at " + dir.toAbsolutePath()
                            + " (the build unpacks them from expo-face-models)");
        }
        nets = TfMtcnnNets.load(models.resolve("mtcnn-pnet"), models.resolve("mtcnn-rnet"),
                models.resolve("mtcnn-onet"));
    }

    @AfterAll
    static void closeNets() {
        if (nets != null) {
            nets.close();
        }
    }

    private static RgbImage read(String file) throws IOException {
        return RgbImage.of(ImageIO.read(demo.resolve(file).toFile()));
    }

    @ParameterizedTest(name = "{0} has {1} face(s)")
    @CsvSource({"obama.jpg, 1", "two_people.jpg, 2", "group6.jpg, 6", "astronaut.png, 1"})
    void findsEveryFaceWithPlausibleLandmarks(String file, int expected) throws IOException {
        RgbImage image = read(file);
        MtcnnFaceDetector detector = new MtcnnFaceDetector(nets, MtcnnSettings.defaults());
        detector.detect(image); // warm-up: the first runs set up TensorFlow kernels
        long t0 = System.nanoTime();
        List<DetectedFace> faces = detector.detect(image);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("MTCNN %s (%dx%d): %d detection(s) in %d ms%n", file, image.width(), image.height(),
                faces.size(), ms);
        faces.forEach(f -> System.out.println("  " + f));

        for (int i = 1; i < faces.size(); i++) {
            assertTrue(faces.get(i - 1).score() >= faces.get(i).score(), "not sorted by score: " + faces);
        }
        assertEquals(expected, faces.size(), file + ": " + faces);
        for (DetectedFace f : faces) {
            BoundingBox b = f.box();
            assertTrue(b.width() >= 20 && b.x() < image.width() && b.y() < image.height(), "box off the image: " + f);
            FaceLandmarks lm = f.landmarks();
            for (Point p : lm.asList()) {
                assertTrue(b.contains(p), "landmark " + p + " outside its box " + b);
            }
            // upright faces: eyes above the nose above the mouth, image-left features left of the others
            assertTrue(lm.leftEye().y() < lm.nose().y() && lm.rightEye().y() < lm.nose().y(), "eyes not above nose: " + f);
            assertTrue(lm.nose().y() < lm.mouthLeft().y() && lm.nose().y() < lm.mouthRight().y(),
                    "nose not above mouth: " + f);
            assertTrue(lm.leftEye().x() < lm.rightEye().x(), "eyes swapped: " + f);
            assertTrue(lm.mouthLeft().x() < lm.mouthRight().x(), "mouth corners swapped: " + f);
        }
    }

    @Test
    void concurrentDetectionsGiveTheSequentialResult() throws Exception {
        RgbImage image = read("group6.jpg");
        MtcnnFaceDetector detector = new MtcnnFaceDetector(nets, MtcnnSettings.defaults());
        List<DetectedFace> expected = detector.detect(image);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<DetectedFace>>> runs = pool.invokeAll(
                    List.of(() -> detector.detect(image), () -> detector.detect(image), () -> detector.detect(image)));
            for (Future<List<DetectedFace>> run : runs) {
                assertEquals(expected, run.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongModelIsRefusedClearly() {
        // R-Net has no landmark output, so it cannot stand in for O-Net
        FaceGateException e = assertThrows(FaceGateException.class, () -> TfMtcnnNets.load(
                models.resolve("mtcnn-pnet"), models.resolve("mtcnn-rnet"), models.resolve("mtcnn-rnet")).close());
        assertTrue(e.getMessage().contains("O-Net"), e.getMessage());
    }
}
