package io.facegate.train;

import io.facegate.train.NetworkConfig.Activation;
import io.facegate.train.NetworkConfig.Stage;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * MobileFaceNet and the paper's ECA-MobileFaceNet, written with the TensorFlow Java Ops API:
 * conv3x3/2 -> depthwise conv3x3 -> bottleneck stages -> conv1x1 -> linear global depthwise
 * conv -> linear conv1x1 -> L2-normalised embedding. A bottleneck is expand 1x1 -> depthwise
 * 3x3 -> [ECA] -> linear projection 1x1, with a residual add when shape allows.
 */
public final class EcaMobileFaceNet {
    private final NetworkConfig config;
    private final Ops tf;
    private final Weights weights;

    EcaMobileFaceNet(NetworkConfig config, Ops tf, Weights weights) {
        this.config = config;
        this.tf = tf;
        this.weights = weights;
    }

    /**
     * @param input normalised faces {@code [batch, size, size, 3]}
     * @return the raw embeddings {@code [batch, embeddingSize]} (not normalised)
     */
    Operand<TFloat32> embed(Operand<TFloat32> input) {
        Operand<TFloat32> x = weights.convBn("stem/conv", input, 3, 3, config.stemChannels(), 2, "SAME");
        x = prelu("stem/conv", x, config.stemChannels());
        x = weights.depthwiseBn("stem/dw", x, 3, config.stemChannels(), 1, "SAME");
        x = prelu("stem/dw", x, config.stemChannels());
        int in = config.stemChannels();
        List<Stage> stages = config.stages();
        for (int s = 0; s < stages.size(); s++) {
            Stage stage = stages.get(s);
            for (int b = 0; b < stage.repeats(); b++) {
                x = bottleneck("stage" + (s + 1) + "/block" + (b + 1), x, in, stage, b == 0 ? stage.stride() : 1);
                in = stage.channels();
            }
        }
        x = weights.convBn("head/conv", x, 1, in, config.featureChannels(), 1, "VALID");
        x = prelu("head/conv", x, config.featureChannels());
        x = weights.depthwiseBn("head/gdconv", x, config.featureMapSize(), config.featureChannels(), 1, "VALID");
        x = weights.convBn("head/embedding", x, 1, config.featureChannels(), config.embeddingSize(), 1, "VALID");
        return tf.reshape(x, tf.constant(new long[] {-1, config.embeddingSize()}));
    }

    /** {@code x / max(||x||, 1e-12)} along the last axis. */
    Operand<TFloat32> l2Normalise(Operand<TFloat32> x) {
        Operand<TFloat32> squares = tf.sum(tf.math.square(x), tf.constant(1), Sum.keepDims(true));
        return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(squares, tf.constant(1e-24f))));
    }

    private Operand<TFloat32> bottleneck(String name, Operand<TFloat32> input, int in, Stage stage, int stride) {
        int hidden = in * stage.expansion();
        Operand<TFloat32> x = weights.convBn(name + "/expand", input, 1, in, hidden, 1, "VALID");
        x = activation(name + "/expand", x, hidden);
        x = weights.depthwiseBn(name + "/dw", x, 3, hidden, stride, "SAME");
        x = activation(name + "/dw", x, hidden);
        if (stage.eca()) {
            x = eca(name + "/eca", x, hidden);
        }
        x = weights.convBn(name + "/project", x, 1, hidden, stage.channels(), 1, "VALID");
        return stride == 1 && in == stage.channels() ? tf.math.add(input, x) : x;
    }

    private Operand<TFloat32> activation(String name, Operand<TFloat32> x, int channels) {
        return config.activation() == Activation.HSWISH ? hswish(tf, x) : prelu(name, x, channels);
    }

    private Operand<TFloat32> prelu(String name, Operand<TFloat32> x, int channels) {
        return prelu(tf, x, weights.preluSlopes(name + "/prelu", channels));
    }

    /** {@code max(x, 0) + slope * min(x, 0)}, the slope per channel (last axis). */
    static Operand<TFloat32> prelu(Ops tf, Operand<TFloat32> x, Operand<TFloat32> slopes) {
        return tf.math.add(tf.nn.relu(x), tf.math.mul(slopes, tf.math.minimum(x, tf.constant(0f))));
    }

    /** h-swish: {@code x * ReLU6(x + 3) / 6}. */
    static Operand<TFloat32> hswish(Ops tf, Operand<TFloat32> x) {
        return tf.math.mul(x, tf.math.mul(tf.nn.relu6(tf.math.add(x, tf.constant(3f))), tf.constant(1f / 6f)));
    }

    /**
     * Efficient channel attention: global average pool -> 1-D conv across the channels (kernel k,
     * zero padded, no bias) -> sigmoid -> rescale each channel.
     */
    private Operand<TFloat32> eca(String name, Operand<TFloat32> x, int channels) {
        return eca(tf, x, weights.ecaKernel(name, NetworkConfig.ecaKernel(channels)), channels);
    }

    static Operand<TFloat32> eca(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, int channels) {
        Operand<TFloat32> pooled = tf.math.mean(x, tf.constant(new int[] {1, 2}), Mean.keepDims(false));
        Operand<TFloat32> row = tf.reshape(pooled, tf.constant(new long[] {-1, 1, channels, 1}));
        Operand<TFloat32> mixed = tf.nn.conv2d(row, kernel, List.of(1L, 1L, 1L, 1L), "SAME");
        Operand<TFloat32> attention = tf.math.sigmoid(tf.reshape(mixed, tf.constant(new long[] {-1, 1, 1, channels})));
        return tf.math.mul(x, attention);
    }
}
