package io.facegate.modelimport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.modelimport.Options.Activation;
import io.facegate.modelimport.Options.Padding;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;

/** What the importer refuses, and that the message names the culprit. */
class UnsupportedModelTest {

  private static String failure(TfliteModel model) {
    try (Graph graph = new Graph()) {
      return assertThrows(UnsupportedModelException.class,
          () -> TfliteImporter.importInto(graph, model, OutputBinding.resolve(model, List.of()))).getMessage();
    }
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + message + "' does not mention '" + part + "'");
    }
  }

  @Test
  void quantisedWeights() {
    ModelBuilder b = new ModelBuilder(1);
    int x = b.input(1, 4, 4, 1);
    int w = b.tensor("conv/weights_int8", 9, ByteBuffer.allocate(9), false, 1, 3, 3, 1);
    b.output(b.op(BuiltinOperator.CONV_2D, new Options.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1),
        new int[] {x, w}, 1, 4, 4, 1));
    assertMentions(failure(b.build()), "conv/weights_int8", "INT8", "CONV_2D");
  }

  @Test
  void quantizationParametersOnAFloatTensor() {
    ModelBuilder b = new ModelBuilder(2);
    int x = b.input(1, 4);
    ByteBuffer data = ByteBuffer.allocate(16);
    int c = b.tensor("fake_quant_bias", TfliteModel.TYPE_FLOAT32, data, true, 4);
    b.output(b.op(BuiltinOperator.ADD, new Options.Arithmetic(Activation.NONE), new int[] {x, c}, 1, 4));
    // through the flatbuffer, so the reader's detection of scale vectors is covered as well
    TfliteModel read = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(b.build())));
    assertMentions(failure(read), "fake_quant_bias", "quantization");
  }

  @Test
  void unsupportedOpsAreListed() {
    ModelBuilder b = new ModelBuilder(3);
    int x = b.input(1, 4);
    int soft = b.op(25, new Options.None(), new int[] {x}, 1, 4);
    int tanh = b.op(28, new Options.None(), new int[] {soft}, 1, 4);
    b.output(b.op(25, new Options.None(), new int[] {tanh}, 1, 4));
    assertMentions(failure(b.build()), "SOFTMAX (2x)", "TANH (1x)");
  }

  @Test
  void customOps() {
    ModelBuilder b = new ModelBuilder(4);
    int x = b.input(1, 4);
    TfliteModel m = b.output(b.op(BuiltinOperator.CUSTOM, new Options.None(), new int[] {x}, 1, 4)).build();
    TfliteModel.Operator op = m.operators().get(0);
    TfliteModel custom = new TfliteModel(3, "", m.tensors(),
        List.of(new TfliteModel.Operator(0, op.builtinCode(), "FlexMyOp", op.inputs(), op.outputs(), op.options())),
        m.inputs(), m.outputs());
    assertMentions(failure(custom), "CUSTOM(FlexMyOp)");
  }

  @Test
  void unsupportedFusedActivation() {
    ModelBuilder b = new ModelBuilder(5);
    int x = b.input(1, 4);
    b.output(b.op(BuiltinOperator.ADD, new Options.Arithmetic(Activation.TANH), new int[] {x, x}, 1, 4));
    assertMentions(failure(b.build()), "TANH", "ADD");
  }

  @Test
  void reshapeThatMovesTheBatch() {
    ModelBuilder b = new ModelBuilder(6);
    int x = b.input(2, 6);
    b.output(b.op(BuiltinOperator.RESHAPE, new Options.Reshape(new int[] {1, 12}), new int[] {x}, 1, 12));
    assertMentions(failure(b.build()), "RESHAPE", "batch");
  }

  @Test
  void severalInputs() {
    ModelBuilder b = new ModelBuilder(7);
    int x = b.input(1, 4);
    int y = b.input(1, 4);
    b.output(b.op(BuiltinOperator.ADD, new Options.Arithmetic(Activation.NONE), new int[] {x, y}, 1, 4));
    assertMentions(failure(b.build()), "2 inputs");
  }
}
