package io.facegate.modelimport;

import static io.facegate.modelimport.BuiltinOperator.ABS;
import static io.facegate.modelimport.BuiltinOperator.ADD;
import static io.facegate.modelimport.BuiltinOperator.CONV_2D;
import static io.facegate.modelimport.BuiltinOperator.DEPTHWISE_CONV_2D;
import static io.facegate.modelimport.BuiltinOperator.DIV;
import static io.facegate.modelimport.BuiltinOperator.EXP;
import static io.facegate.modelimport.BuiltinOperator.FULLY_CONNECTED;
import static io.facegate.modelimport.BuiltinOperator.MAX_POOL_2D;
import static io.facegate.modelimport.BuiltinOperator.MUL;
import static io.facegate.modelimport.BuiltinOperator.NEG;
import static io.facegate.modelimport.BuiltinOperator.REDUCE_MAX;
import static io.facegate.modelimport.BuiltinOperator.RELU;
import static io.facegate.modelimport.BuiltinOperator.RESHAPE;
import static io.facegate.modelimport.BuiltinOperator.SUB;
import static io.facegate.modelimport.BuiltinOperator.SUM;
import static io.facegate.modelimport.Options.Activation.NONE;
import static io.facegate.modelimport.Options.Padding.SAME;
import static io.facegate.modelimport.Options.Padding.VALID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.modelimport.Options.Activation;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each op mapping against {@link ReferenceOps} on seeded random data. Models go through
 * {@link TfliteWriter} and {@link TfliteReader} first, so option parsing is covered too. Every
 * model runs with batch 1 and 3 (the recorded shapes say batch 1).
 */
class OpMappingTest {
  static final double TOLERANCE = 1e-4;

  private static final Options ARITH = new Options.Arithmetic(NONE);
  private static final Options NO_OPTIONS = new Options.None();

  /** Builds the model for a batch size, runs it in TF and in the reference, and compares. */
  private static void check(String what, TfliteModel model, int... inputShape) {
    TfliteModel parsed = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(model)));
    for (int batch : new int[] {1, 3}) {
      int[] shape = inputShape.clone();
      shape[0] = batch;
      Nd input = Nd.random(new Random(7 + batch), -2f, 2f, shape);
      List<Nd> expected = ReferenceInterpreter.run(model, input);
      List<Nd> actual = TfRunner.run(parsed, input);
      assertEquals(expected.size(), actual.size());
      for (int i = 0; i < expected.size(); i++) {
        double error = Nd.maxAbsError(expected.get(i), actual.get(i));
        String label = what + " (batch " + batch + ", output " + i + ")";
        System.out.printf("max abs error %-55s %.3g%n", label, error);
        assertTrue(error <= TOLERANCE, label + ": max abs error " + error + " > " + TOLERANCE);
      }
    }
  }

  /** A model of one op whose only input is the model input. */
  private static TfliteModel single(int[] inShape, int code, Options options, int... outShape) {
    ModelBuilder b = new ModelBuilder(0);
    int x = b.input(inShape);
    return b.output(b.op(code, options, new int[] {x}, outShape)).build();
  }

  @Test
  void conv2dValidWithBias() {
    ModelBuilder b = new ModelBuilder(1);
    int x = b.input(1, 9, 7, 3);
    int w = b.weights(-1, 1, 10, 3, 3, 3);
    int bias = b.weights(-1, 1, 10);
    b.output(b.op(CONV_2D, new Options.Conv2D(VALID, 1, 1, NONE, 1, 1), new int[] {x, w, bias}, 1, 7, 5, 10));
    check("CONV_2D valid 3x3 + bias", b.build(), 1, 9, 7, 3);
  }

  @Test
  void conv2dSameWithDifferentStridesAndRelu() {
    ModelBuilder b = new ModelBuilder(2);
    int x = b.input(1, 11, 8, 4);
    int w = b.weights(-1, 1, 6, 3, 2, 4);
    int bias = b.weights(-1, 1, 6);
    b.output(b.op(CONV_2D, new Options.Conv2D(SAME, 1, 2, Activation.RELU, 1, 1), new int[] {x, w, bias}, 1, 6, 8, 6));
    check("CONV_2D same 3x2 stride h2 w1 + relu", b.build(), 1, 11, 8, 4);
  }

  @Test
  void conv2dDilatedWithRelu6() {
    ModelBuilder b = new ModelBuilder(3);
    int x = b.input(1, 10, 9, 2);
    int w = b.weights(-1, 1, 5, 3, 3, 2);
    int bias = b.weights(-1, 1, 5);
    b.output(b.op(CONV_2D, new Options.Conv2D(SAME, 1, 1, Activation.RELU6, 2, 2), new int[] {x, w, bias}, 1, 10, 9, 5));
    check("CONV_2D same dilation 2 + relu6", b.build(), 1, 10, 9, 2);
  }

  @Test
  void conv2dWithoutBias() {
    ModelBuilder b = new ModelBuilder(4);
    int x = b.input(1, 9, 7, 3);
    int w = b.weights(-1, 1, 4, 3, 3, 3);
    b.output(b.op(CONV_2D, new Options.Conv2D(VALID, 2, 2, NONE, 1, 1), new int[] {x, w}, 1, 4, 3, 4));
    check("CONV_2D valid stride 2, no bias", b.build(), 1, 9, 7, 3);
  }

  @Test
  void depthwiseMultiplier1SameStride2() {
    ModelBuilder b = new ModelBuilder(5);
    int x = b.input(1, 9, 8, 5);
    int w = b.weights(-1, 1, 1, 3, 3, 5);
    int bias = b.weights(-1, 1, 5);
    b.output(b.op(DEPTHWISE_CONV_2D, new Options.DepthwiseConv2D(SAME, 2, 2, 1, NONE, 1, 1), new int[] {x, w, bias},
        1, 5, 4, 5));
    check("DEPTHWISE_CONV_2D same stride 2, multiplier 1", b.build(), 1, 9, 8, 5);
  }

  @Test
  void depthwiseMultiplier2ValidRelu() {
    ModelBuilder b = new ModelBuilder(6);
    int x = b.input(1, 7, 6, 3);
    int w = b.weights(-1, 1, 1, 3, 2, 6);
    int bias = b.weights(-1, 1, 6);
    // depth_multiplier left 0 as some converters do: the importer derives it from the shapes
    b.output(b.op(DEPTHWISE_CONV_2D, new Options.DepthwiseConv2D(VALID, 1, 1, 0, Activation.RELU, 1, 1),
        new int[] {x, w, bias}, 1, 5, 5, 6));
    check("DEPTHWISE_CONV_2D valid 3x2, multiplier 2 + relu", b.build(), 1, 7, 6, 3);
  }

  @Test
  void depthwiseDilated() {
    ModelBuilder b = new ModelBuilder(7);
    int x = b.input(1, 9, 9, 4);
    int w = b.weights(-1, 1, 1, 3, 3, 4);
    b.output(b.op(DEPTHWISE_CONV_2D, new Options.DepthwiseConv2D(SAME, 1, 1, 1, NONE, 2, 2), new int[] {x, w, -1},
        1, 9, 9, 4));
    check("DEPTHWISE_CONV_2D same dilation 2, no bias", b.build(), 1, 9, 9, 4);
  }

  @Test
  void fullyConnectedFlattensRank4() {
    ModelBuilder b = new ModelBuilder(8);
    int x = b.input(1, 3, 3, 8);
    int w = b.weights(-0.2f, 0.2f, 16, 72);
    int bias = b.weights(-1, 1, 16);
    b.output(b.op(FULLY_CONNECTED, new Options.FullyConnected(Activation.RELU, 0, false), new int[] {x, w, bias}, 1, 16));
    check("FULLY_CONNECTED flatten [3,3,8] -> 16 + relu", b.build(), 1, 3, 3, 8);
  }

  @Test
  void fullyConnectedKeepNumDims() {
    ModelBuilder b = new ModelBuilder(9);
    int x = b.input(1, 4, 6);
    int w = b.weights(-1, 1, 5, 6);
    int bias = b.weights(-1, 1, 5);
    b.output(b.op(FULLY_CONNECTED, new Options.FullyConnected(NONE, 0, true), new int[] {x, w, bias}, 1, 4, 5));
    check("FULLY_CONNECTED keep_num_dims [4,6] -> [4,5]", b.build(), 1, 4, 6);
  }

  @Test
  void fullyConnectedWithoutBias() {
    ModelBuilder b = new ModelBuilder(10);
    int x = b.input(1, 12);
    int w = b.weights(-1, 1, 7, 12);
    b.output(b.op(FULLY_CONNECTED, new Options.FullyConnected(NONE, 0, false), new int[] {x, w, -1}, 1, 7));
    check("FULLY_CONNECTED 12 -> 7, no bias", b.build(), 1, 12);
  }

  @Test
  void maxPoolSameOnOddInput() {
    check("MAX_POOL_2D same 2x2 stride 2, odd size",
        single(new int[] {1, 7, 9, 3}, MAX_POOL_2D, new Options.Pool2D(SAME, 2, 2, 2, 2, NONE), 1, 4, 5, 3),
        1, 7, 9, 3);
  }

  @Test
  void maxPoolValid3x3WithRelu() {
    check("MAX_POOL_2D valid 3x3 stride 2 + relu",
        single(new int[] {1, 9, 8, 2}, MAX_POOL_2D,
            new Options.Pool2D(VALID, 2, 2, 3, 3, Activation.RELU), 1, 4, 3, 2),
        1, 9, 8, 2);
  }

  @Test
  void unaryOps() {
    int[] shape = {1, 4, 5, 3};
    check("RELU", single(shape, RELU, NO_OPTIONS, shape), shape);
    check("NEG", single(shape, NEG, NO_OPTIONS, shape), shape);
    check("ABS", single(shape, ABS, NO_OPTIONS, shape), shape);
    check("EXP", single(shape, EXP, NO_OPTIONS, shape), shape);
  }

  @Test
  void arithmeticBroadcastsConstants() {
    int[] shape = {1, 4, 5, 3};
    ModelBuilder add = new ModelBuilder(14);
    int x = add.input(shape);
    add.output(add.op(ADD, new Options.Arithmetic(Activation.RELU), new int[] {x, add.weights(-1, 1, 3)}, shape));
    check("ADD x + [C] + relu", add.build(), shape);

    ModelBuilder sub = new ModelBuilder(15);
    x = sub.input(shape);
    sub.output(sub.op(SUB, ARITH, new int[] {sub.weights(-1, 1, 3), x}, shape));
    check("SUB [C] - x", sub.build(), shape);

    ModelBuilder mul = new ModelBuilder(16);
    x = mul.input(shape);
    mul.output(mul.op(MUL, new Options.Arithmetic(Activation.RELU6), new int[] {mul.constant(new float[] {2.5f}), x},
        shape));
    check("MUL scalar * x + relu6", mul.build(), shape);

    ModelBuilder div = new ModelBuilder(17);
    x = div.input(shape);
    div.output(div.op(DIV, ARITH, new int[] {x, div.weights(0.5f, 1.5f, 1, 1, 1, 3)}, shape));
    check("DIV x / [1,1,1,C]", div.build(), shape);

    ModelBuilder square = new ModelBuilder(18);
    x = square.input(shape);
    square.output(square.op(MUL, ARITH, new int[] {x, x}, shape));
    check("MUL x * x", square.build(), shape);
  }

  /** The MTCNN softmax: max, subtract, exp, sum, divide, with the computed [N,H,W,1] broadcast. */
  @Test
  void softmaxPatternBroadcastsComputedTensors() {
    int[] shape = {1, 4, 5, 2};
    int[] reduced = {1, 4, 5, 1};
    ModelBuilder b = new ModelBuilder(19);
    int x = b.input(shape);
    int axis = b.ints(new int[] {3});
    int max = b.op(REDUCE_MAX, new Options.Reducer(true), new int[] {x, axis}, reduced);
    int shifted = b.op(SUB, ARITH, new int[] {x, max}, shape);
    int exp = b.op(EXP, NO_OPTIONS, new int[] {shifted}, shape);
    int sum = b.op(SUM, new Options.Reducer(true), new int[] {exp, axis}, reduced);
    b.output(b.op(DIV, ARITH, new int[] {exp, sum}, shape));
    check("softmax: REDUCE_MAX, SUB, EXP, SUM, DIV", b.build(), shape);
  }

  @Test
  void reducers() {
    int[] shape = {1, 4, 5, 3};
    ModelBuilder sum = new ModelBuilder(20);
    int x = sum.input(shape);
    sum.output(sum.op(SUM, new Options.Reducer(false), new int[] {x, sum.ints(new int[] {1, 2}, 2)}, 1, 3));
    check("SUM axes [1,2]", sum.build(), shape);

    ModelBuilder max = new ModelBuilder(21);
    x = max.input(shape);
    max.output(max.op(REDUCE_MAX, new Options.Reducer(true), new int[] {x, max.ints(new int[] {-1})}, 1, 4, 5, 1));
    check("REDUCE_MAX axis -1 keep_dims", max.build(), shape);

    ModelBuilder last = new ModelBuilder(22);
    x = last.input(shape);
    last.output(last.op(SUM, new Options.Reducer(false), new int[] {x, last.ints(new int[] {3}, 1)}, 1, 4, 5));
    check("SUM axis [3]", last.build(), shape);
  }

  /** The MobileFaceNet case: the shape tensor has the frozen batch (2) baked in. */
  @Test
  void reshapeFromShapeTensorFreesTheBatch() {
    ModelBuilder b = new ModelBuilder(23);
    int x = b.input(2, 1, 1, 6);
    int shape = b.ints(new int[] {2, 6}, 2);
    b.output(b.op(RESHAPE, new Options.Reshape(new int[] {2, 6}), new int[] {x, shape}, 2, 6));
    TfliteModel model = b.build();
    assertArrayEquals(new long[] {-1, 1, 1, 6}, TfliteImporter.inputShape(model).asArray());
    check("RESHAPE [2,1,1,6] -> [2,6] via shape tensor", model, 2, 1, 1, 6);
  }

  @Test
  void reshapeFromOptionsWithWildcard() {
    ModelBuilder b = new ModelBuilder(24);
    int x = b.input(1, 3, 4);
    b.output(b.op(RESHAPE, new Options.Reshape(new int[] {1, -1}), new int[] {x}, 1, 12));
    check("RESHAPE [3,4] -> [-1] via new_shape", b.build(), 1, 3, 4);
  }

  @Test
  void fullyConvolutionalNetsGetDynamicHeightAndWidth() {
    ModelBuilder b = new ModelBuilder(25);
    int x = b.input(1, 32, 24, 3);
    int conv = b.op(CONV_2D, new Options.Conv2D(VALID, 1, 1, NONE, 1, 1),
        new int[] {x, b.weights(-1, 1, 4, 3, 3, 3), b.weights(-1, 1, 4)}, 1, 30, 22, 4);
    int pool = b.op(MAX_POOL_2D, new Options.Pool2D(SAME, 2, 2, 2, 2, NONE), new int[] {conv}, 1, 15, 11, 4);
    b.output(b.op(MUL, ARITH, new int[] {b.weights(-1, 1, 4), pool}, 1, 15, 11, 4));
    TfliteModel model = b.build();
    assertArrayEquals(new long[] {-1, -1, -1, 3}, TfliteImporter.inputShape(model).asArray());
    check("conv/pool net at 13x17", model, 1, 13, 17, 3);
    check("conv/pool net at 20x9", model, 1, 20, 9, 3);
  }

  @Test
  void netsWithFixedSizeOpsKeepHeightAndWidth() {
    ModelBuilder fc = new ModelBuilder(26);
    int x = fc.input(1, 3, 3, 8);
    fc.output(fc.op(FULLY_CONNECTED, new Options.FullyConnected(NONE, 0, false), new int[] {x, fc.weights(-1, 1, 4, 72)},
        1, 4));
    assertArrayEquals(new long[] {-1, 3, 3, 8}, TfliteImporter.inputShape(fc.build()).asArray());

    ModelBuilder spatial = new ModelBuilder(27);
    x = spatial.input(1, 3, 3, 2);
    spatial.output(spatial.op(ADD, ARITH, new int[] {x, spatial.weights(-1, 1, 1, 3, 3, 2)}, 1, 3, 3, 2));
    assertArrayEquals(new long[] {-1, 3, 3, 2}, TfliteImporter.inputShape(spatial.build()).asArray());
  }
}
