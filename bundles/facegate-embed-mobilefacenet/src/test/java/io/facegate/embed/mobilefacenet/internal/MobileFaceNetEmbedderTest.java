package io.facegate.embed.mobilefacenet.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import io.facegate.tensorflow.LoadedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real MobileFaceNet-112 weights, as packaged into this bundle by the build. */
class MobileFaceNetEmbedderTest {

    private static final Path MODEL = Path.of("target/classes", MobileFaceNetEmbedder.MODEL_PATH);

    private MobileFaceNetEmbedder embedder;

    @BeforeEach
    void load() {
        assertTrue(Files.isDirectory(MODEL), "the build unpacks the model into " + MODEL);
        embedder = new MobileFaceNetEmbedder(LoadedModel.load(MODEL), 4);
    }

    @AfterEach
    void close() {
        embedder.deactivate();
    }

    private static AlignedFace noise(long seed) {
        byte[] px = new byte[112 * 112 * 3];
        new Random(seed).nextBytes(px);
        Point p = new Point(56, 56);
        return new AlignedFace(new RgbImage(112, 112, px),
                new DetectedFace(new BoundingBox(0, 0, 112, 112), 1f, new FaceLandmarks(p, p, p, p, p)));
    }

    @Test
    void producesUnitLength192dEmbeddingsTaggedWithTheModel() {
        Embedding e = embedder.embed(List.of(noise(1))).get(0);
        assertEquals(192, e.dimension());
        assertEquals("mobilefacenet-112:1", e.modelKey());
        assertEquals(1f, e.cosine(e), 1e-5f);
        assertEquals(112, embedder.model().inputSize());
    }

    @Test
    void batchedAndSingleRunsAgree() {
        List<AlignedFace> faces = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            faces.add(noise(i));
        }
        List<Embedding> batched = embedder.embed(faces);
        for (int i = 0; i < faces.size(); i++) {
            assertArrayEquals(embedder.embed(List.of(faces.get(i))).get(0).values(), batched.get(i).values(), 1e-4f);
        }
        // different inputs, different embeddings: the model is not returning a constant
        assertTrue(batched.get(0).cosine(batched.get(1)) < 0.999f);
    }

    @Test
    void isThreadSafe() throws Exception {
        Embedding expected = embedder.embed(List.of(noise(42))).get(0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Embedding>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> embedder.embed(List.of(noise(42))).get(0)));
            }
            for (Future<Embedding> f : results) {
                assertArrayEquals(expected.values(), f.get().values(), 1e-5f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static AlignedFace mirror(AlignedFace face) {
        byte[] px = face.image().toRgbBytes();
        byte[] m = new byte[px.length];
        for (int y = 0; y < 112; y++) {
            for (int x = 0; x < 112; x++) {
                System.arraycopy(px, (y * 112 + x) * 3, m, (y * 112 + 111 - x) * 3, 3);
            }
        }
        return new AlignedFace(new RgbImage(112, 112, m), face.source());
    }

    @Test
    void flipAveragingGivesAFaceAndItsMirrorImageTheSameEmbedding() {
        AlignedFace face = noise(3);
        MobileFaceNetEmbedder plain = new MobileFaceNetEmbedder(LoadedModel.load(MODEL), 4, false);
        MobileFaceNetEmbedder flip = new MobileFaceNetEmbedder(LoadedModel.load(MODEL), 4, true);
        try {
            List<Embedding> without = plain.embed(List.of(face, mirror(face)));
            assertTrue(without.get(0).cosine(without.get(1)) < 0.999f, "the model sees the mirror as another image");
            List<Embedding> with = flip.embed(List.of(face, mirror(face)));
            assertTrue(with.get(0).cosine(with.get(1)) > 0.9999f, "cosine " + with.get(0).cosine(with.get(1)));
            assertEquals("mobilefacenet-112:1", with.get(0).modelKey());
            // same model, so the two kinds stay comparable; averaging moves an embedding only a little
            assertTrue(with.get(0).cosine(without.get(0)) > 0.5f, "cosine " + with.get(0).cosine(without.get(0)));
        } finally {
            plain.deactivate();
            flip.deactivate();
        }
    }

    @Test
    void flipAverageDefaultIsTheMetatypeDefault() throws Exception {
        assertEquals(MobileFaceNetEmbedder.FLIP_AVERAGE_DEFAULT,
                MobileFaceNetEmbedder.Config.class.getMethod("flip__average").getDefaultValue());
    }

    @Test
    void refusesBadBatchConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MobileFaceNetEmbedder(LoadedModel.load(MODEL), 0));
        assertEquals("max_batch must be within 1..256, got 0", e.getMessage());
    }
}
