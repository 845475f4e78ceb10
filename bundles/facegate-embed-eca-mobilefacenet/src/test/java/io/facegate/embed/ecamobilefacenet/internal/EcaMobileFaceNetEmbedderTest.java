package io.facegate.embed.ecamobilefacenet.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.ChannelOrder;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.ModelInfo;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import io.facegate.tensorflow.LoadedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real ECA-MobileFaceNet-96 SavedModel, as packaged into this bundle by the build. */
class EcaMobileFaceNetEmbedderTest {

    private static final Path MODEL = Path.of("target/classes", EcaMobileFaceNetEmbedder.MODEL_PATH);

    private EcaMobileFaceNetEmbedder embedder;

    @BeforeEach
    void load() {
        assertTrue(Files.isDirectory(MODEL), "the build copies the model into " + MODEL);
        embedder = new EcaMobileFaceNetEmbedder(LoadedModel.load(MODEL), 4, false);
    }

    @AfterEach
    void close() {
        embedder.deactivate();
    }

    private static AlignedFace noise(long seed, int size) {
        byte[] px = new byte[size * size * 3];
        new Random(seed).nextBytes(px);
        Point p = new Point(size / 2f, size / 2f);
        return new AlignedFace(new RgbImage(size, size, px),
                new DetectedFace(new BoundingBox(0, 0, size, size), 1f, new FaceLandmarks(p, p, p, p, p)));
    }

    private static AlignedFace mirrored(AlignedFace face) {
        int s = face.size();
        byte[] in = face.image().toRgbBytes();
        byte[] out = new byte[in.length];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                System.arraycopy(in, (y * s + x) * 3, out, (y * s + (s - 1 - x)) * 3, 3);
            }
        }
        return new AlignedFace(new RgbImage(s, s, out), face.source());
    }

    @Test
    void shipsTheModelItRegistersAs() {
        ModelInfo m = embedder.model();
        assertEquals("eca-mobilefacenet-96", m.id());
        assertEquals("2", m.version());
        assertEquals(96, m.inputSize());
        assertEquals(128, m.embeddingSize());
        assertEquals(ChannelOrder.RGB, m.channelOrder());
        assertEquals(127.5f, m.inputMean());
        assertEquals(128f, m.inputScale());
        assertTrue(m.recommendedThreshold() > 0 && m.recommendedThreshold() < 1,
                "recommended threshold " + m.recommendedThreshold());
    }

    @Test
    void embeds96pxFacesInto128dUnitVectorsTaggedWithTheModel() {
        Embedding e = embedder.embed(List.of(noise(1, 96))).get(0);
        assertEquals(128, e.dimension());
        assertEquals("eca-mobilefacenet-96:2", e.modelKey());
        double norm = 0;
        for (float v : e.values()) {
            assertTrue(Float.isFinite(v));
            norm += (double) v * v;
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-5);
    }

    @Test
    void batchedAndSingleRunsAgree() {
        List<AlignedFace> faces = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            faces.add(noise(i, 96));
        }
        List<Embedding> batched = embedder.embed(faces); // max_batch 4: three runs
        assertEquals(9, batched.size());
        for (int i = 0; i < faces.size(); i++) {
            assertArrayEquals(embedder.embed(List.of(faces.get(i))).get(0).values(), batched.get(i).values(), 1e-4f);
        }
        // different inputs, different embeddings: the model is not returning a constant
        assertTrue(batched.get(0).cosine(batched.get(1)) < 0.999f);
    }

    @Test
    void refusesAFaceAlignedAtAnotherSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> embedder.embed(List.of(noise(1, 96), noise(2, 112))));
        assertEquals("face 1 is aligned at 112x112 but eca-mobilefacenet-96 needs 96x96", e.getMessage());
    }

    @Test
    void refusesBadBatchConfiguration() {
        for (int bad : new int[] {0, -1, 257}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new EcaMobileFaceNetEmbedder(LoadedModel.load(MODEL), bad, false));
            assertEquals("max_batch must be within 1..256, got " + bad, e.getMessage());
        }
    }

    @Test
    void flipAveragingGivesAFaceAndItsMirrorTheSameEmbedding() {
        EcaMobileFaceNetEmbedder flip = new EcaMobileFaceNetEmbedder(LoadedModel.load(MODEL), 4, true);
        try {
            AlignedFace face = noise(5, 96);
            List<Embedding> both = flip.embed(List.of(face, mirrored(face)));
            assertArrayEquals(both.get(0).values(), both.get(1).values(), 1e-4f);
            assertEquals("eca-mobilefacenet-96:2", both.get(0).modelKey());
            // and it is not the plain embedding
            assertTrue(both.get(0).cosine(embedder.embed(List.of(face)).get(0)) < 0.99999f);
        } finally {
            flip.deactivate();
        }
    }
}
