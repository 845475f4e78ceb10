package io.facegate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.modelimport.ImportedGraph;
import io.facegate.modelimport.OutputBinding;
import io.facegate.modelimport.TfliteImporter;
import io.facegate.modelimport.TfliteModel;
import io.facegate.modelimport.TfliteReader;
import io.facegate.train.NetworkConfig.Activation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Weight inheritance from the teacher: parsing, layer mapping, kernel resampling, batch-norm calibration. */
class WeightInheritanceTest {
    /** The build's teacher, when models/expo-face-models has been built (tests using it are skipped otherwise). */
    private static final Path TFLITE_DIR = Path.of(System.getProperty("facegate.tflite.dir",
            "../../models/expo-face-models/target/tflite"));
    private static final Path REAL_TEACHER = TFLITE_DIR.resolve("MobileFaceNet.tflite");

    @TempDir
    Path dir;

    private static TfliteModel smallTeacher(long seed) {
        return SyntheticTeacher.mobileFaceNet(48, 8, SyntheticTeacher.smallStages(3, 2), 32, 12, seed);
    }

    private static TeacherNet realTeacher() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(REAL_TEACHER), "no teacher at " + REAL_TEACHER);
        return TeacherNet.read(REAL_TEACHER);
    }

    @Test
    void realTeacherReadsAsMobileFaceNet() throws IOException {
        TeacherNet t = realTeacher();
        assertEquals("112x112, stem 64 (+1x1), stages t/c/n/s 2/64/5/2 4/128/1/2 2/128/6/1 4/128/1/2 2/128/2/1,"
                + " conv1x1 512, gdconv 7x7, 192-d", t.describe());
    }

    /**
     * Everything inherited at the teacher's own size and stage table, with the identity as basis:
     * the teacher-equivalent network is the teacher (checks layouts, slopes and the folds).
     */
    @Test
    void teacherEquivalentOfTheFullNetworkIsTheTeacher() throws IOException {
        realTeacher();
        TfliteModel model = TfliteReader.read(REAL_TEACHER);
        TeacherNet teacher = TeacherNet.parse(model);
        NetworkConfig full = NetworkConfig.mobileFaceNet112(192);
        double[][] identity = new double[192][192];
        for (int i = 0; i < 192; i++) {
            identity[i][i] = 1;
        }
        WeightInheritance.Plan plan = WeightInheritance.plan(full, teacher, identity);
        assertTrue(plan.fresh().isEmpty(), plan.fresh().toString());
        Map<String, float[]> values = new LinkedHashMap<>(TestNets.randomValues(full, 3));
        values.putAll(plan.values());
        float[] input = TestNets.randomInput(2, 112, 5);
        float[] student = TestNets.embed(full, input, tf -> new WeightInheritance.TeacherEquivalent(tf, values, plan.biases()));
        float[] expected;
        try (Graph g = new Graph(); Session s = new Session(g)) {
            ImportedGraph imported = TfliteImporter.importInto(g, model, OutputBinding.resolve(model, List.of()));
            Operand<TFloat32> out = imported.outputs().values().iterator().next();
            try (TFloat32 in = TFloat32.tensorOf(Shape.of(2, 112, 112, 3), DataBuffers.of(input, true, false));
                 TFloat32 t = (TFloat32) s.runner().feed(imported.input(), in).fetch(out).run().get(0)) {
                expected = new float[192 * 2];
                t.copyTo(DataBuffers.of(expected, false, false));
            }
        }
        normalise(expected, 192);
        assertTrue(maxAbsDiff(expected, student) < 1e-4, "max difference " + maxAbsDiff(expected, student));
    }

    @Test
    void planCoversEveryStudentLayerWithMatchingShapes() throws IOException {
        TeacherNet small = TeacherNet.parse(smallTeacher(1));
        for (NetworkConfig student : List.of(
                SyntheticTeacher.smallStudent("small-eca", 32, Activation.HSWISH, true, 8),
                SyntheticTeacher.smallStudent("small-prelu", 32, Activation.PRELU, false, 8))) {
            checkCoverage(student, small, 12);
        }
        TeacherNet real = realTeacher();
        for (String variant : List.of("eca96", "r96-hswish", "r96-prelu")) {
            checkCoverage(NetworkConfig.variant(variant), real, 192);
        }
    }

    private static void checkCoverage(NetworkConfig student, TeacherNet teacher, int dims) {
        Map<String, long[]> shapes = shapes(student);
        for (boolean withBasis : new boolean[] {false, true}) {
            double[][] basis = withBasis ? basis(student.embeddingSize(), dims, 4) : null;
            WeightInheritance.Plan plan = WeightInheritance.plan(student, teacher, basis);
            String where = student.name() + (withBasis ? " with basis" : "") + ": ";
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                String name = e.getKey();
                long size = Shape.of(e.getValue()).size();
                boolean random = name.contains("/eca/") || (!withBasis && name.startsWith("head/embedding/"));
                if (name.endsWith("/w") || name.endsWith("/prelu")) {
                    float[] v = plan.values().get(name);
                    if (random) {
                        assertNull(v, where + name + " keeps its own initialisation");
                    } else {
                        assertNotNull(v, where + name + " is inherited");
                        assertEquals(size, v.length, where + name);
                    }
                } else if (name.endsWith("/bn/gamma")) {
                    String layer = name.substring(0, name.length() - "/bn/gamma".length());
                    float[] b = plan.biases().get(layer);
                    assertEquals(!random, b != null, where + layer + " bias");
                    if (b != null) {
                        assertEquals(size, b.length, where + layer + " bias");
                    }
                }
            }
            for (String name : plan.values().keySet()) {
                assertTrue(shapes.containsKey(name) || (withBasis && name.equals("distill/head/w")), where + name);
            }
            if (withBasis) {
                assertEquals((long) student.embeddingSize() * dims, plan.values().get("distill/head/w").length);
            }
            int bnLayers = (int) shapes.keySet().stream().filter(n -> n.endsWith("/bn/gamma")).count();
            assertEquals(bnLayers - (withBasis ? 0 : 1), plan.copied().size(), where + plan.copied());
        }
    }

    @Test
    void resamplingTheGlobalKernelKeepsEveryChannelsSum() {
        Random random = new Random(4);
        int channels = 5;
        float[] kernel = new float[7 * 7 * channels];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (float) random.nextGaussian();
        }
        for (int m : new int[] {6, 2, 7, 9}) {
            float[] r = WeightInheritance.resampleDepthwise(kernel, 7, channels, m);
            assertEquals(m * m * channels, r.length);
            for (int c = 0; c < channels; c++) {
                double before = 0;
                double after = 0;
                for (int i = c; i < kernel.length; i += channels) {
                    before += kernel[i];
                }
                for (int i = c; i < r.length; i += channels) {
                    after += r[i];
                }
                assertEquals(before, after, 1e-4, "channel " + c + " at " + m + "x" + m);
            }
        }
        float[] same = WeightInheritance.resampleDepthwise(kernel, 7, channels, 7);
        assertTrue(maxAbsDiff(kernel, same) < 1e-6, "7x7 to 7x7 is the identity");
        float[] flat = new float[49];
        java.util.Arrays.fill(flat, 1f);
        for (float v : WeightInheritance.resampleDepthwise(flat, 7, 1, 6)) {
            assertEquals(49.0 / 36, v, 1e-5, "a flat kernel stays flat, scaled by the cell area");
        }
    }

    @Test
    void principalDirectionsAreOrthonormalEigenvectorsInDescendingOrder() {
        Random random = new Random(9);
        int d = 6;
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) (random.nextGaussian() * (d - j) + (j == 1 ? 2 : 0));
            }
            vectors.add(v);
        }
        double[] energy = new double[1];
        double[][] u = WeightInheritance.principalDirections(vectors, d, 4, energy);
        double[][] m = new double[d][d];
        for (float[] v : vectors) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    m[i][j] += v[i] * (double) v[j] / vectors.size();
                }
            }
        }
        double previous = Double.POSITIVE_INFINITY;
        for (int r = 0; r < 4; r++) {
            for (int q = 0; q < 4; q++) {
                assertEquals(r == q ? 1 : 0, dot(u[r], u[q]), 1e-9, "orthonormal " + r + "," + q);
            }
            double[] mu = new double[d];
            for (int i = 0; i < d; i++) {
                mu[i] = dot(m[i], u[r]);
            }
            double lambda = dot(mu, u[r]);
            for (int i = 0; i < d; i++) {
                assertEquals(lambda * u[r][i], mu[i], 1e-6 * Math.max(1, lambda), "eigenvector " + r);
            }
            assertTrue(lambda <= previous, "descending");
            previous = lambda;
        }
        assertTrue(energy[0] > 0.5 && energy[0] < 1, "energy share " + energy[0]);
    }

    /**
     * After calibration on a batch, the student in training mode (batch statistics) and frozen
     * (moving statistics folded) both compute the teacher-equivalent network on that batch.
     */
    @Test
    void batchNormReproducesConvPlusBiasOnTheCalibrationBatch() {
        TeacherNet teacher = TeacherNet.parse(smallTeacher(2));
        for (NetworkConfig student : List.of(
                SyntheticTeacher.smallStudent("small-eca", 32, Activation.HSWISH, true, 8),
                SyntheticTeacher.smallStudent("small-prelu", 32, Activation.PRELU, false, 8))) {
            for (double[][] basis : new double[][][] {basis(8, 12, 5), null}) {
                float[] batch = TestNets.randomInput(12, 32, 6);
                WeightInheritance.Plan plan = WeightInheritance.plan(student, teacher, basis);
                checkCalibration(student, plan, batch, Map.of());
            }
        }
    }

    /**
     * Calibrated to given statistics (the teacher's own, at its input size, and the projected
     * targets' for the embedding), every layer's output has them on the batch, in training mode
     * and frozen alike.
     */
    @Test
    void batchNormReachesTheTeachersStatisticsOnTheCalibrationBatch() {
        TeacherNet teacher = TeacherNet.parse(smallTeacher(2));
        NetworkConfig student = SyntheticTeacher.smallStudent("small-eca", 32, Activation.HSWISH, true, 8);
        double[][] basis = basis(8, 12, 5);
        WeightInheritance.Plan plan = WeightInheritance.plan(student, teacher, basis);
        Map<String, float[][]> stats = new LinkedHashMap<>(WeightInheritance.teacherStatistics(teacher, basis,
                TestNets.randomInput(12, 48, 6)));
        assertTrue(stats.keySet().containsAll(plan.copied()), "every inherited layer has the teacher's statistics: "
                + stats.keySet());
        assertEquals(3 + 2 + 3 * (3 + 1 + 2 + 1 + 2), stats.size(), "one entry per teacher layer: " + stats.keySet());
        Random random = new Random(8);
        List<float[]> targets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            targets.add(unit(random, 12));
        }
        float[][] projected = WeightInheritance.projectedStatistics(basis, targets);
        stats.put("head/embedding", projected);
        Map<String, float[]> values = checkCalibration(student, plan, TestNets.randomInput(12, 32, 6), stats);
        for (String layer : List.of("stem/conv", "stage1/block2/project", "head/gdconv", "head/embedding")) {
            assertEquals(stats.get(layer)[0][1], values.get(layer + "/bn/beta")[1], 1e-6, layer);
            assertEquals(stats.get(layer)[1][1], values.get(layer + "/bn/gamma")[1], 1e-6, layer);
        }
        // the projection of a target onto the basis, averaged by hand for one direction
        double mean = 0;
        for (float[] t : targets) {
            double z = 0;
            for (int j = 0; j < 12; j++) {
                z += basis[2][j] * t[j];
            }
            mean += z / targets.size();
        }
        assertEquals(mean, projected[0][2], 1e-6);
    }

    /** Calibrates, assigns and compares training mode and frozen graph with the teacher-equivalent network. */
    private static Map<String, float[]> checkCalibration(NetworkConfig student, WeightInheritance.Plan plan,
            float[] batch, Map<String, float[][]> stats) {
        int n = batch.length / (32 * 32 * 3);
        try (Graph g = new Graph(); Session session = new Session(g)) {
            Ops tf = Ops.create(g);
            TrainableWeights weights = new TrainableWeights(tf, 7);
            EcaMobileFaceNet net = new EcaMobileFaceNet(student, tf, weights);
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 32, 3)));
            Operand<TFloat32> out = net.l2Normalise(net.embed(in));
            session.initialize();
            Map<String, float[]> initial = Exporter.values(session, weights.variables());
            Map<String, float[]> calibrated = WeightInheritance.calibrate(student, initial, plan, batch, stats);
            WeightInheritance.assign(g, session, weights, calibrated);
            Map<String, float[]> values = Exporter.values(session, weights.variables());
            float[] expected = TestNets.embed(student, batch,
                    t -> new WeightInheritance.TeacherEquivalent(t, values, plan.biases(), stats));
            float[] training;
            try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, 32, 32, 3), DataBuffers.of(batch, true, false));
                 TFloat32 y = (TFloat32) session.runner().feed(in, x).fetch(out).run().get(0)) {
                training = new float[Math.toIntExact(y.shape().size())];
                y.copyTo(DataBuffers.of(training, false, false));
            }
            float[] frozen = TestNets.embed(student, batch, t -> new FrozenWeights(t, values));
            String what = student.name() + (plan.fresh().contains("head/embedding") ? "" : " with basis")
                    + (stats.isEmpty() ? "" : ", to statistics");
            assertTrue(maxAbsDiff(expected, training) < 2e-4, what + ": training mode differs by "
                    + maxAbsDiff(expected, training));
            assertTrue(maxAbsDiff(expected, frozen) < 2e-4, what + ": frozen differs by "
                    + maxAbsDiff(expected, frozen));
            // and it is not trivially so: the inherited convolutions are in place
            assertEquals(plan.values().get("stage1/block1/dw/w")[3], values.get("stage1/block1/dw/w")[3]);
            return values;
        }
    }

    @Test
    void missingOrUnreadableTeacherFailsClearly() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> TeacherNet.read(dir.resolve("none.tflite")));
        assertTrue(missing.getMessage().contains("does not exist") && missing.getMessage().contains("--teacher"),
                missing.getMessage());
        Path garbage = Files.write(dir.resolve("garbage.tflite"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        IOException unreadable = assertThrows(IOException.class, () -> TeacherNet.read(garbage));
        assertTrue(unreadable.getMessage().contains("not a readable TFLite model"), unreadable.getMessage());
    }

    @Test
    void teacherOfAnotherStructureFailsClearly() throws IOException {
        IllegalArgumentException noPrelu = assertThrows(IllegalArgumentException.class, () -> TeacherNet.parse(
                SyntheticTeacher.withoutStemPrelu(48, 8, SyntheticTeacher.smallStages(3, 2), 32, 12)));
        assertTrue(noPrelu.getMessage().contains("not a MobileFaceNet") && noPrelu.getMessage().contains("stem"),
                noPrelu.getMessage());

        // too few blocks in the first stage for the student
        TeacherNet shallow = TeacherNet.parse(SyntheticTeacher.mobileFaceNet(48, 8, SyntheticTeacher.smallStages(1, 2),
                32, 12, 1));
        NetworkConfig student = SyntheticTeacher.smallStudent("small", 32, Activation.HSWISH, true, 8);
        IllegalArgumentException unfit = assertThrows(IllegalArgumentException.class,
                () -> WeightInheritance.plan(student, shallow, null));
        assertTrue(unfit.getMessage().contains("does not fit student small") && unfit.getMessage().contains("2/8/1/2"),
                unfit.getMessage());
        // the real MobileFaceNet's channels are not the small student's
        if (Files.isRegularFile(REAL_TEACHER)) {
            IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                    () -> WeightInheritance.plan(student, TeacherNet.read(REAL_TEACHER), null));
            assertTrue(channels.getMessage().contains("does not fit"), channels.getMessage());
        }
        // another network altogether: MTCNN's O-Net
        Path onet = TFLITE_DIR.resolve("onet.tflite");
        if (Files.isRegularFile(onet)) {
            IOException other = assertThrows(IOException.class, () -> TeacherNet.read(onet));
            assertTrue(other.getMessage().contains("not a MobileFaceNet"), other.getMessage());
        }
    }

    /** A new run with --init teacher calibrates, validates at step 0, records init=teacher and refuses other inits on resume. */
    @Test
    void trainerInheritsOnANewRunAndRecordsIt() throws IOException {
        realTeacher();
        NetworkConfig tiny = NetworkConfig.of("tiny-mfn", 32, 1, 1, Activation.HSWISH, true, 16);
        FaceCache cache = cacheOf192();
        Path run = dir.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(cache, run, new Trainer.Settings(tiny, 2, 8, 0.001f, 1, 7, 2, 2, Trainer.Init.TEACHER, REAL_TEACHER),
                new PrintStream(log, true, StandardCharsets.UTF_8)).train();
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("initialised from teacher MobileFaceNet.tflite") && text.contains("validation at step 0"),
                text);
        String properties = Files.readString(run.resolve("run.properties"));
        assertTrue(properties.contains("init=teacher") && properties.contains("completed.steps=2"), properties);

        Trainer random = new Trainer(cache, run, new Trainer.Settings(tiny, 4, 8, 0.001f, 1, 7, 2, 2),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, random::train);
        assertTrue(e.getMessage().contains("init=teacher"), e.getMessage());
    }

    @Test
    void aMissingTeacherStopsANewRunBeforeItStarts() {
        NetworkConfig tiny = NetworkConfig.of("tiny-mfn", 32, 1, 1, Activation.HSWISH, true, 16);
        Path run = dir.resolve("run");
        Trainer t = new Trainer(cacheOf192(), run, new Trainer.Settings(tiny, 2, 8, 0.001f, 1, 7, 2, 2,
                Trainer.Init.TEACHER, dir.resolve("absent.tflite")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, t::train);
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(!Files.exists(run.resolve("run.properties")), "no run was started");
    }

    /** 48 synthetic faces of 8 people with 192-d targets, as the real cache has. */
    private static FaceCache cacheOf192() {
        FaceCache small = TrainerTest.syntheticCache();
        Random random = new Random(3);
        float[][] people = new float[8][];
        for (int p = 0; p < 8; p++) {
            people[p] = unit(random, 192);
        }
        List<FaceCache.Face> faces = new ArrayList<>();
        for (int i = 0; i < small.faces().size(); i++) {
            FaceCache.Face f = small.faces().get(i);
            float[] t = people[i % 8];
            faces.add(new FaceCache.Face(f.rgb(), t, t, f.group(), f.validation()));
        }
        return new FaceCache(small.size(), 192, faces);
    }

    private static Map<String, long[]> shapes(NetworkConfig config) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            TrainableWeights w = new TrainableWeights(tf, 1);
            new EcaMobileFaceNet(config, tf, w).embed(tf.placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, config.inputSize(), config.inputSize(), 3))));
            return new LinkedHashMap<>(w.shapes());
        }
    }

    /** Orthonormal rows from random vectors (principal directions of random unit vectors). */
    private static double[][] basis(int k, int d, long seed) {
        Random random = new Random(seed);
        List<float[]> v = new ArrayList<>();
        for (int i = 0; i < 4 * d; i++) {
            v.add(unit(random, d));
        }
        return WeightInheritance.principalDirections(v, d, k, null);
    }

    private static float[] unit(Random random, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) random.nextGaussian();
        }
        normalise(v, d);
        return v;
    }

    private static void normalise(float[] v, int d) {
        for (int from = 0; from < v.length; from += d) {
            double n = 0;
            for (int i = from; i < from + d; i++) {
                n += v[i] * v[i];
            }
            for (int i = from; i < from + d; i++) {
                v[i] /= (float) Math.sqrt(n);
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
