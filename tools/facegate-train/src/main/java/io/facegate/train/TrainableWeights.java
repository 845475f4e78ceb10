package io.facegate.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;

/**
 * Trainable variables, initialised from a seeded {@link Random} (He-normal convolutions, PReLU
 * slopes 0.25, batch norm 1/0), with batch norm on batch statistics and ops that update its
 * moving statistics. Every variable is registered by name for checkpoints and export.
 */
final class TrainableWeights implements Weights {
    static final float BN_EPSILON = 1e-3f;
    private static final float BN_MOMENTUM = 0.99f;

    private final Ops tf;
    private final Random random;
    private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final List<Variable<TFloat32>> trainable = new ArrayList<>();
    private final List<Op> statisticUpdates = new ArrayList<>();

    TrainableWeights(Ops tf, long seed) {
        this.tf = tf;
        this.random = new Random(seed);
    }

    @Override
    public Operand<TFloat32> convBn(String name, Operand<TFloat32> x, int kernel, int in, int out, int stride,
            String padding) {
        Variable<TFloat32> w = variable(name + "/w", heNormal(kernel * kernel * in, kernel * kernel * in * out),
                true, kernel, kernel, in, out);
        return batchNorm(name, tf.nn.conv2d(x, w, List.of(1L, (long) stride, (long) stride, 1L), padding), out);
    }

    @Override
    public Operand<TFloat32> depthwiseBn(String name, Operand<TFloat32> x, int kernel, int channels, int stride,
            String padding) {
        Variable<TFloat32> w = variable(name + "/w", heNormal(kernel * kernel, kernel * kernel * channels), true,
                kernel, kernel, channels, 1);
        return batchNorm(name, tf.nn.depthwiseConv2dNative(x, w, List.of(1L, (long) stride, (long) stride, 1L),
                padding), channels);
    }

    @Override
    public Operand<TFloat32> preluSlopes(String name, int channels) {
        return variable(name, filled(channels, 0.25f), true, channels);
    }

    @Override
    public Operand<TFloat32> ecaKernel(String name, int k) {
        // centre tap 1: the attention starts as sigmoid of the channel's own mean
        float[] init = new float[k];
        init[k / 2] = 1f;
        return variable(name + "/w", init, true, 1, k, 1, 1);
    }

    /** A bias-free linear layer {@code [in, out]} (He-normal). */
    Variable<TFloat32> dense(String name, int in, int out) {
        return variable(name + "/w", heNormal(in, in * out), true, in, out);
    }

    private Operand<TFloat32> batchNorm(String name, Operand<TFloat32> x, int channels) {
        Variable<TFloat32> gamma = variable(name + "/bn/gamma", filled(channels, 1f), true, channels);
        Variable<TFloat32> beta = variable(name + "/bn/beta", new float[channels], true, channels);
        Variable<TFloat32> mean = variable(name + "/bn/mean", new float[channels], false, channels);
        Variable<TFloat32> var = variable(name + "/bn/variance", filled(channels, 1f), false, channels);
        Operand<TFloat32> none = tf.constant(new float[0]);
        FusedBatchNorm<TFloat32, TFloat32> bn = tf.nn.fusedBatchNorm(x, gamma, beta, none, none,
                FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(true));
        statisticUpdates.add(tf.assign(mean, moving(mean, bn.batchMean())));
        statisticUpdates.add(tf.assign(var, moving(var, bn.batchVariance())));
        return bn.y();
    }

    private Operand<TFloat32> moving(Operand<TFloat32> average, Operand<TFloat32> batch) {
        return tf.math.add(tf.math.mul(average, tf.constant(BN_MOMENTUM)),
                tf.math.mul(batch, tf.constant(1 - BN_MOMENTUM)));
    }

    private Variable<TFloat32> variable(String name, float[] init, boolean train, long... shape) {
        if (variables.containsKey(name)) {
            throw new IllegalStateException("duplicate variable " + name);
        }
        Operand<TFloat32> initial = tf.constant(Shape.of(shape), DataBuffers.of(init, true, false));
        Variable<TFloat32> v = tf.withName(name.replace('/', '_')).variable(initial);
        variables.put(name, v);
        shapes.put(name, shape);
        if (train) {
            trainable.add(v);
        }
        return v;
    }

    private float[] heNormal(int fanIn, int size) {
        float[] w = new float[size];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < size; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        return w;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    /** All variables by name, in creation order (trainable and moving statistics). */
    Map<String, Variable<TFloat32>> variables() {
        return variables;
    }

    Map<String, long[]> shapes() {
        return shapes;
    }

    List<Variable<TFloat32>> trainable() {
        return trainable;
    }

    /** Ops that move the batch-norm averages towards this batch's statistics. */
    List<Op> statisticUpdates() {
        return statisticUpdates;
    }

    /** Number of trainable scalars. */
    long trainableCount() {
        long n = 0;
        for (Variable<TFloat32> v : trainable) {
            n += Shape.of(shapes.get(nameOf(v))).size();
        }
        return n;
    }

    private String nameOf(Variable<TFloat32> v) {
        for (Map.Entry<String, Variable<TFloat32>> e : variables.entrySet()) {
            if (e.getValue() == v) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("not a variable of this network");
    }
}
