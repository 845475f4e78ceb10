package io.facegate.train;

import io.facegate.train.NetworkConfig.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Weight inheritance: a student initialised from the teacher MobileFaceNet instead of at random.
 *
 * <p>{@link #plan} maps the teacher's layers onto the student's variables: the stem; block k of
 * each student stage from block k of the same teacher stage (the student has fewer blocks: the
 * first ones); the conv1x1 before the global depthwise conv; the global depthwise kernel
 * resampled by area to the student's feature map (per-channel sums kept); PReLU slopes where the
 * student has PReLU. The teacher's linear 1x1 conv after its stem depthwise conv is folded into
 * the first expand conv (no activation lies between). With a basis of principal directions of the
 * teacher embeddings, the embedding conv is the teacher's linear tail (global depthwise conv
 * output -> 192-d) projected onto them and the training head maps back; without one both stay
 * random. ECA kernels keep their own initialisation.
 *
 * <p>The teacher folded batch norm into conv biases; the student has conv + batch norm on batch
 * statistics. {@link #calibrate} runs the teacher-equivalent network (the student's architecture
 * and activations, the inherited convs plus the teacher's biases) over one batch and sets each
 * inherited layer's batch norm so that {@code BN(Wx) = Wx + b} on that batch: moving mean and
 * variance are the batch's mean and (population) variance of {@code Wx}, {@code gamma =
 * sqrt(variance + eps)}, {@code beta = mean + b}. Folded for export that is scale 1 and bias
 * {@code b} exactly, so the frozen student is the teacher-equivalent network on any input.
 *
 * <p>The default calibration (what {@code train --init teacher} does) instead gives each layer's
 * output the per-channel mean and deviation the teacher's same layer has on the same faces at
 * the teacher's input size ({@link #teacherStatistics}): the student's inputs drift from the
 * teacher's (smaller input, dropped blocks, h-swish for PReLU) and every layer then sees the
 * distribution its inherited weights were trained on again. In both, the embedding conv gets
 * the statistics of the targets projected onto the basis ({@link #projectedStatistics}); its
 * teacher-equivalent output carries a large common offset that makes all embeddings nearly
 * parallel (similarity error 0.93 at step 0 on eca96, and training did not leave that state).
 */
final class WeightInheritance {

    /**
     * @param values  variable name to inherited values (conv filters, PReLU slopes, training head)
     * @param biases  batch-normalised layer name to the bias the teacher adds after its conv
     * @param copied  layers (by name) whose conv comes from the teacher
     * @param fresh   layers that keep their own initialisation
     */
    record Plan(Map<String, float[]> values, Map<String, float[]> biases, List<String> copied, List<String> fresh) {
    }

    private WeightInheritance() {
    }

    /**
     * @param basis principal directions of the teacher embeddings, {@code [embeddingSize][teacher dims]}
     *              (orthonormal rows), or null to leave the embedding conv and training head random
     * @throws IllegalArgumentException if the teacher's stage table does not fit the student's
     */
    static Plan plan(NetworkConfig student, TeacherNet teacher, double[][] basis) {
        checkCompatible(student, teacher);
        Plan plan = new Plan(new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
        copy(plan, "stem/conv", teacher.stemConv, true);
        copy(plan, "stem/dw", teacher.stemDw, true);
        boolean bottleneckPrelu = student.activation() == Activation.PRELU;
        int in = student.stemChannels();
        for (int s = 0; s < student.stages().size(); s++) {
            NetworkConfig.Stage stage = student.stages().get(s);
            for (int b = 0; b < stage.repeats(); b++) {
                TeacherNet.Block t = teacher.stages.get(s).blocks().get(b);
                String name = "stage" + (s + 1) + "/block" + (b + 1);
                boolean studentResidual = (b == 0 ? stage.stride() : 1) == 1 && in == stage.channels();
                if (studentResidual != t.residual()) {
                    throw new IllegalArgumentException("teacher block " + (b + 1) + " of stage " + (s + 1)
                            + (t.residual() ? " has" : " lacks") + " the residual add the student's "
                            + (studentResidual ? "has" : "lacks"));
                }
                if (s == 0 && b == 0 && teacher.stemPointwise != null) {
                    copyFolded(plan, name + "/expand", teacher.stemPointwise, t.expand(), bottleneckPrelu);
                } else {
                    copy(plan, name + "/expand", t.expand(), bottleneckPrelu);
                }
                copy(plan, name + "/dw", t.dw(), bottleneckPrelu);
                if (stage.eca()) {
                    plan.fresh().add(name + "/eca");
                }
                copy(plan, name + "/project", t.project(), false);
                in = stage.channels();
            }
        }
        copy(plan, "head/conv", teacher.headConv, true);
        int map = student.featureMapSize();
        float[] gd = resampleDepthwise(teacher.gdconv.weights, teacher.gdconv.kernel, teacher.gdconv.out, map);
        plan.values().put("head/gdconv/w", gd);
        plan.biases().put("head/gdconv", teacher.gdconv.bias.clone());
        plan.copied().add("head/gdconv");
        if (basis != null) {
            embedding(plan, student, teacher, basis);
        } else {
            plan.fresh().add("head/embedding");
        }
        return plan;
    }

    private static void checkCompatible(NetworkConfig student, TeacherNet teacher) {
        List<NetworkConfig.Stage> s = student.stages();
        boolean fits = s.size() == teacher.stages.size() && student.stemChannels() == teacher.stemConv.out
                && student.featureChannels() == teacher.headConv.out;
        for (int i = 0; fits && i < s.size(); i++) {
            TeacherNet.Stage t = teacher.stages.get(i);
            fits = s.get(i).expansion() == t.expansion() && s.get(i).channels() == t.channels()
                    && s.get(i).stride() == t.stride() && s.get(i).repeats() <= t.blocks().size();
        }
        if (!fits) {
            StringBuilder want = new StringBuilder();
            for (NetworkConfig.Stage stage : s) {
                want.append(' ').append(stage.expansion()).append('/').append(stage.channels()).append('/')
                        .append(stage.repeats()).append('/').append(stage.stride());
            }
            throw new IllegalArgumentException("the teacher (" + teacher.describe() + ") does not fit student "
                    + student.name() + " (stem " + student.stemChannels() + ", stages t/c/n/s" + want + ", conv1x1 "
                    + student.featureChannels() + "): stem, conv1x1 and every stage's t, c and s must match, with at"
                    + " least as many teacher blocks");
        }
    }

    private static void copy(Plan plan, String name, TeacherNet.Layer layer, boolean prelu) {
        plan.values().put(name + "/w", layer.weights.clone());
        plan.biases().put(name, layer.bias.clone());
        if (prelu) {
            plan.values().put(name + "/prelu", layer.slopes.clone());
        }
        plan.copied().add(name);
    }

    /** {@code expand(pointwise(x))}: both 1x1 convs, no activation between, as one. */
    private static void copyFolded(Plan plan, String name, TeacherNet.Layer pointwise, TeacherNet.Layer expand,
            boolean prelu) {
        int c = pointwise.in;
        int mid = pointwise.out;
        int out = expand.out;
        float[] w = new float[c * out];
        float[] bias = expand.bias.clone();
        for (int o = 0; o < out; o++) {
            for (int m = 0; m < mid; m++) {
                float e = expand.weights[m * out + o];
                bias[o] += e * pointwise.bias[m];
                for (int i = 0; i < c; i++) {
                    w[i * out + o] += pointwise.weights[i * mid + m] * e;
                }
            }
        }
        plan.values().put(name + "/w", w);
        plan.biases().put(name, bias);
        if (prelu) {
            plan.values().put(name + "/prelu", expand.slopes.clone());
        }
        plan.copied().add(name);
    }

    /** Embedding conv {@code U A}, bias {@code U c} for the teacher's tail {@code A y + c}; head {@code U^T}. */
    private static void embedding(Plan plan, NetworkConfig student, TeacherNet teacher, double[][] basis) {
        int e = student.embeddingSize();
        int dims = teacher.dims();
        int features = student.featureChannels();
        if (basis.length != e || basis[0].length != dims) {
            throw new IllegalArgumentException("a basis of " + e + " directions in the teacher's " + dims
                    + "-d space is needed, got " + basis.length + "x" + basis[0].length);
        }
        float[] w = new float[features * e];
        float[] bias = new float[e];
        float[] head = new float[e * dims];
        for (int r = 0; r < e; r++) {
            double b = 0;
            for (int j = 0; j < dims; j++) {
                double u = basis[r][j];
                b += u * teacher.tailBias[j];
                double[] row = teacher.tail[j];
                for (int f = 0; f < features; f++) {
                    w[f * e + r] += (float) (u * row[f]);
                }
                head[r * dims + j] = (float) u;
            }
            bias[r] = (float) b;
        }
        plan.values().put("head/embedding/w", w);
        plan.biases().put("head/embedding", bias);
        plan.copied().add("head/embedding");
        plan.values().put("distill/head/w", head);
    }

    /**
     * Resamples a depthwise kernel {@code [k, k, C, 1]} to {@code [m, m, C, 1]} by area: both grids
     * span the same face, each new cell takes the old cells' weights in proportion to overlap, so
     * every channel's sum is kept (a constant feature map gives the same output).
     */
    static float[] resampleDepthwise(float[] kernel, int k, int channels, int m) {
        double[][] r = areaWeights(k, m);
        float[] out = new float[m * m * channels];
        for (int y = 0; y < m; y++) {
            for (int x = 0; x < m; x++) {
                for (int ty = 0; ty < k; ty++) {
                    if (r[y][ty] == 0) {
                        continue;
                    }
                    for (int tx = 0; tx < k; tx++) {
                        double f = r[y][ty] * r[x][tx];
                        if (f == 0) {
                            continue;
                        }
                        int from = (ty * k + tx) * channels;
                        int to = (y * m + x) * channels;
                        for (int c = 0; c < channels; c++) {
                            out[to + c] += (float) (f * kernel[from + c]);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** {@code r[j][i]}: share of old cell i (of k over [0, 1]) inside new cell j (of m); columns sum to 1. */
    private static double[][] areaWeights(int k, int m) {
        double[][] r = new double[m][k];
        for (int j = 0; j < m; j++) {
            for (int i = 0; i < k; i++) {
                double overlap = Math.min((j + 1.0) / m, (i + 1.0) / k) - Math.max((double) j / m, (double) i / k);
                r[j][i] = Math.max(0, overlap) * k;
            }
        }
        return r;
    }

    /**
     * The top {@code k} principal directions (uncentred: the directions that keep most of the dot
     * products) of unit vectors, as orthonormal rows {@code [k][d]}, and the share of the energy
     * they hold in {@code energy[0]} if given.
     */
    static double[][] principalDirections(List<float[]> vectors, int d, int k, double[] energy) {
        if (k > d) {
            throw new IllegalArgumentException(k + " directions in a " + d + "-d space");
        }
        double[][] m = new double[d][d];
        for (float[] v : vectors) {
            for (int i = 0; i < d; i++) {
                double vi = v[i];
                double[] row = m[i];
                for (int j = i; j < d; j++) {
                    row[j] += vi * v[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                m[i][j] /= Math.max(1, vectors.size());
                m[j][i] = m[i][j];
            }
        }
        double trace = 0;
        for (int i = 0; i < d; i++) {
            trace += m[i][i];
        }
        double[][] vectorsOut = new double[d][d];
        double[] values = jacobi(m, vectorsOut);
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] basis = new double[k][d];
        double kept = 0;
        for (int r = 0; r < k; r++) {
            int c = order[r];
            kept += values[c];
            int largest = 0;
            for (int i = 0; i < d; i++) {
                basis[r][i] = vectorsOut[i][c];
                if (Math.abs(basis[r][i]) > Math.abs(basis[r][largest])) {
                    largest = i;
                }
            }
            if (basis[r][largest] < 0) { // a fixed sign: the same data gives the same basis
                for (int i = 0; i < d; i++) {
                    basis[r][i] = -basis[r][i];
                }
            }
        }
        if (energy != null && energy.length > 0) {
            energy[0] = trace > 0 ? kept / trace : Double.NaN;
        }
        return basis;
    }

    /** Cyclic Jacobi eigen-decomposition of a symmetric matrix (destroyed); eigenvectors as columns. */
    private static double[] jacobi(double[][] a, double[][] v) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            Arrays.fill(v[i], 0);
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double sq = a[i][j] * a[i][j];
                    total += sq;
                    if (i != j) {
                        off += sq;
                    }
                }
            }
            if (off <= 1e-24 * Math.max(total, 1e-300)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int r = 0; r < n; r++) { // columns p and q
                        double arp = a[r][p];
                        double arq = a[r][q];
                        a[r][p] = c * arp - s * arq;
                        a[r][q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < n; r++) { // rows p and q
                        double apr = a[p][r];
                        double aqr = a[q][r];
                        a[p][r] = c * apr - s * aqr;
                        a[q][r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < n; r++) {
                        double vrp = v[r][p];
                        double vrq = v[r][q];
                        v[r][p] = c * vrp - s * vrq;
                        v[r][q] = s * vrp + c * vrq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return values;
    }

    /**
     * Values for the plan's variables and every batch-norm variable, computed on one batch: see the
     * class comment. Layers the teacher does not give keep their scale and offset and get the
     * batch's statistics as moving averages.
     *
     * @param initial every variable's current value (the random initialisation); the training head
     *                is inherited only if it is among them
     * @param batch   normalised faces {@code [n, size, size, 3]}
     * @return the variables to assign
     */
    static Map<String, float[]> calibrate(NetworkConfig config, Map<String, float[]> initial, Plan plan, float[] batch) {
        return calibrate(config, initial, plan, batch, Map.of());
    }

    /**
     * As {@link #calibrate(NetworkConfig, Map, Plan, float[])}, but the layers in {@code targets}
     * get the given output statistics instead: {@code gamma} the target standard deviation,
     * {@code beta} the target mean, so that on the batch each channel of {@code BN(Wx)} has them.
     *
     * @param targets layer name to {@code {mean[], std[]}} per output channel
     */
    static Map<String, float[]> calibrate(NetworkConfig config, Map<String, float[]> initial, Plan plan, float[] batch,
            Map<String, float[][]> targets) {
        Map<String, float[]> merged = new LinkedHashMap<>(initial);
        Map<String, float[]> assign = new LinkedHashMap<>();
        plan.values().forEach((name, v) -> {
            float[] old = initial.get(name);
            if (old == null && name.startsWith("distill/")) {
                return; // the training head, where the graph has one
            }
            if (old == null) {
                throw new IllegalArgumentException("the student " + config.name() + " has no variable " + name);
            }
            if (old.length != v.length) {
                throw new IllegalArgumentException("inherited " + name + " has " + v.length + " values, the student's"
                        + " variable " + old.length);
            }
            merged.put(name, v);
            assign.put(name, v);
        });
        for (Map.Entry<String, float[][]> e : moments(config, batch,
                tf -> new TeacherEquivalent(tf, merged, plan.biases(), targets)).entrySet()) {
            String layer = e.getKey();
            float[] mean = e.getValue()[0];
            float[] variance = e.getValue()[1];
            float[] bias = plan.biases().get(layer);
            float[][] target = targets.get(layer);
            if (target != null) {
                assign.put(layer + "/bn/gamma", target[1].clone());
                assign.put(layer + "/bn/beta", target[0].clone());
            } else if (bias != null) {
                float[] gamma = new float[mean.length];
                float[] beta = new float[mean.length];
                for (int c = 0; c < mean.length; c++) {
                    gamma[c] = (float) Math.sqrt(variance[c] + TrainableWeights.BN_EPSILON);
                    beta[c] = mean[c] + bias[c];
                }
                assign.put(layer + "/bn/gamma", gamma);
                assign.put(layer + "/bn/beta", beta);
            }
            assign.put(layer + "/bn/mean", mean);
            assign.put(layer + "/bn/variance", variance);
        }
        return assign;
    }

    /**
     * Per-dimension {mean, std} of the targets projected onto the basis: what the embedding
     * conv's output is calibrated to (a common offset in the student's inherited features would
     * otherwise make all its embeddings nearly parallel).
     */
    static float[][] projectedStatistics(double[][] basis, List<float[]> targets) {
        int k = basis.length;
        double[] sum = new double[k];
        double[] squares = new double[k];
        for (float[] t : targets) {
            for (int r = 0; r < k; r++) {
                double z = 0;
                for (int j = 0; j < t.length; j++) {
                    z += basis[r][j] * t[j];
                }
                sum[r] += z;
                squares[r] += z * z;
            }
        }
        float[][] stats = new float[2][k];
        int n = Math.max(1, targets.size());
        for (int r = 0; r < k; r++) {
            double mean = sum[r] / n;
            stats[0][r] = (float) mean;
            stats[1][r] = (float) Math.sqrt(Math.max(0, squares[r] / n - mean * mean));
        }
        return stats;
    }

    /**
     * The teacher's own per-channel output statistics ({mean, std} of {@code Wx + b}) for every
     * layer, on {@code batch} at the teacher's input size: for calibrating the student's layers to
     * the distributions the teacher's next layers were trained on. Layer names are the student's
     * (stage s, block b), so the student's blocks find the teacher's first blocks of each stage.
     *
     * @param basis as for {@link #plan}; without one there are no statistics for the embedding conv
     */
    static Map<String, float[][]> teacherStatistics(TeacherNet teacher, double[][] basis, float[] batch) {
        List<NetworkConfig.Stage> stages = new ArrayList<>();
        for (TeacherNet.Stage st : teacher.stages) {
            stages.add(new NetworkConfig.Stage(st.expansion(), st.channels(), st.blocks().size(), st.stride(), false));
        }
        int e = basis == null ? teacher.dims() : basis.length;
        NetworkConfig config = new NetworkConfig("teacher", teacher.inputSize, teacher.stemConv.out, stages,
                Activation.PRELU, teacher.headConv.out, e);
        double[][] b = basis;
        if (b == null) {
            b = new double[e][e];
            for (int i = 0; i < e; i++) {
                b[i][i] = 1;
            }
        }
        Plan plan = plan(config, teacher, b);
        Map<String, float[][]> stats = new LinkedHashMap<>();
        for (Map.Entry<String, float[][]> layer : moments(config, batch,
                tf -> new TeacherEquivalent(tf, plan.values(), plan.biases())).entrySet()) {
            float[] mean = layer.getValue()[0];
            float[] variance = layer.getValue()[1];
            float[] bias = plan.biases().get(layer.getKey());
            float[] std = new float[variance.length];
            for (int c = 0; c < mean.length; c++) {
                mean[c] += bias[c];
                std[c] = (float) Math.sqrt(variance[c]);
            }
            stats.put(layer.getKey(), new float[][] {mean, std});
        }
        if (basis == null) {
            stats.remove("head/embedding"); // the teacher's own 192-d space, not the student's
        }
        return stats;
    }

    /**
     * Runs the teacher-equivalent network over {@code batch} once.
     *
     * @return per batch-normalised layer, in network order, {mean, population variance} of its conv output
     */
    private static Map<String, float[][]> moments(NetworkConfig config, float[] batch,
            java.util.function.Function<Ops, TeacherEquivalent> weightsFor) {
        int s = config.inputSize();
        Map<String, float[][]> moments = new LinkedHashMap<>();
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> input = tf.constant(Shape.of(batch.length / (s * s * 3), s, s, 3),
                    DataBuffers.of(batch, true, false));
            TeacherEquivalent weights = weightsFor.apply(tf);
            new EcaMobileFaceNet(config, tf, weights).embed(input);
            Session.Runner runner = session.runner();
            for (Operand<TFloat32>[] m : weights.moments.values()) {
                runner.fetch(m[0]).fetch(m[1]);
            }
            try (Result r = runner.run()) {
                int i = 0;
                for (String layer : weights.moments.keySet()) {
                    moments.put(layer, new float[][] {floats(r.get(i++)), floats(r.get(i++))});
                }
            }
        }
        return moments;
    }

    private static float[] floats(Tensor t) {
        TFloat32 f = (TFloat32) t;
        float[] v = new float[Math.toIntExact(f.shape().size())];
        f.copyTo(DataBuffers.of(v, false, false));
        return v;
    }

    /** Sets the variables of a session to {@code values} (one run, each value fed once). */
    static void assign(Graph graph, Session session, TrainableWeights weights, Map<String, float[]> values) {
        Ops tf = Ops.create(graph).withSubScope("inherit");
        List<TFloat32> tensors = new ArrayList<>();
        try {
            Session.Runner runner = session.runner();
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                Variable<TFloat32> v = weights.variables().get(e.getKey());
                long[] shape = weights.shapes().get(e.getKey());
                if (v == null || Shape.of(shape).size() != e.getValue().length) {
                    throw new IllegalArgumentException("cannot assign " + e.getValue().length + " values to "
                            + e.getKey() + (v == null ? " (no such variable)" : " of shape " + Arrays.toString(shape)));
                }
                Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
                TFloat32 t = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(e.getValue(), true, false));
                tensors.add(t);
                runner.feed(p, t).addTarget(tf.assign(v, p));
            }
            runner.run();
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    /**
     * The teacher-equivalent network: each inherited layer is its conv plus the teacher's bias;
     * the others are batch-normalised with this batch's statistics. Records the per-channel mean
     * and population variance of every conv output (before the bias).
     */
    static final class TeacherEquivalent implements Weights {
        private final Ops tf;
        private final Map<String, float[]> values;
        private final Map<String, float[]> biases;
        private final Map<String, float[][]> targets;
        final Map<String, Operand<TFloat32>[]> moments = new LinkedHashMap<>();

        TeacherEquivalent(Ops tf, Map<String, float[]> values, Map<String, float[]> biases) {
            this(tf, values, biases, Map.of());
        }

        /** @param targets layers normalised to given per-channel {mean, std} instead */
        TeacherEquivalent(Ops tf, Map<String, float[]> values, Map<String, float[]> biases,
                Map<String, float[][]> targets) {
            this.tf = tf;
            this.values = values;
            this.biases = biases;
            this.targets = targets;
        }

        @Override
        public Operand<TFloat32> convBn(String name, Operand<TFloat32> x, int kernel, int in, int out, int stride,
                String padding) {
            return bn(name, tf.nn.conv2d(x, constant(name + "/w", kernel, kernel, in, out),
                    List.of(1L, (long) stride, (long) stride, 1L), padding), out);
        }

        @Override
        public Operand<TFloat32> depthwiseBn(String name, Operand<TFloat32> x, int kernel, int channels, int stride,
                String padding) {
            return bn(name, tf.nn.depthwiseConv2dNative(x, constant(name + "/w", kernel, kernel, channels, 1),
                    List.of(1L, (long) stride, (long) stride, 1L), padding), channels);
        }

        @Override
        public Operand<TFloat32> preluSlopes(String name, int channels) {
            return constant(name, channels);
        }

        @Override
        public Operand<TFloat32> ecaKernel(String name, int k) {
            return constant(name + "/w", 1, k, 1, 1);
        }

        @SuppressWarnings("unchecked")
        private Operand<TFloat32> bn(String name, Operand<TFloat32> y, int channels) {
            Operand<TFloat32> mean = tf.math.mean(y, tf.constant(new int[] {0, 1, 2}), Mean.keepDims(false));
            Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(y, mean), tf.constant(new int[] {0, 1, 2}),
                    Mean.keepDims(false));
            moments.put(name, new Operand[] {mean, variance});
            float[] bias = biases.get(name);
            float[][] target = targets.get(name);
            if (target != null && (target[0].length != channels || target[1].length != channels)) {
                throw new IllegalArgumentException("statistics for " + name + " have " + target[0].length
                        + " channels, the layer " + channels);
            }
            if (target == null && bias != null) {
                return tf.nn.biasAdd(y, tf.constant(bias));
            }
            Operand<TFloat32> normalised = tf.math.mul(tf.math.sub(y, mean),
                    tf.math.rsqrt(tf.math.add(variance, tf.constant(TrainableWeights.BN_EPSILON))));
            if (target != null) {
                return tf.math.add(tf.math.mul(normalised, tf.constant(target[1])), tf.constant(target[0]));
            }
            return tf.math.add(tf.math.mul(normalised, constant(name + "/bn/gamma", channels)),
                    constant(name + "/bn/beta", channels));
        }

        private Operand<TFloat32> constant(String name, long... shape) {
            float[] v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no value for " + name);
            }
            return tf.constant(Shape.of(shape), DataBuffers.of(v, true, false));
        }
    }
}
