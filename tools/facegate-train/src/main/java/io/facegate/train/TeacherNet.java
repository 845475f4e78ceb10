package io.facegate.train;

import io.facegate.modelimport.Options;
import io.facegate.modelimport.TfliteModel;
import io.facegate.modelimport.TfliteReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The pretrained MobileFaceNet (the teacher) read from its float32 TFLite file as a layer table,
 * for weight inheritance. The file is the sirius-ai MobileFaceNet_TF export: batch norm folded
 * into conv biases, PReLU spelled out as {@code relu(x) + a * (x - |x|)} (slope {@code 2a}),
 * the separable stem's linear 1x1 conv after the depthwise conv, and a linear 1x1 conv between
 * the global depthwise conv and the embedding conv. Operators are walked in execution order and
 * must form one chain (plus residual adds); anything else is refused with a message that says
 * where the file departs from MobileFaceNet.
 */
final class TeacherNet {

    /** One convolution with its bias (batch norm folded) and, if one follows it, PReLU slopes. */
    static final class Layer {
        final int operator;
        final boolean depthwise;
        final int kernel;
        final int in;
        final int out;
        final int stride;
        final String padding;
        /** TF layout: {@code [k, k, in, out]} for a conv, {@code [k, k, channels, 1]} for a depthwise conv */
        final float[] weights;
        final float[] bias;
        final int inputTensor;
        final int inputSize;
        float[] slopes;
        int residualFrom = -1;

        Layer(int operator, boolean depthwise, int kernel, int in, int out, int stride, String padding, float[] weights,
                float[] bias, int inputTensor, int inputSize) {
            this.operator = operator;
            this.depthwise = depthwise;
            this.kernel = kernel;
            this.in = in;
            this.out = out;
            this.stride = stride;
            this.padding = padding;
            this.weights = weights;
            this.bias = bias;
            this.inputTensor = inputTensor;
            this.inputSize = inputSize;
        }

        boolean prelu() {
            return slopes != null;
        }

        String describe() {
            return String.format(Locale.ROOT, "operator #%d %s %dx%d/%d %d->%d%s", operator,
                    depthwise ? "depthwise conv" : "conv", kernel, kernel, stride, in, out, prelu() ? " + PReLU" : "");
        }
    }

    /** Inverted residual: expand 1x1 (PReLU) -> depthwise 3x3 (PReLU) -> linear projection 1x1. */
    record Block(Layer expand, Layer dw, Layer project) {
        int expansion() {
            return expand.out / expand.in;
        }

        int channels() {
            return project.out;
        }

        int stride() {
            return dw.stride;
        }

        boolean residual() {
            return project.residualFrom >= 0;
        }
    }

    /** Consecutive blocks with the same expansion and channels, strided at most in the first. */
    record Stage(int expansion, int channels, int stride, List<Block> blocks) {
        String describe() {
            return expansion + "/" + channels + "/" + blocks.size() + "/" + stride;
        }
    }

    final int inputSize;
    final Layer stemConv;
    final Layer stemDw;
    /** the separable stem's linear 1x1 conv, or null */
    final Layer stemPointwise;
    final List<Stage> stages;
    final Layer headConv;
    final Layer gdconv;
    /** everything after the global depthwise conv (linear 1x1 convs) as one affine map: {@code [dims][features]} */
    final double[][] tail;
    final double[] tailBias;

    private TeacherNet(int inputSize, Layer stemConv, Layer stemDw, Layer stemPointwise, List<Stage> stages,
            Layer headConv, Layer gdconv, double[][] tail, double[] tailBias) {
        this.inputSize = inputSize;
        this.stemConv = stemConv;
        this.stemDw = stemDw;
        this.stemPointwise = stemPointwise;
        this.stages = List.copyOf(stages);
        this.headConv = headConv;
        this.gdconv = gdconv;
        this.tail = tail;
        this.tailBias = tailBias;
    }

    /** Embedding dimensions of the teacher. */
    int dims() {
        return tail.length;
    }

    /** e.g. {@code 112x112, stem 64 (+1x1), stages t/c/n/s 2/64/5/2 4/128/1/2 ..., conv1x1 512, gdconv 7x7, 192-d}. */
    String describe() {
        StringBuilder s = new StringBuilder().append(inputSize).append('x').append(inputSize).append(", stem ")
                .append(stemConv.out).append(stemPointwise != null ? " (+1x1)" : "").append(", stages t/c/n/s");
        for (Stage stage : stages) {
            s.append(' ').append(stage.describe());
        }
        return s.append(", conv1x1 ").append(headConv.out).append(", gdconv ").append(gdconv.kernel).append('x')
                .append(gdconv.kernel).append(", ").append(dims()).append("-d").toString();
    }

    /**
     * @throws IOException if the file is missing, not a TFLite model, or not a MobileFaceNet
     */
    static TeacherNet read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("teacher model " + file + " does not exist (the pretrained MobileFaceNet .tflite;"
                    + " build models/expo-face-models or give --teacher FILE)");
        }
        TfliteModel model;
        try {
            model = TfliteReader.read(file);
        } catch (RuntimeException e) { // ModelImportException, or anything a damaged flatbuffer throws
            throw new IOException("teacher model " + file + " is not a readable TFLite model: " + e.getMessage(), e);
        }
        try {
            return parse(model);
        } catch (IllegalArgumentException e) {
            throw new IOException("teacher model " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws IllegalArgumentException if the model does not have MobileFaceNet's layer structure
     */
    static TeacherNet parse(TfliteModel model) {
        int[] inputs = model.inputs();
        int[] outputs = model.outputs();
        if (inputs.length != 1 || outputs.length != 1) {
            throw notMobileFaceNet("it has " + inputs.length + " inputs and " + outputs.length + " outputs, not 1 and 1");
        }
        int[] inShape = model.tensor(inputs[0]).shape();
        if (inShape.length != 4 || inShape[1] != inShape[2] || inShape[3] != 3) {
            throw notMobileFaceNet("its input is " + Arrays.toString(inShape) + ", not a square RGB image");
        }
        List<Layer> layers = chain(model, inputs[0], outputs[0]);
        return structure(inShape[1], layers);
    }

    /** Walks the operators: convolutions, PReLU patterns, residual adds and a final reshape. */
    private static List<Layer> chain(TfliteModel model, int input, int output) {
        List<Layer> layers = new ArrayList<>();
        List<TfliteModel.Operator> ops = model.operators();
        int current = input;
        boolean currentIsConv = false;
        int i = 0;
        while (i < ops.size()) {
            TfliteModel.Operator op = ops.get(i);
            switch (op.opName()) {
                case "CONV_2D", "DEPTHWISE_CONV_2D" -> {
                    Layer layer = layer(model, op, current);
                    layers.add(layer);
                    current = op.outputs()[0];
                    currentIsConv = true;
                    i++;
                }
                case "RELU" -> {
                    if (!currentIsConv || layers.isEmpty()) {
                        throw notMobileFaceNet(op.describe() + " does not follow a convolution");
                    }
                    layers.get(layers.size() - 1).slopes = preluSlopes(model, ops, i, current,
                            layers.get(layers.size() - 1).out);
                    current = ops.get(i + 4).outputs()[0];
                    currentIsConv = false;
                    i += 5;
                }
                case "ADD" -> {
                    int[] in = op.inputs();
                    if (in.length != 2 || !(in[0] == current || in[1] == current) || layers.isEmpty()
                            || model.tensor(in[0]).isConstant() || model.tensor(in[1]).isConstant()
                            || !(op.options() instanceof Options.Arithmetic a) || a.activation() != Options.Activation.NONE) {
                        throw notMobileFaceNet(op.describe() + " is neither part of a PReLU nor a residual add");
                    }
                    Layer last = layers.get(layers.size() - 1);
                    if (last.prelu() || last.residualFrom >= 0) {
                        throw notMobileFaceNet(op.describe() + " adds a residual after " + last.describe());
                    }
                    last.residualFrom = in[0] == current ? in[1] : in[0];
                    current = op.outputs()[0];
                    currentIsConv = false;
                    i++;
                }
                case "RESHAPE" -> {
                    if (i != ops.size() - 1 || op.inputs()[0] != current) {
                        throw notMobileFaceNet(op.describe() + " is not the final flattening");
                    }
                    current = op.outputs()[0];
                    i++;
                }
                default -> throw notMobileFaceNet(op.describe() + " is not one of MobileFaceNet's operators"
                        + " (conv, depthwise conv, PReLU as relu/abs/sub/mul/add, residual add, reshape)");
            }
        }
        if (current != output) {
            throw notMobileFaceNet("the operator chain does not end at the model output");
        }
        return layers;
    }

    private static Layer layer(TfliteModel model, TfliteModel.Operator op, int current) {
        int[] in = op.inputs();
        if (in.length < 2 || in[0] != current) {
            throw notMobileFaceNet(op.describe() + " does not take the previous layer's output (branching is not supported)");
        }
        boolean depthwise = op.opName().equals("DEPTHWISE_CONV_2D");
        int strideW;
        int strideH;
        Options.Padding padding;
        Options.Activation activation;
        int dilation;
        if (op.options() instanceof Options.Conv2D o && !depthwise) {
            strideW = o.strideW();
            strideH = o.strideH();
            padding = o.padding();
            activation = o.activation();
            dilation = Math.max(o.dilationW(), o.dilationH());
        } else if (op.options() instanceof Options.DepthwiseConv2D o && depthwise) {
            strideW = o.strideW();
            strideH = o.strideH();
            padding = o.padding();
            activation = o.activation();
            dilation = Math.max(o.dilationW(), o.dilationH());
        } else {
            throw notMobileFaceNet(op.describe() + " has options " + op.options());
        }
        if (strideW != strideH || strideW < 1 || activation != Options.Activation.NONE || dilation != 1) {
            throw notMobileFaceNet(op.describe() + " has strides " + strideW + "x" + strideH + ", fused activation "
                    + activation + ", dilation " + dilation + " (expected square strides, no fused activation, no dilation)");
        }
        TfliteModel.Tensor x = model.tensor(in[0]);
        TfliteModel.Tensor filter = model.tensor(in[1]);
        if (!filter.isConstant() || filter.type() != TfliteModel.TYPE_FLOAT32 || filter.rank() != 4
                || filter.dim(1) != filter.dim(2) || x.rank() != 4) {
            throw notMobileFaceNet(op.describe() + " has filter " + filter.describe() + " (a constant float32 square"
                    + " filter of rank 4 is expected)");
        }
        int k = filter.dim(1);
        int inC = x.dim(3);
        float[] weights;
        int outC;
        if (depthwise) {
            if (filter.dim(0) != 1 || filter.dim(3) != inC) {
                throw notMobileFaceNet(op.describe() + ": filter " + filter.describe() + " is not a depthwise filter"
                        + " (multiplier 1) over " + inC + " channels");
            }
            outC = inC;
            weights = filter.floats(); // [1, k, k, C] is TF's [k, k, C, 1] in memory
        } else {
            outC = filter.dim(0);
            if (filter.dim(3) != inC) {
                throw notMobileFaceNet(op.describe() + ": filter " + filter.describe() + " does not take " + inC + " channels");
            }
            weights = filter.hwioFilter();
        }
        float[] bias = new float[outC];
        if (in.length > 2 && in[2] >= 0) {
            TfliteModel.Tensor b = model.tensor(in[2]);
            if (!b.isConstant() || b.type() != TfliteModel.TYPE_FLOAT32 || b.elementCount() != outC) {
                throw notMobileFaceNet(op.describe() + " has bias " + b.describe());
            }
            bias = b.floats();
        }
        return new Layer(op.index(), depthwise, k, inC, outC, strideW, padding.name(), weights, bias, in[0], x.dim(1));
    }

    /** {@code RELU(x), ABS(x), SUB(x, abs), MUL(a, sub), ADD(relu, mul)} at {@code i}: slopes {@code 2a}. */
    private static float[] preluSlopes(TfliteModel model, List<TfliteModel.Operator> ops, int i, int x, int channels) {
        if (i + 4 >= ops.size()) {
            throw notMobileFaceNet(ops.get(i).describe() + " does not start a PReLU (relu, abs, sub, mul, add)");
        }
        TfliteModel.Operator relu = ops.get(i);
        TfliteModel.Operator abs = ops.get(i + 1);
        TfliteModel.Operator sub = ops.get(i + 2);
        TfliteModel.Operator mul = ops.get(i + 3);
        TfliteModel.Operator add = ops.get(i + 4);
        int r = relu.outputs()[0];
        int a = abs.outputs()[0];
        int d = sub.outputs()[0];
        int m = mul.outputs()[0];
        boolean shape = relu.inputs()[0] == x && abs.opName().equals("ABS") && abs.inputs()[0] == x
                && sub.opName().equals("SUB") && Arrays.equals(sub.inputs(), new int[] {x, a})
                && mul.opName().equals("MUL") && mul.inputs().length == 2
                && (mul.inputs()[0] == d || mul.inputs()[1] == d)
                && add.opName().equals("ADD") && add.inputs().length == 2
                && ((add.inputs()[0] == r && add.inputs()[1] == m) || (add.inputs()[0] == m && add.inputs()[1] == r));
        for (TfliteModel.Operator op : List.of(sub, mul, add)) {
            shape &= op.options() instanceof Options.Arithmetic o && o.activation() == Options.Activation.NONE;
        }
        if (!shape) {
            throw notMobileFaceNet("operators #" + i + "-#" + (i + 4) + " are not a PReLU (relu(x) + a * (x - |x|))");
        }
        TfliteModel.Tensor slope = model.tensor(mul.inputs()[0] == d ? mul.inputs()[1] : mul.inputs()[0]);
        if (!slope.isConstant() || slope.type() != TfliteModel.TYPE_FLOAT32 || slope.elementCount() != channels) {
            throw notMobileFaceNet(mul.describe() + " multiplies by " + slope.describe() + ", not " + channels + " slopes");
        }
        float[] v = slope.floats();
        for (int c = 0; c < v.length; c++) {
            v[c] *= 2; // x - |x| = 2 min(x, 0)
        }
        return v;
    }

    /** Groups the layer chain into stem, stages and head. */
    private static TeacherNet structure(int inputSize, List<Layer> layers) {
        int p = 0;
        Layer stemConv = expect(layers, p++, "the stem conv3x3/2 with PReLU", l -> !l.depthwise && l.kernel == 3
                && l.stride == 2 && l.in == 3 && l.prelu());
        Layer stemDw = expect(layers, p++, "the stem depthwise conv3x3 with PReLU", l -> l.depthwise && l.kernel == 3
                && l.stride == 1 && l.prelu() && l.in == stemConv.out);
        Layer stemPointwise = null;
        if (p < layers.size() && pointwise(layers.get(p), false) && layers.get(p).in == stemDw.out
                && layers.get(p).out == stemDw.out && layers.get(p).residualFrom < 0 && isBlock(layers, p + 1)) {
            stemPointwise = layers.get(p++);
        }
        List<Block> blocks = new ArrayList<>();
        while (isBlock(layers, p)) {
            Block b = new Block(layers.get(p), layers.get(p + 1), layers.get(p + 2));
            if (b.expand().residualFrom >= 0 || b.dw().residualFrom >= 0
                    || (b.residual() && b.project().residualFrom != b.expand().inputTensor)) {
                throw notMobileFaceNet("the block at " + b.expand().describe() + " has a residual add that does not"
                        + " skip exactly the block");
            }
            if (b.expand().out % b.expand().in != 0) {
                throw notMobileFaceNet("the block at " + b.expand().describe() + " expands " + b.expand().in
                        + " channels to " + b.expand().out);
            }
            blocks.add(b);
            p += 3;
        }
        if (blocks.isEmpty()) {
            throw notMobileFaceNet("no inverted residual blocks (conv1x1 + PReLU, depthwise conv3x3 + PReLU, linear"
                    + " conv1x1) after the stem");
        }
        Layer headConv = expect(layers, p++, "the conv1x1 with PReLU after the last block", l -> pointwise(l, true)
                && l.in == blocks.get(blocks.size() - 1).channels());
        Layer gdconv = expect(layers, p++, "the linear global depthwise conv", l -> l.depthwise && !l.prelu()
                && l.padding.equals("VALID") && l.kernel == l.inputSize && l.in == headConv.out && l.residualFrom < 0);
        if (p >= layers.size()) {
            throw notMobileFaceNet("no linear conv1x1 after the global depthwise conv");
        }
        int features = gdconv.out;
        double[][] tail = identity(features);
        double[] tailBias = new double[features];
        for (; p < layers.size(); p++) {
            Layer l = layers.get(p);
            int width = tail.length;
            if (!pointwise(l, false) || l.in != width || l.residualFrom >= 0) {
                throw notMobileFaceNet(l.describe() + " follows the global depthwise conv; only linear conv1x1 layers may");
            }
            double[][] next = new double[l.out][features];
            double[] nextBias = new double[l.out];
            for (int o = 0; o < l.out; o++) {
                double b = l.bias[o];
                for (int j = 0; j < width; j++) {
                    double w = l.weights[j * l.out + o];
                    b += w * tailBias[j];
                    double[] row = tail[j];
                    double[] target = next[o];
                    for (int f = 0; f < features; f++) {
                        target[f] += w * row[f];
                    }
                }
                nextBias[o] = b;
            }
            tail = next;
            tailBias = nextBias;
        }
        return new TeacherNet(inputSize, stemConv, stemDw, stemPointwise, stages(blocks), headConv, gdconv, tail, tailBias);
    }

    private static List<Stage> stages(List<Block> blocks) {
        List<Stage> stages = new ArrayList<>();
        List<Block> current = new ArrayList<>();
        for (Block b : blocks) {
            Block first = current.isEmpty() ? null : current.get(0);
            if (first != null && (b.stride() != 1 || b.expansion() != first.expansion() || b.channels() != first.channels())) {
                stages.add(new Stage(first.expansion(), first.channels(), first.stride(), List.copyOf(current)));
                current.clear();
            }
            current.add(b);
        }
        Block first = current.get(0);
        stages.add(new Stage(first.expansion(), first.channels(), first.stride(), List.copyOf(current)));
        return stages;
    }

    private static boolean isBlock(List<Layer> layers, int p) {
        if (p + 2 >= layers.size()) {
            return false;
        }
        Layer expand = layers.get(p);
        Layer dw = layers.get(p + 1);
        Layer project = layers.get(p + 2);
        return pointwise(expand, true) && dw.depthwise && dw.kernel == 3 && dw.prelu() && dw.in == expand.out
                && pointwise(project, false) && project.in == dw.out;
    }

    private static boolean pointwise(Layer l, boolean prelu) {
        return !l.depthwise && l.kernel == 1 && l.stride == 1 && l.prelu() == prelu;
    }

    private static Layer expect(List<Layer> layers, int p, String what, java.util.function.Predicate<Layer> test) {
        if (p >= layers.size()) {
            throw notMobileFaceNet("it ends before " + what);
        }
        Layer l = layers.get(p);
        if (!test.test(l)) {
            throw notMobileFaceNet("expected " + what + ", found " + l.describe());
        }
        return l;
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static IllegalArgumentException notMobileFaceNet(String why) {
        return new IllegalArgumentException("not a MobileFaceNet: " + why);
    }
}
