package io.facegate.modelimport;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link TfliteModel} with {@link ReferenceOps}, directly on the TFLite weight layouts, as
 * the independent oracle for the TensorFlow import. RESHAPE keeps the batch dimension free, like
 * the importer, so other batch sizes than the frozen one can be compared.
 */
final class ReferenceInterpreter {
  private ReferenceInterpreter() {}

  /** The values of the model's output tensors, in the model's output order. */
  static List<Nd> run(TfliteModel model, Nd input) {
    Map<Integer, Nd> values = new HashMap<>();
    values.put(model.inputs()[0], input);
    for (TfliteModel.Operator op : model.operators()) {
      values.put(op.outputs()[0], apply(model, op, values));
    }
    return java.util.Arrays.stream(model.outputs()).mapToObj(values::get).toList();
  }

  private static Nd apply(TfliteModel model, TfliteModel.Operator op, Map<Integer, Nd> values) {
    int[] in = op.inputs();
    Nd x = value(model, in[0], values);
    Nd b = in.length > 1 && in[1] >= 0 ? value(model, in[1], values) : null;
    Nd bias = in.length > 2 && in[2] >= 0 ? value(model, in[2], values) : null;
    return switch (op.builtinCode()) {
      case BuiltinOperator.CONV_2D -> {
        Options.Conv2D o = (Options.Conv2D) op.options();
        yield activation(o.activation(), ReferenceOps.conv2d(x, b, bias, o.strideH(), o.strideW(), o.dilationH(),
            o.dilationW(), o.padding() == Options.Padding.SAME));
      }
      case BuiltinOperator.DEPTHWISE_CONV_2D -> {
        Options.DepthwiseConv2D o = (Options.DepthwiseConv2D) op.options();
        yield activation(o.activation(), ReferenceOps.depthwiseConv2d(x, b, bias, o.strideH(), o.strideW(),
            o.dilationH(), o.dilationW(), o.padding() == Options.Padding.SAME));
      }
      case BuiltinOperator.FULLY_CONNECTED -> {
        Options.FullyConnected o = (Options.FullyConnected) op.options();
        yield activation(o.activation(), ReferenceOps.fullyConnected(x, b, bias, o.keepNumDims()));
      }
      case BuiltinOperator.MAX_POOL_2D -> {
        Options.Pool2D o = (Options.Pool2D) op.options();
        yield activation(o.activation(), ReferenceOps.maxPool(x, o.filterH(), o.filterW(), o.strideH(), o.strideW(),
            o.padding() == Options.Padding.SAME));
      }
      case BuiltinOperator.RELU -> ReferenceOps.map(x, v -> Math.max(v, 0));
      case BuiltinOperator.NEG -> ReferenceOps.map(x, v -> -v);
      case BuiltinOperator.ABS -> ReferenceOps.map(x, Math::abs);
      case BuiltinOperator.EXP -> ReferenceOps.map(x, Math::exp);
      case BuiltinOperator.ADD -> arithmetic(op, ReferenceOps.broadcast(x, b, Double::sum));
      case BuiltinOperator.SUB -> arithmetic(op, ReferenceOps.broadcast(x, b, (p, q) -> p - q));
      case BuiltinOperator.MUL -> arithmetic(op, ReferenceOps.broadcast(x, b, (p, q) -> p * q));
      case BuiltinOperator.DIV -> arithmetic(op, ReferenceOps.broadcast(x, b, (p, q) -> p / q));
      case BuiltinOperator.SUM -> ReferenceOps.reduce(x, model.tensor(in[1]).ints(),
          ((Options.Reducer) op.options()).keepDims(), false);
      case BuiltinOperator.REDUCE_MAX -> ReferenceOps.reduce(x, model.tensor(in[1]).ints(),
          ((Options.Reducer) op.options()).keepDims(), true);
      case BuiltinOperator.RESHAPE -> ReferenceOps.reshape(x, freeBatch(model.tensor(op.outputs()[0]).shape(), x));
      default -> throw new IllegalArgumentException("no reference for " + op.describe());
    };
  }

  /** The recorded output shape with its first dimension recomputed for the actual input. */
  private static int[] freeBatch(int[] recorded, Nd x) {
    int[] shape = recorded.clone();
    shape[0] = 1;
    shape[0] = x.data().length / Nd.size(shape);
    return shape;
  }

  private static Nd value(TfliteModel model, int index, Map<Integer, Nd> values) {
    Nd known = values.get(index);
    if (known != null) {
      return known;
    }
    TfliteModel.Tensor t = model.tensor(index);
    return t.type() == TfliteModel.TYPE_FLOAT32 ? new Nd(t.shape(), t.floats()) : null;
  }

  private static Nd arithmetic(TfliteModel.Operator op, Nd y) {
    return activation(((Options.Arithmetic) op.options()).activation(), y);
  }

  private static Nd activation(Options.Activation activation, Nd y) {
    return switch (activation) {
      case NONE -> y;
      case RELU -> ReferenceOps.map(y, v -> Math.max(v, 0));
      case RELU6 -> ReferenceOps.map(y, v -> Math.min(Math.max(v, 0), 6));
      default -> throw new IllegalArgumentException("no reference for " + activation);
    };
  }
}
