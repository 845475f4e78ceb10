package io.facegate.modelimport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Imports a model into a fresh graph and runs it once in TensorFlow. */
final class TfRunner {
  private TfRunner() {}

  /** The outputs in the model's output order. */
  static List<Nd> run(TfliteModel model, Nd input) {
    try (Graph graph = new Graph()) {
      ImportedGraph imported = TfliteImporter.importInto(graph, model, OutputBinding.resolve(model, List.of()));
      try (Session session = new Session(graph);
          TFloat32 in = TFloat32.tensorOf(Shape.of(Arrays.stream(input.shape()).asLongStream().toArray()),
              DataBuffers.of(input.data(), true, false))) {
        Session.Runner runner = session.runner().feed(imported.input(), in);
        imported.outputs().values().forEach(runner::fetch);
        List<Nd> outputs = new ArrayList<>();
        try (Result result = runner.run()) {
          for (int i = 0; i < result.size(); i++) {
            TFloat32 t = (TFloat32) result.get(i);
            int[] shape = Arrays.stream(t.shape().asArray()).mapToInt(Math::toIntExact).toArray();
            outputs.add(new Nd(shape, SavedModelExport.values(t)));
          }
        }
        return outputs;
      }
    }
  }
}
