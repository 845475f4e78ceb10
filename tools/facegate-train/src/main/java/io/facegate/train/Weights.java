package io.facegate.train;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Where a network's layers get their parameters: trainable variables with batch statistics
 * ({@link TrainableWeights}) or trained values frozen into constants with batch norm folded into
 * the convolutions ({@link FrozenWeights}). {@link EcaMobileFaceNet} builds the same layer
 * sequence over either, so the shipped graph is the trained one.
 */
interface Weights {
    /** conv (no bias) + batch norm; filter {@code [k, k, in, out]} */
    Operand<TFloat32> convBn(String name, Operand<TFloat32> x, int kernel, int in, int out, int stride,
            String padding);

    /** depthwise conv (multiplier 1, no bias) + batch norm; filter {@code [k, k, channels, 1]} */
    Operand<TFloat32> depthwiseBn(String name, Operand<TFloat32> x, int kernel, int channels, int stride,
            String padding);

    /** per-channel PReLU slopes, shape {@code [channels]} */
    Operand<TFloat32> preluSlopes(String name, int channels);

    /** ECA's 1-D kernel across channels as a conv2d filter {@code [1, k, 1, 1]} */
    Operand<TFloat32> ecaKernel(String name, int k);
}
