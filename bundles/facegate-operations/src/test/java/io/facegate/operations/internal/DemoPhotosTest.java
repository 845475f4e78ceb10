package io.facegate.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import io.facegate.api.operations.EnrollResult;
import io.facegate.api.operations.IdentifyResult;
import io.facegate.api.operations.Photo;
import io.facegate.api.operations.PhotoResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared demo photos through the operations' guarded decoder: every one decodes to the size ImageIO reads, and a
 * truncated copy is refused with a reason. The detector is a stand-in (one face in the middle): the real one is
 * tested in its bundle and in the integration tests.
 */
class DemoPhotosTest {
    private static Path demo;

    private FakeConfigAdmin cm;
    private FakeScr scr;
    private Fakes.MemoryGallery gallery;
    private final List<RgbImage> detected = new ArrayList<>();
    private OperationsComponent ops;

    @BeforeAll
    static void findPhotos() {
        String data = System.getProperty("facegate.data.dir");
        assumeTrue(data != null && Files.isDirectory(Path.of(data, "demo")),
                "skipped: shared demo photos not found (system property facegate.data.dir = " + data + ")");
        demo = Path.of(data, "demo");
    }

    @BeforeEach
    void setUp() {
        cm = new FakeConfigAdmin();
        scr = new FakeScr(cm);
        gallery = new Fakes.MemoryGallery();
        ops = new OperationsComponent(new OperationsSettings(OperationsSettings.DEFAULT_MAX_PIXELS, 20,
                OperationsSettings.DEFAULT_MAX_IMAGE_BYTES, 10_000), Whitelist.DEFAULT, cm,
                new ScrComponentStates(scr), null, id -> "");
        ops.bindDetector(image -> {
            synchronized (detected) {
                detected.add(image);
            }
            float s = Math.min(image.width(), image.height()) / 2f;
            float x = image.width() / 2f;
            float y = image.height() / 2f;
            FaceLandmarks lm = new FaceLandmarks(new Point(x - s / 4, y - s / 4), new Point(x + s / 4, y - s / 4),
                    new Point(x, y), new Point(x - s / 5, y + s / 4), new Point(x + s / 5, y + s / 4));
            return List.of(new DetectedFace(new BoundingBox(x - s / 2, y - s / 2, s, s), 0.99f, lm));
        }, Map.of());
        ops.bindAligner(new Fakes.Aligner(), Map.of());
        ops.bindGallery(gallery, Map.of());
        ops.bindEmbedder(new Fakes.Embedder(Fakes.model("m", 112)), Map.of());
    }

    @AfterEach
    void tearDown() {
        scr.close();
    }

    @Test
    void everyDemoPhotoDecodesAndATruncatedOneIsRefused() throws Exception {
        List<Path> files;
        try (var list = Files.list(demo)) {
            files = list.filter(f -> f.toString().matches(".*\\.(jpg|png)")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        List<Photo> photos = new ArrayList<>();
        for (Path f : files) {
            photos.add(new Photo(f.getFileName().toString(), Files.readAllBytes(f)));
        }
        byte[] obama = Files.readAllBytes(demo.resolve("obama.jpg"));
        photos.add(new Photo("half.jpg", Arrays.copyOf(obama, obama.length / 2)));

        EnrollResult r = ops.enroll("Demo", photos);

        PhotoResult half = r.photos().get(r.photos().size() - 1);
        assertFalse(half.enrolled());
        assertTrue(half.problem().startsWith("truncated or corrupt JPEG"), half.problem());
        for (PhotoResult p : r.photos().subList(0, r.photos().size() - 1)) {
            assertTrue(p.enrolled(), p.label() + ": " + p.problem());
        }
        assertEquals(files.size(), r.enrolled());
        assertEquals(files.size(), detected.size(), "the truncated copy never reaches the detector");
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            BufferedImage expected = ImageIO.read(f.toFile());
            RgbImage got = detected.get(i);
            assertEquals(expected.getWidth() + "x" + expected.getHeight(), got.width() + "x" + got.height(),
                    f.getFileName().toString());
            assertEquals(expected.getRGB(expected.getWidth() / 2, expected.getHeight() / 2) & 0xffffff,
                    got.sample(got.width() / 2, got.height() / 2, 0) << 16
                            | got.sample(got.width() / 2, got.height() / 2, 1) << 8
                            | got.sample(got.width() / 2, got.height() / 2, 2), "the middle pixel of " + f);
        }

        IdentifyResult two = ops.identify(new Photo("two_people.jpg", Files.readAllBytes(demo.resolve("two_people.jpg"))));
        BufferedImage expected = ImageIO.read(demo.resolve("two_people.jpg").toFile());
        assertEquals(expected.getWidth(), two.width());
        assertEquals(expected.getHeight(), two.height());
    }
}
