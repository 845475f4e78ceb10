package io.facegate.train;

import java.util.List;
import java.util.Locale;

/**
 * The shape of a MobileFaceNet-family network: input size, the bottleneck stages, the
 * activation inside the bottlenecks, where ECA attention sits and the embedding size.
 * {@link #parameterCount()} is the hand count the built graph is checked against.
 *
 * @param name          variant name, also used in file names
 * @param inputSize     square input side in pixels (a multiple of 16)
 * @param stemChannels  channels of the first conv3x3 and the depthwise conv after it
 * @param stages        the bottleneck stages, in order
 * @param activation    activation inside the bottlenecks (the stem and the 1x1 conv before the
 *                      global depthwise conv keep PReLU, as in MobileFaceNet)
 * @param featureChannels channels of the conv1x1 before the global depthwise conv
 * @param embeddingSize output dimensions
 */
public record NetworkConfig(String name, int inputSize, int stemChannels, List<Stage> stages, Activation activation,
        int featureChannels, int embeddingSize) {

    /** Activation inside the bottlenecks. */
    public enum Activation {
        /** learned per-channel slope for x < 0 (MobileFaceNet) */
        PRELU,
        /** x * ReLU6(x + 3) / 6 (MobileNetV3; the paper's choice) */
        HSWISH
    }

    /**
     * One bottleneck stage (MobileNetV2 inverted residual, repeated).
     *
     * @param expansion t: expansion factor of the 1x1 conv
     * @param channels  c: output channels
     * @param repeats   n: blocks in the stage
     * @param stride    s: stride of the first block's depthwise conv
     * @param eca       efficient channel attention after each block's depthwise conv
     */
    public record Stage(int expansion, int channels, int repeats, int stride, boolean eca) {
        public Stage {
            if (expansion < 1 || channels < 1 || repeats < 1 || (stride != 1 && stride != 2)) {
                throw new IllegalArgumentException("bad stage t=" + expansion + " c=" + channels + " n=" + repeats
                        + " s=" + stride);
            }
        }
    }

    public NetworkConfig {
        if (inputSize < 16 || inputSize % 16 != 0) {
            throw new IllegalArgumentException("input size must be a positive multiple of 16, got " + inputSize);
        }
        if (stages.isEmpty() || embeddingSize < 1 || featureChannels < 1 || stemChannels < 1) {
            throw new IllegalArgumentException("empty network " + name);
        }
        long strides = stages.stream().filter(s -> s.stride() == 2).count();
        if (strides != 3) {
            // stem (2) x three strided stages (8) = 16: the global depthwise conv sees input/16
            throw new IllegalArgumentException("exactly three strided stages expected, got " + strides);
        }
        stages = List.copyOf(stages);
    }

    /** The published MobileFaceNet: 112x112, stage repeats 5/1/6/1/2, PReLU, no ECA. */
    public static NetworkConfig mobileFaceNet112(int embeddingSize) {
        return of("mfn-112", 112, 5, 6, Activation.PRELU, false, embeddingSize);
    }

    /**
     * The paper's ablation steps at 96x96 with stage repeats 2/1/3/1/2 (about 70% of the original's
     * parameters; see docs/training.md for the counts).
     *
     * @param variant {@code r96-prelu} (restructured), {@code r96-hswish} (+ h-swish) or
     *                {@code eca96} (+ ECA in the first and last stage: the paper's final model)
     */
    public static NetworkConfig variant(String variant) {
        return switch (variant.toLowerCase(Locale.ROOT)) {
            case "r96-prelu" -> of("r96-prelu", 96, 2, 3, Activation.PRELU, false, 128);
            case "r96-hswish" -> of("r96-hswish", 96, 2, 3, Activation.HSWISH, false, 128);
            case "eca96" -> of("eca96", 96, 2, 3, Activation.HSWISH, true, 128);
            case "mfn-112" -> mobileFaceNet112(128);
            default -> throw new IllegalArgumentException("unknown variant '" + variant
                    + "' (r96-prelu, r96-hswish, eca96, mfn-112)");
        };
    }

    /** MobileFaceNet's stage table with the first and third stage's repeats given. */
    public static NetworkConfig of(String name, int inputSize, int firstRepeats, int thirdRepeats,
            Activation activation, boolean eca, int embeddingSize) {
        return new NetworkConfig(name, inputSize, 64, List.of(
                new Stage(2, 64, firstRepeats, 2, eca),
                new Stage(4, 128, 1, 2, false),
                new Stage(2, 128, thirdRepeats, 1, false),
                new Stage(4, 128, 1, 2, false),
                new Stage(2, 128, 2, 1, eca)), activation, 512, embeddingSize);
    }

    /** Side of the last feature map, the global depthwise conv's kernel. */
    public int featureMapSize() {
        return inputSize / 16;
    }

    /**
     * ECA's adaptive kernel size (Wang et al. 2020, gamma 2, b 1):
     * {@code t = int(|(log2(C) + 1) / 2|)}, {@code k = t} if t is odd, else {@code t + 1}.
     */
    public static int ecaKernel(int channels) {
        int t = (int) Math.abs((Math.log(channels) / Math.log(2) + 1) / 2);
        return t % 2 == 1 ? t : t + 1;
    }

    /**
     * Trainable parameters, counted by hand from the layer table: convolution weights, batch-norm
     * scale and offset (the moving statistics are not trained), PReLU slopes, ECA kernels. No conv
     * has a bias: batch norm follows each one.
     */
    public long parameterCount() {
        long p = conv(3 * 3 * 3, stemChannels) + stemChannels; // conv3x3 s2, BN, PReLU
        p += conv(3 * 3, stemChannels) + stemChannels; // depthwise conv3x3, BN, PReLU
        int in = stemChannels;
        long actParams = activation == Activation.PRELU ? 1 : 0;
        for (Stage s : stages) {
            for (int i = 0; i < s.repeats(); i++) {
                int hidden = in * s.expansion();
                p += conv(in, hidden) + actParams * hidden; // expand 1x1
                p += conv(9, hidden) + actParams * hidden; // depthwise 3x3
                if (s.eca()) {
                    p += ecaKernel(hidden);
                }
                p += conv(hidden, s.channels()); // linear projection
                in = s.channels();
            }
        }
        p += conv(in, featureChannels) + featureChannels; // conv1x1, BN, PReLU
        p += conv(featureMapSize() * featureMapSize(), featureChannels); // linear global depthwise conv, BN
        p += conv(featureChannels, embeddingSize); // linear conv1x1, BN
        return p;
    }

    /** Weights of a conv with {@code fanIn} inputs per output, plus its batch norm's scale and offset. */
    private static long conv(long fanIn, long outputs) {
        return fanIn * outputs + 2 * outputs;
    }
}
