package io.facegate.modelimport;

/** The builtin options of the supported ops, with the schema's defaults for absent fields. */
public sealed interface Options {

  /** TFLite Padding enum. */
  enum Padding {
    SAME,
    VALID
  }

  /** TFLite ActivationFunctionType enum, in schema order. */
  enum Activation {
    NONE,
    RELU,
    RELU_N1_TO_1,
    RELU6,
    TANH,
    SIGN_BIT
  }

  record None() implements Options {}

  record Conv2D(Padding padding, int strideW, int strideH, Activation activation, int dilationW, int dilationH)
      implements Options {}

  record DepthwiseConv2D(
      Padding padding, int strideW, int strideH, int depthMultiplier, Activation activation, int dilationW,
      int dilationH)
      implements Options {}

  record FullyConnected(Activation activation, int weightsFormat, boolean keepNumDims) implements Options {}

  record Pool2D(Padding padding, int strideW, int strideH, int filterW, int filterH, Activation activation)
      implements Options {}

  /** ADD, SUB, MUL and DIV only carry a fused activation. */
  record Arithmetic(Activation activation) implements Options {}

  record Reducer(boolean keepDims) implements Options {}

  /** {@code newShape} is null when the options give none (the shape then comes from the second input). */
  record Reshape(int[] newShape) implements Options {
    public Reshape {
      newShape = newShape == null ? null : newShape.clone();
    }

    @Override
    public int[] newShape() {
      return newShape == null ? null : newShape.clone();
    }
  }
}
