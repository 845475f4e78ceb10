package io.facegate.modelimport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Writes an imported graph as a SavedModel and checks the written model against the graph. */
public final class SavedModelExport {
  public static final String TAG = "serve";
  public static final String SIGNATURE_KEY = "serving_default";

  private SavedModelExport() {}

  /**
   * Exports {@code imported} (which lives in {@code graph}) to {@code dir}, then loads it back and
   * runs both on the same random input of {@code probeShape}; returns the outputs' shapes.
   */
  public static Map<String, Shape> exportAndVerify(Graph graph, ImportedGraph imported, Path dir, Shape probeShape)
      throws IOException {
    Signature.Builder signature = Signature.builder().key(SIGNATURE_KEY).input(TfliteImporter.INPUT_NAME, imported.input());
    imported.outputs().forEach(signature::output);
    List<float[]> expected = new ArrayList<>();
    try (Session session = new Session(graph);
        TFloat32 probe = randomInput(probeShape)) {
      SavedModelBundle.exporter(dir.toString())
          .withTags(TAG)
          .withFunction(SessionFunction.create(signature.build(), session))
          .export();
      Session.Runner runner = session.runner().feed(imported.input(), probe);
      imported.outputs().values().forEach(runner::fetch);
      try (Result result = runner.run()) {
        for (int i = 0; i < result.size(); i++) {
          expected.add(values((TFloat32) result.get(i)));
        }
      }
    }
    return verify(dir, imported.outputs().keySet().stream().toList(), probeShape, expected);
  }

  private static Map<String, Shape> verify(Path dir, List<String> names, Shape probeShape, List<float[]> expected)
      throws IOException {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), TAG);
        TFloat32 probe = randomInput(probeShape);
        Result result = bundle.function(SIGNATURE_KEY).call(Map.of(TfliteImporter.INPUT_NAME, probe))) {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        Tensor t = result.get(name).orElseThrow(() -> new IOException("exported model lacks output '" + name + "'"));
        double difference = maxRelativeDifference(values((TFloat32) t), expected.get(i));
        if (!(difference <= 1e-5)) {
          throw new IOException("exported model's output '" + name + "' differs from the imported graph's by " + difference);
        }
        shapes.put(name, t.shape());
      }
    }
    return shapes;
  }

  /** Largest difference relative to the largest expected magnitude (at least 1); NaN counts as infinite. */
  private static double maxRelativeDifference(float[] actual, float[] expected) {
    if (actual.length != expected.length) {
      return Double.POSITIVE_INFINITY;
    }
    double scale = 1;
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      double d = Math.abs((double) actual[i] - expected[i]);
      max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
    }
    return max / scale;
  }

  /** Same seed every time: the probe must be identical for the graph and the reloaded model. */
  private static TFloat32 randomInput(Shape shape) {
    Random random = new Random(20240601L);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  static float[] values(TFloat32 tensor) {
    float[] values = new float[Math.toIntExact(tensor.shape().size())];
    tensor.copyTo(DataBuffers.of(values, false, false));
    return values;
  }
}
