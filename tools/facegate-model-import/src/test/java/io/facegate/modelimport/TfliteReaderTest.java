package io.facegate.modelimport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.facegate.modelimport.Options.Activation;
import io.facegate.modelimport.Options.Padding;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TfliteReaderTest {

  /** A model that uses every options table the reader parses. */
  static TfliteModel allOptionsModel() {
    ModelBuilder b = new ModelBuilder(1);
    int x = b.input(1, 8, 8, 2);
    int conv = b.op(BuiltinOperator.CONV_2D, new Options.Conv2D(Padding.SAME, 1, 2, Activation.RELU6, 1, 1),
        new int[] {x, b.weights(-1, 1, 4, 3, 3, 2), b.weights(-1, 1, 4)}, 1, 4, 8, 4);
    int dw = b.op(BuiltinOperator.DEPTHWISE_CONV_2D,
        new Options.DepthwiseConv2D(Padding.VALID, 1, 1, 2, Activation.RELU, 1, 1),
        new int[] {conv, b.weights(-1, 1, 1, 3, 3, 8), b.weights(-1, 1, 8)}, 1, 2, 6, 8);
    int pool = b.op(BuiltinOperator.MAX_POOL_2D, new Options.Pool2D(Padding.SAME, 2, 2, 2, 2, Activation.NONE),
        new int[] {dw}, 1, 1, 3, 8);
    int sum = b.op(BuiltinOperator.SUM, new Options.Reducer(true), new int[] {pool, b.ints(new int[] {3})}, 1, 1, 3, 1);
    int div = b.op(BuiltinOperator.DIV, new Options.Arithmetic(Activation.NONE), new int[] {pool, sum}, 1, 1, 3, 8);
    int flat = b.op(BuiltinOperator.RESHAPE, new Options.Reshape(new int[] {1, 24}), new int[] {div}, 1, 24);
    int fc = b.op(BuiltinOperator.FULLY_CONNECTED, new Options.FullyConnected(Activation.RELU, 0, true),
        new int[] {flat, b.weights(-1, 1, 3, 24), -1}, 1, 3);
    return b.output(fc).build();
  }

  @Test
  void readsBackWhatTheWriterWrote() {
    TfliteModel model = allOptionsModel();
    TfliteModel read = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(model)));
    assertEquals(3, read.schemaVersion());
    assertEquals("test model", read.description());
    assertArrayEquals(model.inputs(), read.inputs());
    assertArrayEquals(model.outputs(), read.outputs());
    assertEquals(model.tensors().size(), read.tensors().size());
    for (int i = 0; i < model.tensors().size(); i++) {
      TfliteModel.Tensor expected = model.tensors().get(i);
      TfliteModel.Tensor actual = read.tensors().get(i);
      assertEquals(expected.name(), actual.name());
      assertArrayEquals(expected.shape(), actual.shape());
      assertEquals(expected.type(), actual.type());
      assertEquals(expected.data(), actual.data(), "data of " + expected.describe());
    }
    for (int i = 0; i < model.operators().size(); i++) {
      TfliteModel.Operator expected = model.operators().get(i);
      TfliteModel.Operator actual = read.operators().get(i);
      assertEquals(expected.builtinCode(), actual.builtinCode());
      assertArrayEquals(expected.inputs(), actual.inputs());
      assertArrayEquals(expected.outputs(), actual.outputs());
      if (expected.options() instanceof Options.Reshape r) {
        assertArrayEquals(r.newShape(), ((Options.Reshape) actual.options()).newShape());
      } else {
        assertEquals(expected.options(), actual.options());
      }
    }
  }

  @Test
  void absentOptionsTakeSchemaDefaults() {
    ModelBuilder b = new ModelBuilder(2);
    int x = b.input(1, 4);
    b.output(b.op(BuiltinOperator.ADD, new Options.None(), new int[] {x, x}, 1, 4));
    b.output(b.op(BuiltinOperator.RESHAPE, new Options.None(), new int[] {x}, 4));
    TfliteModel read = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(b.build())));
    assertEquals(new Options.Arithmetic(Activation.NONE), read.operators().get(0).options());
    assertNull(((Options.Reshape) read.operators().get(1).options()).newShape());
  }

  @Test
  void opCodesAbove127UseTheIntField() {
    ModelBuilder b = new ModelBuilder(3);
    int x = b.input(1, 4);
    b.output(b.op(150, new Options.None(), new int[] {x}, 1, 4));
    TfliteModel read = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(b.build())));
    assertEquals(150, read.operators().get(0).builtinCode());
    assertEquals("BUILTIN_150", read.operators().get(0).opName());
    assertEquals("SOFTMAX", BuiltinOperator.name(25));
    assertEquals("ABS", BuiltinOperator.name(BuiltinOperator.ABS));
  }

  @Test
  void rejectsOtherFiles() {
    MalformedModelException e = assertThrows(MalformedModelException.class,
        () -> TfliteReader.read(ByteBuffer.wrap("PK\3\4 this is a zip file".getBytes())));
    assertTrue(e.getMessage().contains("not a TFLite model"), e.getMessage());
    assertThrows(MalformedModelException.class, () -> TfliteReader.read(ByteBuffer.allocate(3)));
  }

  @Test
  void rejectsOtherSchemaVersions() {
    TfliteModel m = allOptionsModel();
    TfliteModel v2 = new TfliteModel(2, "", m.tensors(), m.operators(), m.inputs(), m.outputs());
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(v2))));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void truncatedFilesFailCleanly() {
    byte[] bytes = TfliteWriter.write(allOptionsModel());
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThrows(ModelImportException.class, () -> TfliteReader.read(ByteBuffer.wrap(cut)), "length " + length);
    }
  }

  /** Damaged bytes may still parse, but must never surface as anything but a ModelImportException. */
  @Test
  void corruptedFilesFailCleanly() {
    byte[] bytes = TfliteWriter.write(allOptionsModel());
    Random random = new Random(42);
    int failures = 0;
    for (int trial = 0; trial < 2000; trial++) {
      byte[] damaged = bytes.clone();
      for (int k = 0; k < 1 + random.nextInt(3); k++) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      try {
        TfliteReader.read(ByteBuffer.wrap(damaged));
      } catch (ModelImportException expected) {
        failures++;
      } catch (RuntimeException e) {
        fail("trial " + trial + " threw " + e, e);
      }
    }
    assertTrue(failures > 0, "no corruption was detected");
  }
}
