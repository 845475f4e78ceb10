package io.facegate.train;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * The training loop: seeded batches (epoch permutation from the seed, augmentation from seed and
 * step, so a resumed run sees the batches an uninterrupted one would), Adam with linear warm-up
 * and cosine decay to 1% of the rate, checkpoints and validation on the frozen (shipped) graph.
 * A run folder holds {@code run.properties} (settings and the last completed step), the
 * checkpoint and {@code log.tsv}; starting again on the same folder resumes.
 */
final class Trainer {
    /**
     * Training settings; all but {@code steps} must match when a run resumes.
     *
     * @param source the teacher's {@code .tflite} for {@link Init#TEACHER}, the earlier run's folder for
     *               {@link Init#RUN}, otherwise unused
     */
    record Settings(NetworkConfig config, int steps, int batch, float learningRate, int warmup, long seed,
            int checkpointEvery, int validateEvery, Init init, Path source, Calibration calibration) {
        Settings {
            if (steps < 1 || batch < 2 || learningRate <= 0 || warmup < 0 || checkpointEvery < 1 || validateEvery < 1) {
                throw new IllegalArgumentException("steps >= 1, batch >= 2, rate > 0, warm-up >= 0 and intervals >= 1 needed");
            }
            init = init == null ? Init.RANDOM : init;
            calibration = calibration == null ? Calibration.STATS : calibration;
            if (init == Init.TEACHER && source == null) {
                throw new IllegalArgumentException("initialising from the teacher needs the teacher model file");
            }
            if (init == Init.RUN && source == null) {
                throw new IllegalArgumentException("continuing an earlier run needs its folder (--from)");
            }
        }

        /** A run from random initialisation. */
        Settings(NetworkConfig config, int steps, int batch, float learningRate, int warmup, long seed,
                int checkpointEvery, int validateEvery) {
            this(config, steps, batch, learningRate, warmup, seed, checkpointEvery, validateEvery, Init.RANDOM, null);
        }

        /** Batch norm of an inherited student calibrated to the teacher's statistics. */
        Settings(NetworkConfig config, int steps, int batch, float learningRate, int warmup, long seed,
                int checkpointEvery, int validateEvery, Init init, Path source) {
            this(config, steps, batch, learningRate, warmup, seed, checkpointEvery, validateEvery, init, source,
                    Calibration.STATS);
        }
    }

    /**
     * How an inherited student's batch norm is set on the calibration faces (the embedding conv
     * is always matched to the projected targets' statistics).
     */
    enum Calibration {
        /**
         * every layer's output gets the per-channel mean and deviation the teacher's same layer
         * has on the same faces at its own input size (corrects the drift from the smaller input,
         * the dropped blocks and h-swish; the default)
         */
        STATS,
        /** every layer computes the teacher's {@code Wx + b} on the student's own inputs */
        BIAS;

        static Calibration parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "stats" -> STATS;
                case "bias" -> BIAS;
                default -> throw new IllegalArgumentException("--calibration must be stats or bias, not '" + s + "'");
            };
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * How a new run's student starts: seeded random values, inherited from the teacher
     * ({@link WeightInheritance}), or where an earlier run of the same network ended (its weights
     * and optimiser state, from its checkpoint): a further stage under a new schedule, such as a
     * lower rate, that leaves the earlier run's folder as it was.
     */
    enum Init {
        RANDOM, TEACHER, RUN;

        static Init parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "random" -> RANDOM;
                case "teacher" -> TEACHER;
                case "run" -> RUN;
                default -> throw new IllegalArgumentException("--init must be random, teacher or run, not '" + s + "'");
            };
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Faces the inherited batch norm is calibrated on (training split, no augmentation). */
    static final int CALIBRATION_FACES = 256;

    /**
     * Validation of the frozen student: similarity agreement with the teacher, rank-1 of labelled
     * faces, the cosine threshold that best separates same-identity from different-identity pairs
     * (balanced accuracy: mean of the two rates, as different pairs far outnumber same ones), and the
     * stricter threshold a door wants: the lowest at which at most {@link #GATE_FAR} of the
     * different-identity pairs are accepted, with the share of same pairs still accepted there.
     */
    record Validation(double similarityMse, double rank1, double teacherRank1, int faces, double threshold,
            double balancedAccuracy, double gateThreshold, double gateAcceptRate) {
    }

    /** False accept rate on validation pairs that the recommended (gate) threshold allows. */
    static final double GATE_FAR = 0.01;

    private final FaceCache cache;
    private final Path run;
    private final Settings settings;
    private final PrintStream log;

    Trainer(FaceCache cache, Path run, Settings settings, PrintStream log) {
        this.cache = cache;
        this.run = run;
        this.settings = settings;
        this.log = log;
    }

    /** Trains to {@code settings.steps()}, resuming from the run folder's checkpoint if there is one. */
    Validation train() throws IOException {
        return train(settings.steps());
    }

    /**
     * Trains up to step {@code stopAt} of the schedule (a session's share of a longer run), then
     * checkpoints; the next call on the same run folder continues from there.
     */
    Validation train(int stopAt) throws IOException {
        int end = Math.min(stopAt, settings.steps());
        List<FaceCache.Face> train = cache.split(false);
        if (train.size() < settings.batch()) {
            throw new IOException("only " + train.size() + " training faces for a batch of " + settings.batch());
        }
        int done = resumeStep();
        TeacherNet teacher = null;
        if (done == 0 && settings.init() == Init.TEACHER) {
            teacher = TeacherNet.read(settings.source()); // before anything is written: a bad file leaves no run
            if (teacher.dims() != cache.dims()) {
                throw new IOException("teacher " + settings.source() + " gives " + teacher.dims() + "-d embeddings, the"
                        + " cache's targets are " + cache.dims() + "-d: not the teacher the cache was made with");
            }
        }
        int sourceSteps = done == 0 && settings.init() == Init.RUN ? checkSource() : 0;
        Files.createDirectories(run.resolve("checkpoint"));
        NetworkConfig config = settings.config();
        int s = config.inputSize();
        int perEpoch = train.size() / settings.batch();
        Validation last = null;
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "facegate-train-batches");
            t.setDaemon(true);
            return t;
        });
        try (Graph graph = new Graph()) {
            TrainingGraph g = new TrainingGraph(graph, config, cache.dims(), settings.seed());
            try (Session session = new Session(graph)) {
                if (done > 0) {
                    session.restore(checkpointPrefix());
                    log.printf("resumed %s at step %d of %d%n", run, done, settings.steps());
                } else {
                    session.initialize();
                    log.printf("training %s: %d trainable student parameters, %d faces (%d steps per epoch), %d steps%n",
                            config.name(), config.parameterCount(), train.size(), perEpoch, settings.steps());
                    if (teacher != null) {
                        inherit(graph, session, g, teacher, train);
                    } else if (settings.init() == Init.RUN) {
                        session.restore(settings.source().resolve("checkpoint").resolve("ckpt").toString());
                        log.printf("continuing from %s at its step %d%n", settings.source(), sourceSteps);
                    }
                    if (settings.init() != Init.RANDOM) {
                        last = validate(Exporter.values(session, g.studentVariables()));
                        logValidation(0, last);
                    }
                }
                Future<Batch> next = loader.submit(() -> batch(train, done, perEpoch));
                double embSum = 0;
                double simSum = 0;
                int window = 0;
                long windowStart = System.nanoTime();
                for (int step = done; step < end; step++) {
                    Batch batch = get(next);
                    int following = step + 1;
                    if (following < end) {
                        next = loader.submit(() -> batch(train, following, perEpoch));
                    }
                    float[] losses = step(session, g, batch, step, s);
                    embSum += losses[0];
                    simSum += losses[1];
                    window++;
                    int completed = step + 1;
                    if (completed % 20 == 0 || completed == end) {
                        double seconds = (System.nanoTime() - windowStart) / 1e9;
                        log.printf("step %d/%d epoch %.2f  loss %.4f (embedding %.4f, similarity %.5f)  lr %.2e  %.1f faces/s%n",
                                completed, settings.steps(), (double) completed / perEpoch,
                                (embSum + TrainingGraph.SIMILARITY_WEIGHT * simSum) / window, embSum / window,
                                simSum / window, rate(step), window * settings.batch() / seconds);
                        appendLog(completed, embSum / window, simSum / window, null);
                        embSum = 0;
                        simSum = 0;
                        window = 0;
                        windowStart = System.nanoTime();
                    }
                    if (completed % settings.checkpointEvery() == 0 || completed == end) {
                        checkpoint(session, completed);
                    }
                    if (completed % settings.validateEvery() == 0 || completed == end) {
                        last = validate(Exporter.values(session, g.studentVariables()));
                        logValidation(completed, last);
                    }
                }
                if (done >= end && last == null) {
                    last = validate(Exporter.values(session, g.studentVariables()));
                }
            }
        } finally {
            loader.shutdownNow();
        }
        return last;
    }

    private void logValidation(int step, Validation v) throws IOException {
        log.printf("validation at step %d: similarity MSE %.5f, rank-1 %.2f%% (teacher %.2f%%) on %d faces;"
                + " pairs %.2f%% at threshold %.3f%n", step, v.similarityMse(), 100 * v.rank1(),
                100 * v.teacherRank1(), v.faces(), 100 * v.balancedAccuracy(), v.threshold());
        appendLog(step, Double.NaN, Double.NaN, v);
    }

    /**
     * Replaces the fresh random initialisation with the teacher's weights: the embedding conv and
     * training head from the top principal directions of the training targets, batch norm
     * calibrated on {@link #CALIBRATION_FACES} training faces (seeded choice, no augmentation).
     */
    private void inherit(Graph graph, Session session, TrainingGraph g, TeacherNet teacher, List<FaceCache.Face> train) {
        long start = System.nanoTime();
        NetworkConfig config = settings.config();
        List<float[]> targets = new ArrayList<>(2 * train.size());
        for (FaceCache.Face f : train) {
            targets.add(f.target());
            targets.add(f.flippedTarget());
        }
        double[] energy = new double[1];
        double[][] basis = WeightInheritance.principalDirections(targets, cache.dims(), config.embeddingSize(), energy);
        WeightInheritance.Plan plan = WeightInheritance.plan(config, teacher, basis);
        List<FaceCache.Face> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, new Random(settings.seed() * 17 + 5));
        int n = Math.min(CALIBRATION_FACES, shuffled.size());
        int s = config.inputSize();
        float[] batch = new float[n * s * s * 3];
        for (int i = 0; i < n; i++) {
            Augment.render(shuffled.get(i).rgb(), cache.size(), s, Augment.Draw.NONE, batch, i * s * s * 3);
        }
        List<float[]> calibrationTargets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calibrationTargets.add(shuffled.get(i).target());
        }
        Map<String, float[][]> statistics = new java.util.LinkedHashMap<>();
        if (settings.calibration() == Calibration.STATS) {
            int t = teacher.inputSize;
            float[] teacherBatch = new float[n * t * t * 3];
            for (int i = 0; i < n; i++) {
                Augment.render(shuffled.get(i).rgb(), cache.size(), t, Augment.Draw.NONE, teacherBatch, i * t * t * 3);
            }
            statistics.putAll(WeightInheritance.teacherStatistics(teacher, basis, teacherBatch));
        }
        statistics.put("head/embedding", WeightInheritance.projectedStatistics(basis, calibrationTargets));
        Map<String, float[]> values = WeightInheritance.calibrate(config, Exporter.values(session, g.weights.variables()),
                plan, batch, statistics);
        WeightInheritance.assign(graph, session, g.weights, values);
        log.printf("initialised from teacher %s (%s): %d layers inherited, fresh: %s; embedding on the top %d principal"
                + " directions of the targets (%.2f%% of their energy); batch norm calibrated (%s) on %d faces (%.0f s)%n",
                settings.source().getFileName(), teacher.describe(), plan.copied().size(),
                plan.fresh().isEmpty() ? "none" : String.join(", ", plan.fresh()), config.embeddingSize(),
                100 * energy[0], settings.calibration() == Calibration.STATS ? "to the teacher's statistics"
                        : "to reproduce the teacher's biases", n, (System.nanoTime() - start) / 1e9);
    }

    /** The trained student's variables from the run's last checkpoint. */
    static Map<String, float[]> restore(Path run, NetworkConfig config, int teacherDims, long seed) throws IOException {
        if (!Files.isRegularFile(run.resolve("run.properties"))) {
            throw new IOException("no training run in " + run);
        }
        try (Graph graph = new Graph()) {
            TrainingGraph g = new TrainingGraph(graph, config, teacherDims, seed);
            try (Session session = new Session(graph)) {
                session.restore(run.resolve("checkpoint").resolve("ckpt").toString());
                return Exporter.values(session, g.studentVariables());
            }
        }
    }

    private float[] step(Session session, TrainingGraph g, Batch batch, int step, int s) {
        int n = batch.targets().length / cache.dims();
        try (TFloat32 input = TFloat32.tensorOf(Shape.of(n, s, s, 3), DataBuffers.of(batch.input(), true, false));
             TFloat32 targets = TFloat32.tensorOf(Shape.of(n, cache.dims()), DataBuffers.of(batch.targets(), true, false));
             TFloat32 lr = TFloat32.scalarOf(rate(step));
             TFloat32 b1 = TFloat32.scalarOf((float) Math.pow(ScheduledAdam.BETA1, step + 1));
             TFloat32 b2 = TFloat32.scalarOf((float) Math.pow(ScheduledAdam.BETA2, step + 1))) {
            Session.Runner runner = session.runner().feed(g.input, input).feed(g.targets, targets)
                    .feed(g.optimizer.learningRate, lr).feed(g.optimizer.beta1Power, b1)
                    .feed(g.optimizer.beta2Power, b2).addTarget(g.train);
            for (Op update : g.statisticUpdates) {
                runner.addTarget(update);
            }
            try (Result r = runner.fetch(g.embeddingLoss).fetch(g.similarityLoss).run()) {
                float emb = ((TFloat32) r.get(0)).getFloat();
                float sim = ((TFloat32) r.get(1)).getFloat();
                if (!Float.isFinite(emb) || !Float.isFinite(sim)) {
                    throw new IllegalStateException("loss is not finite at step " + step + " (lower the learning rate)");
                }
                return new float[] {emb, sim};
            }
        }
    }

    /** Linear warm-up, then cosine decay from the rate to 1% of it at the last step. */
    float rate(int step) {
        float base = settings.learningRate();
        if (step < settings.warmup()) {
            return base * (step + 1) / settings.warmup();
        }
        double progress = (double) (step - settings.warmup()) / Math.max(1, settings.steps() - settings.warmup());
        return (float) (base * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
    }

    record Batch(float[] input, float[] targets) {
    }

    /** The batch of a step: a function of seed and step only. */
    Batch batch(List<FaceCache.Face> train, int step, int perEpoch) {
        int epoch = step / perEpoch;
        List<Integer> order = new ArrayList<>(train.size());
        for (int i = 0; i < train.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(settings.seed() * 31 + epoch));
        int s = settings.config().inputSize();
        int d = cache.dims();
        int b = settings.batch();
        float[] input = new float[b * s * s * 3];
        float[] targets = new float[b * d];
        Random random = new Random(settings.seed() * 1_000_003L + step);
        int first = (step % perEpoch) * b;
        for (int i = 0; i < b; i++) {
            FaceCache.Face face = train.get(order.get(first + i));
            Augment.Draw draw = Augment.Draw.random(random);
            Augment.render(face.rgb(), cache.size(), s, draw, input, i * s * s * 3);
            System.arraycopy(draw.flipped() ? face.flippedTarget() : face.target(), 0, targets, i * d, d);
        }
        return new Batch(input, targets);
    }

    Validation validate(Map<String, float[]> values) {
        List<FaceCache.Face> faces = cache.split(true);
        NetworkConfig config = settings.config();
        int s = config.inputSize();
        int e = config.embeddingSize();
        float[] student = new float[faces.size() * e];
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Exporter.Frozen frozen = Exporter.freeze(graph, config, values);
            for (int from = 0; from < faces.size(); from += 64) {
                int n = Math.min(64, faces.size() - from);
                float[] input = new float[n * s * s * 3];
                for (int i = 0; i < n; i++) {
                    Augment.render(faces.get(from + i).rgb(), cache.size(), s, Augment.Draw.NONE, input, i * s * s * 3);
                }
                System.arraycopy(Exporter.run(session, frozen, input, s), 0, student, from * e, n * e);
            }
        }
        float[] teacher = new float[faces.size() * cache.dims()];
        int[] groups = new int[faces.size()];
        for (int i = 0; i < faces.size(); i++) {
            System.arraycopy(faces.get(i).target(), 0, teacher, i * cache.dims(), cache.dims());
            groups[i] = faces.get(i).group();
        }
        double mse = 0;
        long pairs = 0;
        for (int i = 0; i < faces.size(); i++) {
            for (int j = i + 1; j < faces.size(); j++) {
                double diff = dot(student, i, j, e) - dot(teacher, i, j, cache.dims());
                mse += diff * diff;
                pairs++;
            }
        }
        double[] threshold = bestThreshold(student, e, groups);
        double[] gate = thresholdAtFalseAcceptRate(student, e, groups, GATE_FAR);
        return new Validation(pairs == 0 ? Double.NaN : mse / pairs, rank1(student, e, groups),
                rank1(teacher, cache.dims(), groups), faces.size(), threshold[0], threshold[1], gate[0], gate[1]);
    }

    /**
     * @return {threshold, same-pair acceptance}: the lowest cosine at which at most {@code far} of
     *         the different-identity pairs of labelled faces score at or above it
     */
    static double[] thresholdAtFalseAcceptRate(float[] vectors, int d, int[] groups, double far) {
        List<Double> different = new ArrayList<>();
        List<Double> same = new ArrayList<>();
        for (int i = 0; i < groups.length; i++) {
            for (int j = i + 1; j < groups.length; j++) {
                if (groups[i] >= 0 && groups[j] >= 0) {
                    (groups[i] == groups[j] ? same : different).add(dot(vectors, i, j, d));
                }
            }
        }
        if (same.isEmpty() || different.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        different.sort(Collections.reverseOrder());
        int allowed = (int) Math.floor(far * different.size());
        // just above the first different pair that must be rejected
        double threshold = Math.nextUp(different.get(Math.min(allowed, different.size() - 1)));
        long accepted = same.stream().filter(s -> s >= threshold).count();
        return new double[] {threshold, (double) accepted / same.size()};
    }

    /**
     * @return {threshold, balanced accuracy} over all pairs of labelled faces: the cosine that
     *         maximises the mean of the same-pair acceptance and different-pair rejection rates
     */
    static double[] bestThreshold(float[] vectors, int d, int[] groups) {
        List<double[]> scored = new ArrayList<>(); // {cosine, same ? 1 : 0}
        int same = 0;
        for (int i = 0; i < groups.length; i++) {
            for (int j = i + 1; j < groups.length; j++) {
                if (groups[i] >= 0 && groups[j] >= 0) {
                    boolean match = groups[i] == groups[j];
                    scored.add(new double[] {dot(vectors, i, j, d), match ? 1 : 0});
                    same += match ? 1 : 0;
                }
            }
        }
        int different = scored.size() - same;
        if (same == 0 || different == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        scored.sort((a, b) -> Double.compare(b[0], a[0])); // descending cosine
        double best = -1;
        double bestThreshold = Double.NaN;
        int acceptedSame = 0;
        int acceptedDifferent = 0;
        for (int k = 0; k < scored.size(); k++) {
            if (scored.get(k)[1] == 1) {
                acceptedSame++;
            } else {
                acceptedDifferent++;
            }
            double balanced = ((double) acceptedSame / same + 1 - (double) acceptedDifferent / different) / 2;
            if (balanced > best) {
                best = balanced;
                // halfway to the next score: accepts exactly the first k + 1 pairs
                bestThreshold = k + 1 < scored.size() ? (scored.get(k)[0] + scored.get(k + 1)[0]) / 2 : scored.get(k)[0];
            }
        }
        return new double[] {bestThreshold, best};
    }

    /** Leave-one-out nearest neighbour among labelled faces whose identity has another face. */
    static double rank1(float[] vectors, int d, int[] groups) {
        int probes = 0;
        int hits = 0;
        for (int i = 0; i < groups.length; i++) {
            if (groups[i] < 0) {
                continue;
            }
            int best = -1;
            double bestSim = Double.NEGATIVE_INFINITY;
            boolean hasMate = false;
            for (int j = 0; j < groups.length; j++) {
                if (j == i || groups[j] < 0) {
                    continue;
                }
                hasMate |= groups[j] == groups[i];
                double sim = dot(vectors, i, j, d);
                if (sim > bestSim) {
                    bestSim = sim;
                    best = j;
                }
            }
            if (hasMate) {
                probes++;
                hits += groups[best] == groups[i] ? 1 : 0;
            }
        }
        return probes == 0 ? Double.NaN : (double) hits / probes;
    }

    private static double dot(float[] v, int i, int j, int d) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
            sum += v[i * d + k] * v[j * d + k];
        }
        return sum;
    }

    private static <T> T get(Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("could not build a batch: " + e.getCause(), e.getCause());
        }
    }

    private String checkpointPrefix() {
        return run.resolve("checkpoint").resolve("ckpt").toString();
    }

    /** Saves the variables, then records the step: a run cut between the two resumes from the older step. */
    private void checkpoint(Session session, int completed) throws IOException {
        session.save(checkpointPrefix());
        Properties p = settingsProperties();
        p.setProperty("completed.steps", Integer.toString(completed));
        Path tmp = run.resolve("run.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "facegate-train run");
        }
        Files.move(tmp, run.resolve("run.properties"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Properties settingsProperties() {
        Properties p = new Properties();
        p.setProperty("variant", settings.config().name());
        p.setProperty("steps", Integer.toString(settings.steps()));
        p.setProperty("batch", Integer.toString(settings.batch()));
        p.setProperty("learning.rate", Float.toString(settings.learningRate()));
        p.setProperty("warmup", Integer.toString(settings.warmup()));
        p.setProperty("seed", Long.toString(settings.seed()));
        p.setProperty("faces", Integer.toString(cache.faces().size()));
        p.setProperty("init", settings.init().key());
        if (settings.init() == Init.TEACHER) {
            p.setProperty("init.teacher", settings.source().getFileName().toString());
            p.setProperty("init.calibration", settings.calibration().key());
        } else if (settings.init() == Init.RUN) {
            p.setProperty("init.run", settings.source().toAbsolutePath().normalize().toString());
        }
        return p;
    }

    /**
     * The earlier run a new {@link Init#RUN} run starts from must hold a checkpoint of the same
     * network on the same faces.
     *
     * @return its completed steps
     */
    private int checkSource() throws IOException {
        Path file = settings.source().resolve("run.properties");
        if (!Files.isRegularFile(file)) {
            throw new IOException("no training run to continue from in " + settings.source());
        }
        Properties old = readProperties(file);
        Properties now = settingsProperties();
        for (String key : List.of("variant", "faces")) {
            if (!now.getProperty(key).equals(old.getProperty(key))) {
                throw new IOException(settings.source() + " holds a run with " + key + "=" + old.getProperty(key)
                        + ", not " + now.getProperty(key) + ": it cannot be continued as this one");
            }
        }
        return Integer.parseInt(old.getProperty("completed.steps", "0"));
    }

    /** 0 for a new run; the completed steps of a matching earlier run; an error for a different one. */
    private int resumeStep() throws IOException {
        Path file = run.resolve("run.properties");
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        Properties old = readProperties(file);
        Properties now = settingsProperties();
        old.putIfAbsent("init", Init.RANDOM.key()); // runs from before --init started at random
        for (String key : List.of("variant", "batch", "learning.rate", "warmup", "seed", "faces", "init")) {
            if (!now.getProperty(key).equals(old.getProperty(key))) {
                throw new IOException(run + " holds a run with " + key + "=" + old.getProperty(key) + ", not "
                        + now.getProperty(key) + "; use another --run folder");
            }
        }
        return Integer.parseInt(old.getProperty("completed.steps", "0"));
    }

    private static Properties readProperties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }

    private void appendLog(int step, double emb, double sim, Validation v) throws IOException {
        Path file = run.resolve("log.tsv");
        if (!Files.exists(file)) {
            Files.writeString(file, "step\tembedding_loss\tsimilarity_loss\tval_similarity_mse\tval_rank1\tteacher_rank1\tval_threshold\tval_pair_accuracy\n");
        }
        String line = step + "\t" + fmt(emb) + "\t" + fmt(sim) + "\t" + (v == null ? "" : fmt(v.similarityMse())) + "\t"
                + (v == null ? "" : fmt(v.rank1())) + "\t" + (v == null ? "" : fmt(v.teacherRank1())) + "\t"
                + (v == null ? "" : fmt(v.threshold())) + "\t" + (v == null ? "" : fmt(v.balancedAccuracy())) + "\n";
        Files.writeString(file, line, StandardOpenOption.APPEND);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.6f", v);
    }
}
