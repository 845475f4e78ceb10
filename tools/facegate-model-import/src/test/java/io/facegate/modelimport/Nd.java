package io.facegate.modelimport;

import java.util.Arrays;
import java.util.Random;

/** A dense row-major float array with a shape, for the plain-Java reference. */
record Nd(int[] shape, float[] data) {
  Nd {
    if (size(shape) != data.length) {
      throw new IllegalArgumentException(Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
  }

  static Nd zeros(int... shape) {
    return new Nd(shape, new float[size(shape)]);
  }

  /** Uniform values in [lo, hi). */
  static Nd random(Random random, float lo, float hi, int... shape) {
    float[] data = new float[size(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = lo + (hi - lo) * random.nextFloat();
    }
    return new Nd(shape, data);
  }

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  int rank() {
    return shape.length;
  }

  int dim(int i) {
    return shape[i];
  }

  /** Largest absolute difference; the shapes must agree. */
  static double maxAbsError(Nd expected, Nd actual) {
    if (!Arrays.equals(expected.shape, actual.shape)) {
      throw new AssertionError("shape " + Arrays.toString(actual.shape) + " != expected " + Arrays.toString(expected.shape));
    }
    double max = 0;
    for (int i = 0; i < expected.data.length; i++) {
      max = Math.max(max, Math.abs((double) expected.data[i] - actual.data[i]));
    }
    return max;
  }
}
