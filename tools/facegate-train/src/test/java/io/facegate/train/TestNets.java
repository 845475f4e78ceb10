package io.facegate.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Small networks with random weights, and batch norm written out step by step as a reference. */
final class TestNets {
    private TestNets() {
    }

    /** Values for every variable of {@code config}, batch-norm statistics far from 0/1. */
    static Map<String, float[]> randomValues(NetworkConfig config, long seed) {
        Map<String, long[]> shapes;
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            TrainableWeights w = new TrainableWeights(tf, seed);
            new EcaMobileFaceNet(config, tf, w).embed(tf.placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, config.inputSize(), config.inputSize(), 3))));
            shapes = w.shapes();
        }
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            float[] v = new float[Math.toIntExact(Shape.of(shape).size())];
            for (int i = 0; i < v.length; i++) {
                double g = random.nextGaussian();
                v[i] = (float) (name.endsWith("/variance") ? 0.5 + Math.abs(g) : name.endsWith("/gamma") ? 1 + 0.3 * g : 0.3 * g);
            }
            values.put(name, v);
        });
        return values;
    }

    static float[] randomInput(int n, int size, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n * size * size * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    static float[] embed(NetworkConfig config, float[] input, Function<Ops, Weights> weights) {
        int s = config.inputSize();
        try (Graph g = new Graph(); Session session = new Session(g)) {
            Ops tf = Ops.create(g);
            EcaMobileFaceNet net = new EcaMobileFaceNet(config, tf, weights.apply(tf));
            Operand<TFloat32> in = tf.constant(Shape.of(input.length / (s * s * 3), s, s, 3), DataBuffers.of(input, true, false));
            try (TFloat32 t = (TFloat32) session.runner().fetch(net.l2Normalise(net.embed(in))).run().get(0)) {
                float[] v = new float[Math.toIntExact(t.shape().size())];
                t.copyTo(DataBuffers.of(v, false, false));
                return v;
            }
        }
    }

    /** Conv, then (x - mean) / sqrt(var + eps) * gamma + beta with separate ops: what folding must reproduce. */
    static final class UnfoldedWeights implements Weights {
        private final Ops tf;
        private final Map<String, float[]> values;

        UnfoldedWeights(Ops tf, Map<String, float[]> values) {
            this.tf = tf;
            this.values = values;
        }

        @Override
        public Operand<TFloat32> convBn(String name, Operand<TFloat32> x, int k, int in, int out, int stride, String padding) {
            return bn(name, tf.nn.conv2d(x, c(name + "/w", k, k, in, out), List.of(1L, (long) stride, (long) stride, 1L), padding), out);
        }

        @Override
        public Operand<TFloat32> depthwiseBn(String name, Operand<TFloat32> x, int k, int ch, int stride, String padding) {
            return bn(name, tf.nn.depthwiseConv2dNative(x, c(name + "/w", k, k, ch, 1), List.of(1L, (long) stride, (long) stride, 1L), padding), ch);
        }

        @Override
        public Operand<TFloat32> preluSlopes(String name, int channels) {
            return c(name, channels);
        }

        @Override
        public Operand<TFloat32> ecaKernel(String name, int k) {
            return c(name + "/w", 1, k, 1, 1);
        }

        private Operand<TFloat32> bn(String name, Operand<TFloat32> x, int ch) {
            Operand<TFloat32> centred = tf.math.sub(x, c(name + "/bn/mean", ch));
            Operand<TFloat32> scaled = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(c(name + "/bn/variance", ch),
                    tf.constant(TrainableWeights.BN_EPSILON))));
            return tf.math.add(tf.math.mul(scaled, c(name + "/bn/gamma", ch)), c(name + "/bn/beta", ch));
        }

        private Operand<TFloat32> c(String name, long... shape) {
            return tf.constant(Shape.of(shape), DataBuffers.of(values.get(name), true, false));
        }
    }
}
