package io.facegate.train;

import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Trained values as graph constants, batch norm folded into the convolution before it
 * ({@code w * gamma / sqrt(var + eps)}, bias {@code beta - mean * gamma / sqrt(var + eps)}):
 * the inference graph that ships, one conv and one bias add per layer.
 */
final class FrozenWeights implements Weights {
    private final Ops tf;
    private final Map<String, float[]> values;
    private long constants;

    /** @param values variable name to its values, as {@link TrainableWeights} names them */
    FrozenWeights(Ops tf, Map<String, float[]> values) {
        this.tf = tf;
        this.values = values;
    }

    @Override
    public Operand<TFloat32> convBn(String name, Operand<TFloat32> x, int kernel, int in, int out, int stride,
            String padding) {
        float[] scale = scale(name, out);
        float[] w = get(name + "/w", kernel * kernel * in * out).clone();
        for (int i = 0; i < w.length; i++) {
            w[i] *= scale[i % out]; // output channel is the fastest axis of [k, k, in, out]
        }
        Operand<TFloat32> y = tf.nn.conv2d(x, constant(w, kernel, kernel, in, out),
                List.of(1L, (long) stride, (long) stride, 1L), padding);
        return tf.nn.biasAdd(y, constant(bias(name, scale), out));
    }

    @Override
    public Operand<TFloat32> depthwiseBn(String name, Operand<TFloat32> x, int kernel, int channels, int stride,
            String padding) {
        float[] scale = scale(name, channels);
        float[] w = get(name + "/w", kernel * kernel * channels).clone();
        for (int i = 0; i < w.length; i++) {
            w[i] *= scale[i % channels];
        }
        Operand<TFloat32> y = tf.nn.depthwiseConv2dNative(x, constant(w, kernel, kernel, channels, 1),
                List.of(1L, (long) stride, (long) stride, 1L), padding);
        return tf.nn.biasAdd(y, constant(bias(name, scale), channels));
    }

    @Override
    public Operand<TFloat32> preluSlopes(String name, int channels) {
        return constant(get(name, channels), channels);
    }

    @Override
    public Operand<TFloat32> ecaKernel(String name, int k) {
        return constant(get(name + "/w", k), 1, k, 1, 1);
    }

    private float[] scale(String name, int channels) {
        float[] gamma = get(name + "/bn/gamma", channels);
        float[] var = get(name + "/bn/variance", channels);
        float[] scale = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = (float) (gamma[c] / Math.sqrt(var[c] + TrainableWeights.BN_EPSILON));
        }
        return scale;
    }

    private float[] bias(String name, float[] scale) {
        float[] beta = get(name + "/bn/beta", scale.length);
        float[] mean = get(name + "/bn/mean", scale.length);
        float[] bias = new float[scale.length];
        for (int c = 0; c < scale.length; c++) {
            bias[c] = beta[c] - mean[c] * scale[c];
        }
        return bias;
    }

    private float[] get(String name, int size) {
        float[] v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("trained weights lack '" + name + "' (checkpoint of another variant?)");
        }
        if (v.length != size) {
            throw new IllegalArgumentException("'" + name + "' has " + v.length + " values, the network needs " + size);
        }
        return v;
    }

    private Operand<TFloat32> constant(float[] v, long... shape) {
        constants += v.length;
        return tf.constant(Shape.of(shape), DataBuffers.of(v, true, false));
    }

    /** Scalars baked into the graph so far (after folding: no batch-norm statistics). */
    long constantCount() {
        return constants;
    }
}
