package io.facegate.modelimport;

import io.facegate.modelimport.Options.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.types.TFloat32;

/**
 * Rebuilds a float32 TFLite model as a TensorFlow graph with the same weights as constants.
 *
 * <p>TFLite and TensorFlow both use NHWC activations, so only filters change layout. The batch
 * dimension of the input becomes dynamic; height and width too when nothing in the net fixes them
 * (no FULLY_CONNECTED, no RESHAPE, no constant with a spatial extent). An instance imports one
 * model into one graph.
 */
public final class TfliteImporter {
  /** Name of the input placeholder and of the signature input. */
  public static final String INPUT_NAME = "input";

  private static final List<Integer> SUPPORTED = List.of(
      BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.FULLY_CONNECTED,
      BuiltinOperator.MAX_POOL_2D, BuiltinOperator.RELU, BuiltinOperator.NEG, BuiltinOperator.ABS,
      BuiltinOperator.EXP, BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL, BuiltinOperator.DIV,
      BuiltinOperator.SUM, BuiltinOperator.REDUCE_MAX, BuiltinOperator.RESHAPE);

  private final TfliteModel model;
  private final Ops tf;
  private final Ops net;
  private final Map<Integer, Operand<TFloat32>> values = new HashMap<>();
  private final Map<Integer, Long> weights = new HashMap<>();

  private TfliteImporter(TfliteModel model, Graph graph) {
    this.model = model;
    this.tf = Ops.create(graph);
    // Keeps generated op names apart from the top-level input and output names.
    this.net = tf.withSubScope("net");
  }

  /** Adds the model to {@code graph}; outputs are identities named as the bindings say. */
  public static ImportedGraph importInto(Graph graph, TfliteModel model, List<OutputBinding> outputs) {
    return new TfliteImporter(model, graph).build(outputs);
  }

  /** The input shape the imported graph accepts, -1 marking dynamic dimensions. */
  public static Shape inputShape(TfliteModel model) {
    TfliteModel.Tensor input = singleInput(model);
    long[] dims = Arrays.stream(input.shape()).asLongStream().toArray();
    if (dims.length == 0) {
      throw new UnsupportedModelException("the input " + input.describe() + " is a scalar; a batch dimension is needed");
    }
    dims[0] = -1;
    if (dims.length == 4 && spatiallyFree(model)) {
      dims[1] = -1;
      dims[2] = -1;
    }
    return Shape.of(dims);
  }

  private ImportedGraph build(List<OutputBinding> outputs) {
    checkSupported();
    TfliteModel.Tensor inputTensor = singleInput(model);
    checkFloat(inputTensor, "the model input");
    Shape shape = inputShape(model);
    Placeholder<TFloat32> input =
        tf.withName(INPUT_NAME).placeholder(TFloat32.class, Placeholder.shape(shape));
    values.put(inputTensor.index(), input);
    for (TfliteModel.Operator op : model.operators()) {
      int[] out = op.outputs();
      if (out.length != 1) {
        throw new MalformedModelException(op.describe() + " has " + out.length + " outputs, expected 1");
      }
      checkFloat(model.tensor(out[0]), op.describe() + " output");
      values.put(out[0], convert(op));
    }
    Map<String, Operand<TFloat32>> named = new LinkedHashMap<>();
    for (OutputBinding binding : outputs) {
      named.put(binding.name(), tf.withName(binding.name()).identity(value(binding.tensorIndex(), "model output")));
    }
    long parameters = weights.values().stream().mapToLong(Long::longValue).sum();
    return new ImportedGraph(input, shape, named, parameters);
  }

  private void checkSupported() {
    Map<String, Integer> unsupported = new TreeMap<>();
    for (TfliteModel.Operator op : model.operators()) {
      if (op.customCode() != null || !SUPPORTED.contains(op.builtinCode())) {
        unsupported.merge(op.opName(), 1, Integer::sum);
      }
    }
    if (!unsupported.isEmpty()) {
      List<String> list = new ArrayList<>();
      unsupported.forEach((name, count) -> list.add(name + " (" + count + "x)"));
      throw new UnsupportedModelException("unsupported ops: " + String.join(", ", list) + "; supported are "
          + SUPPORTED.stream().map(BuiltinOperator::name).toList());
    }
  }

  private static TfliteModel.Tensor singleInput(TfliteModel model) {
    int[] inputs = model.inputs();
    if (inputs.length != 1) {
      throw new UnsupportedModelException("the model has " + inputs.length + " inputs; exactly one is supported");
    }
    return model.tensor(inputs[0]);
  }

  /** True when no op ties the net to the input's frozen height and width. */
  private static boolean spatiallyFree(TfliteModel model) {
    for (TfliteModel.Operator op : model.operators()) {
      int code = op.builtinCode();
      if (code == BuiltinOperator.FULLY_CONNECTED || code == BuiltinOperator.RESHAPE) {
        return false;
      }
      if (code == BuiltinOperator.ADD || code == BuiltinOperator.SUB || code == BuiltinOperator.MUL
          || code == BuiltinOperator.DIV) {
        for (int i : op.inputs()) {
          TfliteModel.Tensor t = model.tensor(i);
          if (t.isConstant() && t.rank() >= 3 && (t.dim(t.rank() - 3) > 1 || t.dim(t.rank() - 2) > 1)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private Operand<TFloat32> convert(TfliteModel.Operator op) {
    return switch (op.builtinCode()) {
      case BuiltinOperator.CONV_2D -> conv2d(op, options(op, Options.Conv2D.class));
      case BuiltinOperator.DEPTHWISE_CONV_2D -> depthwiseConv2d(op, options(op, Options.DepthwiseConv2D.class));
      case BuiltinOperator.FULLY_CONNECTED -> fullyConnected(op, options(op, Options.FullyConnected.class));
      case BuiltinOperator.MAX_POOL_2D -> maxPool(op, options(op, Options.Pool2D.class));
      case BuiltinOperator.RELU -> net.nn.relu(input(op, 0));
      case BuiltinOperator.NEG -> net.math.neg(input(op, 0));
      case BuiltinOperator.ABS -> net.math.abs(input(op, 0));
      case BuiltinOperator.EXP -> net.math.exp(input(op, 0));
      case BuiltinOperator.ADD -> activation(op, net.math.add(input(op, 0), input(op, 1)));
      case BuiltinOperator.SUB -> activation(op, net.math.sub(input(op, 0), input(op, 1)));
      case BuiltinOperator.MUL -> activation(op, net.math.mul(input(op, 0), input(op, 1)));
      case BuiltinOperator.DIV -> activation(op, net.math.div(input(op, 0), input(op, 1)));
      case BuiltinOperator.SUM -> net.sum(input(op, 0), net.constant(constantInts(op, 1, "axes")),
          Sum.keepDims(options(op, Options.Reducer.class).keepDims()));
      case BuiltinOperator.REDUCE_MAX -> net.max(input(op, 0), net.constant(constantInts(op, 1, "axes")),
          Max.keepDims(options(op, Options.Reducer.class).keepDims()));
      case BuiltinOperator.RESHAPE -> reshape(op, options(op, Options.Reshape.class));
      default -> throw new UnsupportedModelException(op.describe() + " is not supported");
    };
  }

  private static <T extends Options> T options(TfliteModel.Operator op, Class<T> type) {
    if (!type.isInstance(op.options())) {
      throw new MalformedModelException(op.describe() + " has options " + op.options() + ", expected " + type.getSimpleName());
    }
    return type.cast(op.options());
  }

  private Operand<TFloat32> conv2d(TfliteModel.Operator op, Options.Conv2D o) {
    TfliteModel.Tensor filter = constantFloat(op, 1, "filter", 4);
    int outC = filter.dim(0);
    int kh = filter.dim(1);
    int kw = filter.dim(2);
    int inC = filter.dim(3);
    float[] hwio = filter.hwioFilter();
    Operand<TFloat32> y = net.nn.conv2d(
        input(op, 0),
        net.constant(Shape.of(kh, kw, inC, outC), DataBuffers.of(hwio, true, false)),
        strides(op, o.strideH(), o.strideW()),
        o.padding().name(),
        Conv2d.dilations(strides(op, o.dilationH(), o.dilationW())));
    return activation(op, o.activation(), bias(op, y));
  }

  private Operand<TFloat32> depthwiseConv2d(TfliteModel.Operator op, Options.DepthwiseConv2D o) {
    TfliteModel.Tensor filter = constantFloat(op, 1, "filter", 4);
    int inC = model.tensor(op.inputs()[0]).dim(3);
    if (filter.dim(0) != 1 || inC <= 0 || filter.dim(3) % inC != 0) {
      throw new UnsupportedModelException(op.describe() + ": filter " + filter.describe()
          + " does not fit " + inC + " input channels");
    }
    // The multiplier follows from the shapes (converters do not always fill the option); the
    // [1,H,W,C*M] layout is already TF's [H,W,C,M] in memory.
    int multiplier = filter.dim(3) / inC;
    Operand<TFloat32> y = net.nn.depthwiseConv2dNative(
        input(op, 0),
        net.constant(Shape.of(filter.dim(1), filter.dim(2), inC, multiplier), DataBuffers.of(filter.floats(), true, false)),
        strides(op, o.strideH(), o.strideW()),
        o.padding().name(),
        DepthwiseConv2dNative.dilations(strides(op, o.dilationH(), o.dilationW())));
    return activation(op, o.activation(), bias(op, y));
  }

  private Operand<TFloat32> fullyConnected(TfliteModel.Operator op, Options.FullyConnected o) {
    if (o.weightsFormat() != 0) {
      throw new UnsupportedModelException(op.describe() + " uses shuffled weights format " + o.weightsFormat());
    }
    TfliteModel.Tensor weights = constantFloat(op, 1, "weights", 2);
    int units = weights.dim(0);
    int depth = weights.dim(1);
    float[] outIn = weights.floats();
    float[] inOut = new float[outIn.length];
    for (int u = 0; u < units; u++) {
      for (int d = 0; d < depth; d++) {
        inOut[d * units + u] = outIn[u * depth + d];
      }
    }
    // TFLite flattens all leading dimensions into the batch.
    Operand<TFloat32> flat = net.reshape(input(op, 0), net.constant(new int[] {-1, depth}));
    Operand<TFloat32> y = bias(op, net.linalg.matMul(
        flat, net.constant(Shape.of(depth, units), DataBuffers.of(inOut, true, false))));
    int[] inShape = model.tensor(op.inputs()[0]).shape();
    if (o.keepNumDims() && inShape.length > 2) {
      int[] target = Arrays.copyOf(inShape, inShape.length);
      target[0] = -1;
      target[target.length - 1] = units;
      y = net.reshape(y, net.constant(target));
    }
    return activation(op, o.activation(), y);
  }

  private Operand<TFloat32> maxPool(TfliteModel.Operator op, Options.Pool2D o) {
    if (o.filterW() <= 0 || o.filterH() <= 0) {
      throw new MalformedModelException(op.describe() + " has filter size " + o.filterH() + "x" + o.filterW());
    }
    Operand<TFloat32> y = net.nn.maxPool(
        input(op, 0),
        net.constant(new int[] {1, o.filterH(), o.filterW(), 1}),
        net.constant(new int[] {1, positive(op, o.strideH()), positive(op, o.strideW()), 1}),
        o.padding().name());
    return activation(op, o.activation(), y);
  }

  /** Rewrites the frozen batch of the target shape to -1 so that any batch size works. */
  private Operand<TFloat32> reshape(TfliteModel.Operator op, Options.Reshape o) {
    int[] in = op.inputs();
    int[] target;
    if (in.length > 1 && in[1] >= 0) {
      target = constantInts(op, 1, "shape");
    } else if (o.newShape() != null) {
      target = o.newShape();
    } else {
      throw new UnsupportedModelException(op.describe() + " has neither a constant shape input nor new_shape");
    }
    TfliteModel.Tensor source = model.tensor(in[0]);
    int[] resolved = resolveWildcard(op, target, source.elementCount());
    if (resolved.length == 0 || source.rank() == 0 || resolved[0] != source.dim(0)) {
      throw new UnsupportedModelException(op.describe() + " reshapes " + Arrays.toString(source.shape()) + " to "
          + Arrays.toString(target) + ", which does not keep the batch dimension first");
    }
    resolved[0] = -1;
    return net.reshape(input(op, 0), net.constant(resolved));
  }

  private static int[] resolveWildcard(TfliteModel.Operator op, int[] target, long elements) {
    int[] resolved = target.clone();
    long known = 1;
    int wildcard = -1;
    for (int i = 0; i < resolved.length; i++) {
      if (resolved[i] == -1 && wildcard < 0) {
        wildcard = i;
      } else if (resolved[i] <= 0) {
        throw new UnsupportedModelException(op.describe() + " has target shape " + Arrays.toString(target));
      } else {
        known *= resolved[i];
      }
    }
    if (wildcard >= 0) {
      resolved[wildcard] = (int) (elements / known);
      known *= resolved[wildcard];
    }
    if (known != elements) {
      throw new MalformedModelException(op.describe() + " cannot reshape " + elements + " elements to "
          + Arrays.toString(target));
    }
    return resolved;
  }

  private Operand<TFloat32> bias(TfliteModel.Operator op, Operand<TFloat32> y) {
    int[] in = op.inputs();
    return in.length > 2 && in[2] >= 0 ? net.nn.biasAdd(y, input(op, 2)) : y;
  }

  private Operand<TFloat32> activation(TfliteModel.Operator op, Operand<TFloat32> y) {
    return activation(op, options(op, Options.Arithmetic.class).activation(), y);
  }

  private Operand<TFloat32> activation(TfliteModel.Operator op, Activation activation, Operand<TFloat32> y) {
    return switch (activation) {
      case NONE -> y;
      case RELU -> net.nn.relu(y);
      case RELU6 -> net.nn.relu6(y);
      default -> throw new UnsupportedModelException(op.describe() + " uses fused activation " + activation);
    };
  }

  private static List<Long> strides(TfliteModel.Operator op, int h, int w) {
    return List.of(1L, (long) positive(op, h), (long) positive(op, w), 1L);
  }

  private static int positive(TfliteModel.Operator op, int value) {
    if (value <= 0) {
      throw new MalformedModelException(op.describe() + " has a stride or dilation of " + value);
    }
    return value;
  }

  private Operand<TFloat32> input(TfliteModel.Operator op, int position) {
    int[] in = op.inputs();
    if (position >= in.length || in[position] < 0) {
      throw new MalformedModelException(op.describe() + " lacks input " + position);
    }
    return value(in[position], op.describe() + " input " + position);
  }

  /** The graph value of a tensor: computed earlier, or a constant created on first use. */
  private Operand<TFloat32> value(int index, String role) {
    Operand<TFloat32> known = values.get(index);
    if (known != null) {
      return known;
    }
    TfliteModel.Tensor t = model.tensor(index);
    if (!t.isConstant()) {
      throw new MalformedModelException(role + " reads " + t.describe() + " before any operator computes it");
    }
    checkFloat(t, role);
    weights.put(index, t.elementCount());
    Operand<TFloat32> constant = net.constant(shapeOf(t), DataBuffers.of(t.floats(), true, false));
    values.put(index, constant);
    return constant;
  }

  /** A constant float input that the importer re-lays out in Java (filters and weights). */
  private TfliteModel.Tensor constantFloat(TfliteModel.Operator op, int position, String role, int rank) {
    int[] in = op.inputs();
    if (position >= in.length || in[position] < 0) {
      throw new MalformedModelException(op.describe() + " lacks its " + role);
    }
    TfliteModel.Tensor t = model.tensor(in[position]);
    if (!t.isConstant()) {
      throw new UnsupportedModelException(op.describe() + " has a non-constant " + role + " " + t.describe());
    }
    checkFloat(t, op.describe() + " " + role);
    if (t.rank() != rank) {
      throw new MalformedModelException(op.describe() + " " + role + " " + t.describe() + " is not of rank " + rank);
    }
    weights.put(t.index(), t.elementCount());
    return t;
  }

  private int[] constantInts(TfliteModel.Operator op, int position, String role) {
    int[] in = op.inputs();
    if (position >= in.length || in[position] < 0) {
      throw new MalformedModelException(op.describe() + " lacks its " + role + " input");
    }
    TfliteModel.Tensor t = model.tensor(in[position]);
    if (!t.isConstant() || t.type() != TfliteModel.TYPE_INT32) {
      throw new UnsupportedModelException(op.describe() + " needs a constant INT32 " + role + ", got " + t.describe());
    }
    return t.ints();
  }

  private static void checkFloat(TfliteModel.Tensor t, String role) {
    if (t.type() != TfliteModel.TYPE_FLOAT32) {
      throw new UnsupportedModelException(
          role + ": " + t.describe() + " is not FLOAT32; quantised and other non-float models are not supported");
    }
    if (t.quantized()) {
      throw new UnsupportedModelException(role + ": " + t.describe() + " carries quantization parameters");
    }
  }

  private static Shape shapeOf(TfliteModel.Tensor t) {
    return t.rank() == 0 ? Shape.scalar() : Shape.of(Arrays.stream(t.shape()).asLongStream().toArray());
  }
}
