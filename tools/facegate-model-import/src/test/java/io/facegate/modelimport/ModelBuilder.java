package io.facegate.modelimport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helper that assembles small {@link TfliteModel}s op by op. */
final class ModelBuilder {
  private final List<TfliteModel.Tensor> tensors = new ArrayList<>();
  private final List<TfliteModel.Operator> operators = new ArrayList<>();
  private final List<Integer> inputs = new ArrayList<>();
  private final List<Integer> outputs = new ArrayList<>();
  private final Random random;

  ModelBuilder(long seed) {
    this.random = new Random(seed);
  }

  int input(int... shape) {
    int index = tensor("input", TfliteModel.TYPE_FLOAT32, null, false, shape);
    inputs.add(index);
    return index;
  }

  int tensor(String name, int type, ByteBuffer data, boolean quantized, int... shape) {
    tensors.add(new TfliteModel.Tensor(tensors.size(), name, shape, type, data, quantized));
    return tensors.size() - 1;
  }

  /** A float constant with uniform random values in [lo, hi). */
  int weights(float lo, float hi, int... shape) {
    return constant(Nd.random(random, lo, hi, shape).data(), shape);
  }

  int constant(float[] values, int... shape) {
    ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(values);
    return tensor("const" + tensors.size(), TfliteModel.TYPE_FLOAT32, data, false, shape);
  }

  int ints(int[] values, int... shape) {
    ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    data.asIntBuffer().put(values);
    return tensor("ints" + tensors.size(), TfliteModel.TYPE_INT32, data, false, shape);
  }

  /** Adds an operator whose single output has {@code outShape}; returns the output tensor. */
  int op(int code, Options options, int[] in, int... outShape) {
    int out = tensor(BuiltinOperator.name(code).toLowerCase() + "_" + operators.size(), TfliteModel.TYPE_FLOAT32,
        null, false, outShape);
    operators.add(new TfliteModel.Operator(operators.size(), code, null, in, new int[] {out}, options));
    return out;
  }

  ModelBuilder output(int tensor) {
    outputs.add(tensor);
    return this;
  }

  TfliteModel build() {
    return new TfliteModel(3, "test model", tensors, operators,
        inputs.stream().mapToInt(Integer::intValue).toArray(), outputs.stream().mapToInt(Integer::intValue).toArray());
  }
}
