package io.facegate.modelimport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * End to end on the real MTCNN and MobileFaceNet files that models/expo-face-models fetches:
 * output shapes for other batch and image sizes than the frozen ones, and agreement with the
 * plain-Java reference. Runs in models/expo-face-models, after the fetch; skipped elsewhere.
 */
class RealModelsTest {
  private static final Path DIR = Path.of(System.getProperty("facegate.tflite.dir", "../../models/expo-face-models/target/tflite"));

  private static TfliteModel load(String file) throws IOException {
    Path path = DIR.resolve(file);
    assumeTrue(Files.isRegularFile(path),
        path + " is absent; build models/expo-face-models (mvn install -pl models/expo-face-models) to run this test");
    return TfliteReader.read(path);
  }

  /** Runs TF and the reference on one random normalised image batch; returns the TF outputs. */
  private static List<Nd> compare(String what, TfliteModel model, int... shape) {
    Nd input = Nd.random(new Random(shape[0] * 31L + shape[1]), -1, 1, shape);
    List<Nd> actual = TfRunner.run(model, input);
    List<Nd> expected = ReferenceInterpreter.run(model, input);
    for (int i = 0; i < expected.size(); i++) {
      double scale = 0;
      for (float v : expected.get(i).data()) {
        scale = Math.max(scale, Math.abs(v));
      }
      double error = Nd.maxAbsError(expected.get(i), actual.get(i));
      double tolerance = 1e-4 * Math.max(1, scale);
      String label = what + " output " + i + " (max |value| " + String.format("%.3g", scale) + ")";
      System.out.printf("max abs error %-60s %.3g%n", label, error);
      assertTrue(error <= tolerance, label + ": max abs error " + error + " > " + tolerance);
    }
    return actual;
  }

  private static void assertShapes(List<Nd> outputs, int[]... shapes) {
    assertEquals(shapes.length, outputs.size());
    for (int i = 0; i < shapes.length; i++) {
      assertArrayEquals(shapes[i], outputs.get(i).shape(), "output " + i);
    }
  }

  private static void assertProbabilities(Nd prob) {
    for (int i = 0; i < prob.data().length; i += 2) {
      assertEquals(1.0, prob.data()[i] + prob.data()[i + 1], 1e-5);
    }
  }

  @Test
  void pnetTakesAnyImageSizeAndBatch() throws IOException {
    TfliteModel pnet = load("pnet.tflite");
    assertArrayEquals(new long[] {-1, -1, -1, 3}, TfliteImporter.inputShape(pnet).asArray());
    // conv3 valid, pool 2/2 same, conv3 valid, conv3 valid: 30 -> 28 -> 14 -> 12 -> 10
    List<Nd> small = compare("P-Net 1x30x24", pnet, 1, 30, 24, 3);
    assertShapes(small, new int[] {1, 10, 7, 2}, new int[] {1, 10, 7, 4});
    assertProbabilities(small.get(0));
    List<Nd> batch = compare("P-Net 3x48x64", pnet, 3, 48, 64, 3);
    assertShapes(batch, new int[] {3, 19, 27, 2}, new int[] {3, 19, 27, 4});
  }

  @Test
  void rnetBatches() throws IOException {
    TfliteModel rnet = load("rnet.tflite");
    assertArrayEquals(new long[] {-1, 24, 24, 3}, TfliteImporter.inputShape(rnet).asArray());
    for (int batch : new int[] {1, 3}) {
      List<Nd> out = compare("R-Net batch " + batch, rnet, batch, 24, 24, 3);
      assertShapes(out, new int[] {batch, 2}, new int[] {batch, 4});
      assertProbabilities(out.get(0));
    }
  }

  @Test
  void onetBatches() throws IOException {
    TfliteModel onet = load("onet.tflite");
    assertArrayEquals(new long[] {-1, 48, 48, 3}, TfliteImporter.inputShape(onet).asArray());
    for (int batch : new int[] {1, 3}) {
      List<Nd> out = compare("O-Net batch " + batch, onet, batch, 48, 48, 3);
      assertShapes(out, new int[] {batch, 2}, new int[] {batch, 4}, new int[] {batch, 10});
      assertProbabilities(out.get(0));
    }
  }

  /** The file is frozen at batch 2, including the final reshape's target shape. */
  @Test
  void mobileFaceNetBatches() throws IOException {
    TfliteModel mfn = load("MobileFaceNet.tflite");
    assertArrayEquals(new long[] {-1, 112, 112, 3}, TfliteImporter.inputShape(mfn).asArray());
    for (int batch : new int[] {1, 3}) {
      List<Nd> out = compare("MobileFaceNet batch " + batch, mfn, batch, 112, 112, 3);
      assertShapes(out, new int[] {batch, 192});
    }
  }
}
