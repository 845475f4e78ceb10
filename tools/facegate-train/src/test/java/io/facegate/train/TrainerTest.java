package io.facegate.train;

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
import io.facegate.tensorflow.SavedModelEmbedder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on a tiny network and synthetic faces: learns, checkpoints, resumes, exports. */
class TrainerTest {
    private static final NetworkConfig TINY = NetworkConfig.of("tiny", 32, 1, 1, NetworkConfig.Activation.HSWISH, true, 16);
    private static final int DIMS = 8;

    @TempDir
    Path dir;

    /** 48 faces of 8 "people": each person a colour pattern, the target a fixed unit vector per person. */
    static FaceCache syntheticCache() {
        Random random = new Random(11);
        float[][] people = new float[8][DIMS];
        for (float[] p : people) {
            double n = 0;
            for (int k = 0; k < DIMS; k++) {
                p[k] = (float) random.nextGaussian();
                n += p[k] * p[k];
            }
            for (int k = 0; k < DIMS; k++) {
                p[k] /= (float) Math.sqrt(n);
            }
        }
        List<FaceCache.Face> faces = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            int person = i % 8;
            byte[] rgb = new byte[40 * 40 * 3];
            for (int p = 0; p < 40 * 40; p++) {
                int x = p % 40;
                int y = p / 40;
                rgb[p * 3 + person % 3] = (byte) (((x / (2 + person)) + (y / (3 + person / 2))) % 2 == 0 ? 220 : 30);
                rgb[p * 3 + (person + 1) % 3] = (byte) random.nextInt(40);
            }
            faces.add(new FaceCache.Face(rgb, people[person], people[person], i < 40 ? -1 : person, i >= 40));
        }
        return new FaceCache(40, DIMS, faces);
    }

    private Trainer trainer(FaceCache cache, Path run, int steps, ByteArrayOutputStream log) {
        return new Trainer(cache, run, new Trainer.Settings(TINY, steps, 8, 0.01f, 2, 7, 10, 100),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @Test
    void lossFallsAndAResumedRunEndsWhereAnUninterruptedOneDoes() throws IOException {
        FaceCache cache = syntheticCache();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        trainer(cache, dir.resolve("straight"), 40, log).train();
        List<String> lines = Files.readAllLines(dir.resolve("straight/log.tsv"));
        double first = Double.parseDouble(lines.get(1).split("\t")[1]);
        double last = Double.parseDouble(lines.get(2).split("\t")[1]);
        assertTrue(last < first * 0.8, "embedding loss fell from " + first + " to " + last + "\n" + log);

        // cut off after step 20 (a checkpoint), as a killed or time-boxed run would be
        trainer(cache, dir.resolve("resumed"), 40, new ByteArrayOutputStream()).train(20);
        ByteArrayOutputStream resumedLog = new ByteArrayOutputStream();
        trainer(cache, dir.resolve("resumed"), 40, resumedLog).train();
        assertTrue(resumedLog.toString(StandardCharsets.UTF_8).contains("resumed"), resumedLog.toString());

        Map<String, float[]> straight = Trainer.restore(dir.resolve("straight"), TINY, DIMS, 7);
        Map<String, float[]> resumed = Trainer.restore(dir.resolve("resumed"), TINY, DIMS, 7);
        assertEquals(straight.keySet(), resumed.keySet());
        for (String name : straight.keySet()) {
            // same batches and steps; only thread-order rounding may differ
            assertArrayEquals(straight.get(name), resumed.get(name), 2e-3f, name);
        }
    }

    @Test
    void aRunFolderRefusesDifferentSettings() throws IOException {
        FaceCache cache = syntheticCache();
        trainer(cache, dir.resolve("run"), 5, new ByteArrayOutputStream()).train();
        Trainer other = new Trainer(cache, dir.resolve("run"), new Trainer.Settings(TINY, 10, 8, 0.02f, 2, 7, 5, 100),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, other::train);
        assertTrue(e.getMessage().contains("learning.rate"), e.getMessage());
    }

    @Test
    void aNewRunContinuesWhereAnEarlierOneEndedAndLeavesItAlone() throws IOException {
        FaceCache cache = syntheticCache();
        trainer(cache, dir.resolve("first"), 20, new ByteArrayOutputStream()).train();
        String firstProperties = Files.readString(dir.resolve("first/run.properties"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer second = new Trainer(cache, dir.resolve("second"), new Trainer.Settings(TINY, 5, 8, 0.001f, 0, 7, 10,
                100, Trainer.Init.RUN, dir.resolve("first")), new PrintStream(log, true, StandardCharsets.UTF_8));
        second.train();
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("continuing from " + dir.resolve("first")
                + " at its step 20"), log.toString());
        // validated before its first step: the earlier run's final weights, so its final validation
        double[] firstEnd = validationRow(dir.resolve("first"), -1);
        double[] secondStart = validationRow(dir.resolve("second"), 0);
        assertArrayEquals(firstEnd, secondStart, 1e-5, "step-0 validation of the new run");
        assertEquals(firstProperties, Files.readString(dir.resolve("first/run.properties")), "the earlier run is unchanged");
        assertTrue(Files.readString(dir.resolve("second/run.properties")).contains("init=run"));

        NetworkConfig other = NetworkConfig.of("tiny-prelu", 32, 1, 1, NetworkConfig.Activation.PRELU, false, 16);
        Trainer wrong = new Trainer(cache, dir.resolve("third"), new Trainer.Settings(other, 5, 8, 0.001f, 0, 7, 10,
                100, Trainer.Init.RUN, dir.resolve("first")), new PrintStream(log, true, StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, wrong::train);
        assertTrue(e.getMessage().contains("variant=tiny"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("third/run.properties")), "a refused run writes nothing");
    }

    /** The validation columns of log.tsv at a step, or the last validation. */
    private static double[] validationRow(Path run, int step) throws IOException {
        double[] found = null;
        for (String line : Files.readAllLines(run.resolve("log.tsv"))) {
            String[] f = line.split("\t", -1);
            if (f.length > 3 && !f[3].isEmpty() && !f[0].equals("step") && (step < 0 || Integer.parseInt(f[0]) == step)) {
                found = new double[5];
                for (int i = 0; i < found.length; i++) {
                    found[i] = f[3 + i].isEmpty() ? Double.NaN : Double.parseDouble(f[3 + i]); // NaN is written empty
                }
            }
        }
        assertTrue(found != null, "no validation in " + run + " at step " + step);
        return found;
    }

    @Test
    void exportedModelLoadsAsAFacegateEmbedder() throws IOException {
        FaceCache cache = syntheticCache();
        trainer(cache, dir.resolve("run"), 5, new ByteArrayOutputStream()).train();
        Map<String, float[]> values = Trainer.restore(dir.resolve("run"), TINY, DIMS, 7);
        Path model = dir.resolve("model");
        long params = Exporter.export(TINY, values, model, Map.of("model.id", "tiny-32", "model.version", "3",
                "model.recommended.threshold", "0.4"));
        assertTrue(params > 0 && params < TINY.parameterCount(), "folding removes the batch-norm offsets: " + params);
        IOException again = assertThrows(IOException.class, () -> Exporter.export(TINY, values, model, Map.of()));
        assertTrue(again.getMessage().contains("already holds"), again.getMessage());

        try (SavedModelEmbedder embedder = new SavedModelEmbedder(LoadedModel.load(model), 4)) {
            assertEquals("tiny-32:3", embedder.model().key());
            assertEquals(16, embedder.model().embeddingSize());
            RgbImage face = new RgbImage(32, 32, cache.faces().get(0).rgb().length >= 32 * 32 * 3
                    ? java.util.Arrays.copyOf(cache.faces().get(0).rgb(), 32 * 32 * 3) : new byte[32 * 32 * 3]);
            DetectedFace source = new DetectedFace(new BoundingBox(0, 0, 32, 32), 1f, new FaceLandmarks(
                    new Point(10, 12), new Point(22, 12), new Point(16, 18), new Point(11, 25), new Point(21, 25)));
            List<Embedding> e = embedder.embed(List.of(new AlignedFace(face, source)));
            assertEquals(16, e.get(0).values().length);
        }
    }

    @Test
    void scheduleWarmsUpThenDecaysToOnePercent() {
        Trainer t = new Trainer(syntheticCache(), dir, new Trainer.Settings(TINY, 1000, 8, 0.01f, 100, 7, 5, 100),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0.0001f, t.rate(0), 1e-7f);
        assertEquals(0.01f, t.rate(99), 1e-7f);
        assertTrue(t.rate(500) < t.rate(200));
        assertEquals(0.0001f, t.rate(999), 2e-6f);
    }

    @Test
    void thresholdSeparatesSameFromDifferentPairs() {
        // unit vectors at angles: group 0 near 0 deg, group 1 near 90 deg
        float[] v = {1, 0, 0.96f, 0.28f, 0, 1, 0.28f, 0.96f};
        int[] groups = {0, 0, 1, 1};
        double[] t = Trainer.bestThreshold(v, 2, groups);
        assertEquals(1.0, t[1], 1e-9);
        assertTrue(t[0] > 0.28 && t[0] < 0.96, "threshold " + t[0] + " lies between the pair scores");
        assertTrue(Double.isNaN(Trainer.bestThreshold(v, 2, new int[] {0, 1, 2, 3})[0]), "no same pairs, no threshold");
        // different pairs score 0.28, 0.28, 0, 0.5376: with no false accept allowed, just above 0.5376
        double[] gate = Trainer.thresholdAtFalseAcceptRate(v, 2, groups, 0.0);
        assertTrue(gate[0] > 0.5375 && gate[0] < 0.538, "gate threshold " + gate[0]);
        assertEquals(1.0, gate[1], 1e-9);
    }

    @Test
    void rankOneCountsOnlyProbesWithAMate() {
        float[] v = {1, 0, 0.9f, 0.1f, 0, 1, 0.1f, 0.9f, -1, -1};
        int[] groups = {0, 0, 1, 1, 2};
        assertEquals(1.0, Trainer.rank1(v, 2, groups), 1e-9);
        int[] swapped = {0, 1, 1, 0, 2};
        assertEquals(0.0, Trainer.rank1(v, 2, swapped), 1e-9);
    }
}
