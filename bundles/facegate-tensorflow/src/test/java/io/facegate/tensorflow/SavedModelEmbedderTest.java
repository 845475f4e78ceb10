package io.facegate.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
