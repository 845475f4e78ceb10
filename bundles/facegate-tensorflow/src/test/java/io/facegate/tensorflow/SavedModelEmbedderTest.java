package io.facegate.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceGateException;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/** Real TensorFlow on a tiny exported model whose embeddings can be computed by hand. */
class SavedModelEmbedderTest {

    @TempDir
    Path tmp;

    private static String metadata(int size, int dim, String order) {
        return "model.id = mean\nmodel.version = 7\nmodel.input.size = " + size + "\nmodel.channel.order = " + order
                + "\nmodel.input.mean = 127.5\nmodel.input.scale = 128\nmodel.inputs = input\n"
                + "model.outputs = embedding\nmodel.embedding.size = " + dim + "\nmodel.recommended.threshold = 0.5\n";
    }

    private static AlignedFace uniform(int size, int r, int g, int b) {
        byte[] px = new byte[size * size * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) r;
            px[i + 1] = (byte) g;
            px[i + 2] = (byte) b;
        }
        Point p = new Point(0, 0);
        DetectedFace source = new DetectedFace(new BoundingBox(0, 0, size, size), 1f, new FaceLandmarks(p, p, p, p, p));
        return new AlignedFace(new RgbImage(size, size, px), source);
    }

    private static float[] unit(float... v) {
        return new Embedding("x", "1", v).values();
    }

    @Test
    void embedsNormalisedInputAndTagsTheModel() throws Exception {
        try (SavedModelEmbedder e = new SavedModelEmbedder(
                LoadedModel.load(TestModels.channelMean(tmp.resolve("m"), 4, metadata(4, 3, "RGB"))), 8)) {
            Embedding emb = e.embed(List.of(uniform(4, 255, 0, 127))).get(0);
            assertEquals("mean:7", emb.modelKey());
            assertArrayEquals(unit(127.5f / 128, -127.5f / 128, -0.5f / 128), emb.values(), 1e-5f);
        }
    }

    @Test
    void bgrModelsGetChannelsSwapped() throws Exception {
        try (SavedModelEmbedder e = new SavedModelEmbedder(
                LoadedModel.load(TestModels.channelMean(tmp.resolve("m"), 4, metadata(4, 3, "BGR"))), 8)) {
            assertArrayEquals(unit(-0.5f / 128, -127.5f / 128, 127.5f / 128),
                    e.embed(List.of(uniform(4, 255, 0, 127))).get(0).values(), 1e-5f);
        }
    }

    @Test
    void splitsLargeRequestsIntoBatchesAndKeepsOrder() throws Exception {
        try (SavedModelEmbedder e = new SavedModelEmbedder(
                LoadedModel.load(TestModels.channelMean(tmp.resolve("m"), 4, metadata(4, 3, "RGB"))), 2)) {
            List<AlignedFace> faces = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                faces.add(uniform(4, 40 * i, 255 - 40 * i, 200));
            }
            List<Embedding> embeddings = e.embed(faces);
            assertEquals(5, embeddings.size());
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(e.embed(List.of(faces.get(i))).get(0).values(), embeddings.get(i).values(), 1e-6f);
            }
        }
    }

    // ---- flip averaging ----

    /** Weights of the linear test model: 4x4x3 = 48 inputs to 3 outputs. */
    private static final float[][] W = new float[48][3];

    static {
        Random r = new Random(7);
        for (float[] row : W) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
    }

    /**
     * A 3-d "embedder" of 4x4 faces that sees where things are, unlike the channel mean: the
     * flattened normalised input times {@link #W}, optionally L2-normalised inside the graph.
     */
    private Path linear(String name, boolean normaliseInGraph) throws Exception {
        return TestModels.export(tmp.resolve(name), Shape.of(-1, 4, 4, 3), (tf, x) -> {
            Operand<TFloat32> y = tf.linalg.matMul(tf.reshape(x, tf.constant(new long[] {-1, 48})), tf.constant(W));
            return normaliseInGraph
                    ? tf.math.div(y, tf.math.sqrt(tf.reduceSum(tf.math.square(y), tf.constant(1),
                            ReduceSum.keepDims(true))))
                    : y;
        }, "embedding", metadata(4, 3, "RGB"));
    }

    /** The linear model's raw output, by hand. */
    private static float[] linearOutput(AlignedFace face) {
        byte[] px = face.image().toRgbBytes();
        float[] y = new float[3];
        for (int k = 0; k < px.length; k++) {
            float x = ((px[k] & 0xff) - 127.5f) / 128;
            for (int j = 0; j < 3; j++) {
                y[j] += x * W[k][j];
            }
        }
        return y;
    }

    private static AlignedFace random(int size, long seed) {
        byte[] px = new byte[size * size * 3];
        new Random(seed).nextBytes(px);
        Point p = new Point(0, 0);
        DetectedFace source = new DetectedFace(new BoundingBox(0, 0, size, size), 1f, new FaceLandmarks(p, p, p, p, p));
        return new AlignedFace(new RgbImage(size, size, px), source);
    }

    /** The face mirrored left to right. */
    private static AlignedFace mirror(AlignedFace face) {
        int s = face.size();
        byte[] px = face.image().toRgbBytes();
        byte[] m = new byte[px.length];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                System.arraycopy(px, (y * s + x) * 3, m, (y * s + s - 1 - x) * 3, 3);
            }
        }
        return new AlignedFace(new RgbImage(s, s, m), face.source());
    }

    private static float[] plus(float[] a, float[] b) {
        float[] c = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    @Test
    void theOldConstructorDoesNotFlip() throws Exception {
        try (SavedModelEmbedder plain = new SavedModelEmbedder(LoadedModel.load(linear("m", false)), 8)) {
            AlignedFace face = random(4, 1);
            assertTrue(!plain.flipAverage());
            assertArrayEquals(unit(linearOutput(face)), plain.embed(List.of(face)).get(0).values(), 1e-5f);
        }
    }

    @Test
    void flipGivesAFaceAndItsMirrorImageTheSameEmbedding() throws Exception {
        Path dir = linear("m", false);
        AlignedFace face = random(4, 1);
        try (SavedModelEmbedder plain = new SavedModelEmbedder(LoadedModel.load(dir), 8);
             SavedModelEmbedder flip = new SavedModelEmbedder(LoadedModel.load(dir), 8, true)) {
            assertTrue(flip.flipAverage());
            List<Embedding> without = plain.embed(List.of(face, mirror(face)));
            assertTrue(without.get(0).cosine(without.get(1)) < 0.9, "the model must tell a face from its mirror image");
            List<Embedding> with = flip.embed(List.of(face, mirror(face)));
            assertTrue(with.get(0).cosine(with.get(1)) > 0.9999f, "cosine " + with.get(0).cosine(with.get(1)));
        }
    }

    @Test
    void flipIsTheNormalisedSumOfTheRawOutputsOfFaceAndMirror() throws Exception {
        AlignedFace face = random(4, 2);
        float[] a = linearOutput(face);
        float[] b = linearOutput(mirror(face));
        try (SavedModelEmbedder flip = new SavedModelEmbedder(LoadedModel.load(linear("m", false)), 8, true)) {
            Embedding e = flip.embed(List.of(face)).get(0);
            assertEquals("mean:7", e.modelKey());
            assertArrayEquals(unit(plus(a, b)), e.values(), 1e-5f);
        }
    }

    @Test
    void forAModelWithUnitOutputsFlipIsTheNormalisedSumOfTheTwoPlainEmbeddings() throws Exception {
        Path dir = linear("m", true);
        AlignedFace face = random(4, 3);
        try (SavedModelEmbedder plain = new SavedModelEmbedder(LoadedModel.load(dir), 8);
             SavedModelEmbedder flip = new SavedModelEmbedder(LoadedModel.load(dir), 8, true)) {
            List<Embedding> both = plain.embed(List.of(face, mirror(face)));
            float[] expected = unit(plus(both.get(0).values(), both.get(1).values()));
            assertArrayEquals(expected, flip.embed(List.of(face)).get(0).values(), 1e-5f);
        }
    }

    @Test
    void flipIsIndependentOfHowRequestsAreSplit() throws Exception {
        Path dir = linear("m", false);
        List<AlignedFace> faces = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            faces.add(random(4, 10 + i));
        }
        try (SavedModelEmbedder big = new SavedModelEmbedder(LoadedModel.load(dir), 8, true);
             SavedModelEmbedder small = new SavedModelEmbedder(LoadedModel.load(dir), 2, true);
             SavedModelEmbedder one = new SavedModelEmbedder(LoadedModel.load(dir), 1, true)) {
            List<Embedding> all = big.embed(faces);
            List<Embedding> split = small.embed(faces);
            List<Embedding> single = one.embed(faces);
            assertEquals(5, all.size());
            assertEquals(5, split.size());
            for (int i = 0; i < 5; i++) {
                float[] expected = unit(plus(linearOutput(faces.get(i)), linearOutput(mirror(faces.get(i)))));
                assertArrayEquals(expected, all.get(i).values(), 1e-5f);
                assertArrayEquals(all.get(i).values(), split.get(i).values(), 1e-6f);
                assertArrayEquals(all.get(i).values(), single.get(i).values(), 1e-6f);
                assertArrayEquals(all.get(i).values(), big.embed(List.of(faces.get(i))).get(0).values(), 1e-6f);
            }
        }
    }

    @Test
    void flipKeepsChannelOrderHandling() throws Exception {
        // the channel mean does not change under a mirror, so flip must give the plain result
        Path dir = TestModels.channelMean(tmp.resolve("m"), 4, metadata(4, 3, "BGR"));
        try (SavedModelEmbedder flip = new SavedModelEmbedder(LoadedModel.load(dir), 8, true)) {
            assertArrayEquals(unit(-0.5f / 128, -127.5f / 128, 127.5f / 128),
                    flip.embed(List.of(uniform(4, 255, 0, 127))).get(0).values(), 1e-5f);
        }
    }

    @Test
    void refusesFacesOfTheWrongSize() throws Exception {
        try (SavedModelEmbedder e = new SavedModelEmbedder(
                LoadedModel.load(TestModels.channelMean(tmp.resolve("m"), 4, metadata(4, 3, "RGB"))), 8)) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> e.embed(List.of(uniform(4, 0, 0, 0), uniform(5, 0, 0, 0))));
            assertEquals("face 1 is aligned at 5x5 but mean needs 4x4", ex.getMessage());
        }
    }

    @Test
    void refusesAModelWhoseShapeContradictsItsMetadata() throws Exception {
        // the graph takes 4x4 faces but the metadata claims 112x112
        LoadedModel wrongInput = LoadedModel.load(TestModels.channelMean(tmp.resolve("a"), 4, metadata(112, 3, "RGB")));
        FaceGateException in = assertThrows(FaceGateException.class, () -> new SavedModelEmbedder(wrongInput, 8));
        assertTrue(in.getMessage().startsWith("model mean input must be float [batch, 112, 112, 3]"), in.getMessage());

        LoadedModel wrongOutput = LoadedModel.load(TestModels.channelMean(tmp.resolve("b"), 4, metadata(4, 192, "RGB")));
        FaceGateException out = assertThrows(FaceGateException.class, () -> new SavedModelEmbedder(wrongOutput, 8));
        assertTrue(out.getMessage().startsWith("model mean output must be float [batch, 192]"), out.getMessage());
    }

    @Test
    void refusesAModelThatIsNotAnEmbedder() throws Exception {
        LoadedModel affine = LoadedModel.load(TestModels.affine(tmp.resolve("affine")));
        FaceGateException e = assertThrows(FaceGateException.class, () -> new SavedModelEmbedder(affine, 8));
        assertTrue(e.getMessage().contains("affine is not an embedding model"), e.getMessage());
    }

    @Test
    void expectRefusesAndClosesAnotherModelThanTheBundleRegisters() throws Exception {
        SavedModelEmbedder e = new SavedModelEmbedder(
                LoadedModel.load(TestModels.channelMean(tmp.resolve("m"), 4, metadata(4, 3, "RGB"))), 8);
        assertSame(e, e.expect("mean", "7", 4, 3));
        FaceGateException wrong = assertThrows(FaceGateException.class, () -> e.expect("mean", "8", 4, 3));
        assertEquals("bundle ships mean:7 (4px, 3-d) but registers as mean:8 (4px, 3-d)", wrong.getMessage());
        FaceGateException closed = assertThrows(FaceGateException.class, () -> e.embed(List.of(uniform(4, 0, 0, 0))));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }
}
