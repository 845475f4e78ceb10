package io.facegate.modelimport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The parts of a TFLite model (its single subgraph) the importer needs, decoupled from the
 * flatbuffer so that op mappings can be tested on models built in code.
 */
public record TfliteModel(
    int schemaVersion,
    String description,
    List<Tensor> tensors,
    List<Operator> operators,
    int[] inputs,
    int[] outputs) {

  public static final int TYPE_FLOAT32 = 0;
  public static final int TYPE_INT32 = 2;

  private static final String[] TYPE_NAMES = {
    "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16", "COMPLEX64", "INT8",
    "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4"
  };

  public TfliteModel {
    tensors = List.copyOf(tensors);
    operators = List.copyOf(operators);
    inputs = inputs.clone();
    outputs = outputs.clone();
  }

  public Tensor tensor(int index) {
    if (index < 0 || index >= tensors.size()) {
      throw new MalformedModelException("tensor index " + index + " out of range (model has " + tensors.size() + ")");
    }
    return tensors.get(index);
  }

  @Override
  public int[] inputs() {
    return inputs.clone();
  }

  @Override
  public int[] outputs() {
    return outputs.clone();
  }

  public static String typeName(int type) {
    return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "type " + type;
  }

  /**
   * A tensor; {@code data} is the little-endian content of a constant, or null for activations.
   * {@code quantized} is true when the tensor carries quantization parameters (scale or zero point).
   */
  public record Tensor(int index, String name, int[] shape, int type, ByteBuffer data, boolean quantized) {
    public Tensor {
      shape = shape.clone();
      data = data == null ? null : data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    public int rank() {
      return shape.length;
    }

    public int dim(int i) {
      return shape[i];
    }

    public boolean isConstant() {
      return data != null;
    }

    public long elementCount() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }

    /**
     * A float conv filter, TFLite's {@code [out, kh, kw, in]}, in TensorFlow's {@code [kh, kw, in, out]}
     * order; the caller has checked the type and rank.
     */
    public float[] hwioFilter() {
      int out = shape[0];
      int kh = shape[1];
      int kw = shape[2];
      int in = shape[3];
      float[] ohwi = floats();
      float[] hwio = new float[ohwi.length];
      for (int o = 0; o < out; o++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            for (int i = 0; i < in; i++) {
              hwio[((y * kw + x) * in + i) * out + o] = ohwi[((o * kh + y) * kw + x) * in + i];
            }
          }
        }
      }
      return hwio;
    }

    /** The constant's values; the caller has checked the type. */
    public float[] floats() {
      float[] values = new float[data.remaining() / 4];
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return values;
    }

    /** The constant's values; the caller has checked the type. */
    public int[] ints() {
      int[] values = new int[data.remaining() / 4];
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(values);
      return values;
    }

    /** How error messages name a tensor. */
    public String describe() {
      return "tensor #" + index + " '" + name + "' " + Arrays.toString(shape) + " " + typeName(type);
    }
  }

  /**
   * One operator; {@code inputs} may hold -1 for an omitted optional input. {@code options} is
   * the parsed builtin options table for the ops the importer supports, else {@link Options.None}.
   */
  public record Operator(int index, int builtinCode, String customCode, int[] inputs, int[] outputs, Options options) {
    public Operator {
      inputs = inputs.clone();
      outputs = outputs.clone();
    }

    @Override
    public int[] inputs() {
      return inputs.clone();
    }

    @Override
    public int[] outputs() {
      return outputs.clone();
    }

    public String opName() {
      return customCode != null ? "CUSTOM(" + customCode + ")" : BuiltinOperator.name(builtinCode);
    }

    public String describe() {
      return "operator #" + index + " " + opName();
    }
  }
}
