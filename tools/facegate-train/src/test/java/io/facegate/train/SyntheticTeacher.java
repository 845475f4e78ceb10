package io.facegate.train;

import io.facegate.modelimport.Options;
import io.facegate.modelimport.TfliteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small MobileFaceNet-shaped TFLite models built in memory, laid out as the sirius-ai export is:
 * folded biases, PReLU as relu/abs/sub/mul/add, a linear 1x1 conv after the stem depthwise conv,
 * residual adds, global depthwise conv, two linear 1x1 convs, reshape.
 */
final class SyntheticTeacher {
    private static final int ADD = 0;
    private static final int CONV_2D = 3;
    private static final int DEPTHWISE_CONV_2D = 4;
    private static final int MUL = 18;
    private static final int RELU = 19;
    private static final int RESHAPE = 22;
    private static final int SUB = 41;
    private static final int ABS = 101;
    private static final Options ARITHMETIC = new Options.Arithmetic(Options.Activation.NONE);

    /** t, c, n, s as in MobileFaceNet's table. */
    record StageSpec(int t, int c, int n, int s) {
    }

    private final List<TfliteModel.Tensor> tensors = new ArrayList<>();
    private final List<TfliteModel.Operator> operators = new ArrayList<>();
    private final Random random;
    private int size;
    private int channels;

    private SyntheticTeacher(long seed) {
        this.random = new Random(seed);
    }

    /** MobileFaceNet's stage table scaled down: c 8 and 16 instead of 64 and 128. */
    static List<StageSpec> smallStages(int first, int third) {
        return List.of(new StageSpec(2, 8, first, 2), new StageSpec(4, 16, 1, 2), new StageSpec(2, 16, third, 1),
                new StageSpec(4, 16, 1, 2), new StageSpec(2, 16, 2, 1));
    }

    /** A student that fits {@link #smallStages} teachers with stem 8 and conv1x1 32. */
    static NetworkConfig smallStudent(String name, int inputSize, NetworkConfig.Activation activation, boolean eca,
            int embedding) {
        return new NetworkConfig(name, inputSize, 8, List.of(
                new NetworkConfig.Stage(2, 8, 2, 2, eca),
                new NetworkConfig.Stage(4, 16, 1, 2, false),
                new NetworkConfig.Stage(2, 16, 1, 1, false),
                new NetworkConfig.Stage(4, 16, 1, 2, false),
                new NetworkConfig.Stage(2, 16, 2, 1, eca)), activation, 32, embedding);
    }

    static TfliteModel mobileFaceNet(int inputSize, int stem, List<StageSpec> stages, int features, int dims, long seed) {
        return new SyntheticTeacher(seed).build(inputSize, stem, stages, features, dims, true);
    }

    /** The same without PReLU after the stem conv: not a MobileFaceNet. */
    static TfliteModel withoutStemPrelu(int inputSize, int stem, List<StageSpec> stages, int features, int dims) {
        return new SyntheticTeacher(1).build(inputSize, stem, stages, features, dims, false);
    }

    private TfliteModel build(int inputSize, int stem, List<StageSpec> stages, int features, int dims, boolean stemPrelu) {
        int input = tensor("input", null, 1, inputSize, inputSize, 3);
        size = inputSize;
        channels = 3;
        int x = conv(input, 3, stem, 2, "SAME");
        if (stemPrelu) {
            x = prelu(x);
        }
        x = prelu(depthwise(x, 3, 1, "SAME"));
        x = conv(x, 1, stem, 1, "SAME");
        for (StageSpec s : stages) {
            for (int b = 0; b < s.n(); b++) {
                int stride = b == 0 ? s.s() : 1;
                int in = channels;
                int blockInput = x;
                int y = prelu(conv(x, 1, in * s.t(), 1, "SAME"));
                y = prelu(depthwise(y, 3, stride, "SAME"));
                y = conv(y, 1, s.c(), 1, "SAME");
                if (stride == 1 && in == s.c()) {
                    y = op(ADD, ARITHMETIC, new int[] {y, blockInput});
                }
                x = y;
            }
        }
        x = prelu(conv(x, 1, features, 1, "SAME"));
        x = depthwise(x, size, 1, "VALID");
        x = conv(x, 1, features, 1, "VALID");
        x = conv(x, 1, dims, 1, "SAME");
        int shape = ints(new int[] {1, dims}, 2);
        int out = tensor("embeddings", null, 1, dims);
        operators.add(new TfliteModel.Operator(operators.size(), RESHAPE, null, new int[] {x, shape}, new int[] {out},
                new Options.Reshape(new int[] {1, dims})));
        return new TfliteModel(3, "synthetic MobileFaceNet", tensors, operators, new int[] {input}, new int[] {out});
    }

    private int conv(int x, int k, int out, int stride, String padding) {
        int in = channels;
        int filter = floats(gaussian(out * k * k * in, Math.sqrt(1.0 / (k * k * in))), out, k, k, in);
        int bias = floats(gaussian(out, 0.1), out);
        size = padding.equals("SAME") ? (size + stride - 1) / stride : (size - k) / stride + 1;
        channels = out;
        int y = tensor("conv" + operators.size(), null, 1, size, size, out);
        operators.add(new TfliteModel.Operator(operators.size(), CONV_2D, null, new int[] {x, filter, bias},
                new int[] {y}, new Options.Conv2D(Options.Padding.valueOf(padding), stride, stride,
                        Options.Activation.NONE, 1, 1)));
        return y;
    }

    private int depthwise(int x, int k, int stride, String padding) {
        int c = channels;
        int filter = floats(gaussian(k * k * c, Math.sqrt(1.0 / (k * k))), 1, k, k, c);
        int bias = floats(gaussian(c, 0.1), c);
        size = padding.equals("SAME") ? (size + stride - 1) / stride : (size - k) / stride + 1;
        int y = tensor("dw" + operators.size(), null, 1, size, size, c);
        operators.add(new TfliteModel.Operator(operators.size(), DEPTHWISE_CONV_2D, null, new int[] {x, filter, bias},
                new int[] {y}, new Options.DepthwiseConv2D(Options.Padding.valueOf(padding), stride, stride, 1,
                        Options.Activation.NONE, 1, 1)));
        return y;
    }

    /** relu(x) + a * (x - |x|), a = slope / 2 */
    private int prelu(int x) {
        float[] a = new float[channels];
        for (int c = 0; c < a.length; c++) {
            a[c] = (float) (0.125 + 0.05 * random.nextGaussian());
        }
        int relu = op(RELU, new Options.None(), new int[] {x});
        int abs = op(ABS, new Options.None(), new int[] {x});
        int sub = op(SUB, ARITHMETIC, new int[] {x, abs});
        int mul = op(MUL, ARITHMETIC, new int[] {floats(a, channels), sub});
        return op(ADD, ARITHMETIC, new int[] {relu, mul});
    }

    private int op(int code, Options options, int[] in) {
        int y = tensor("op" + operators.size(), null, 1, size, size, channels);
        operators.add(new TfliteModel.Operator(operators.size(), code, null, in, new int[] {y}, options));
        return y;
    }

    private float[] gaussian(int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    private int floats(float[] values, int... shape) {
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        return tensor("const" + tensors.size(), data, shape);
    }

    private int ints(int[] values, int... shape) {
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asIntBuffer().put(values);
        tensors.add(new TfliteModel.Tensor(tensors.size(), "shape", shape, TfliteModel.TYPE_INT32, data, false));
        return tensors.size() - 1;
    }

    private int tensor(String name, ByteBuffer data, int... shape) {
        tensors.add(new TfliteModel.Tensor(tensors.size(), name, shape, TfliteModel.TYPE_FLOAT32, data, false));
        return tensors.size() - 1;
    }
}
