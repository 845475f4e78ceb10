package io.facegate.modelimport;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * What {@link TfliteImporter} added to a graph: the input placeholder, the named outputs in
 * signature order, and facts the metadata needs. Valid only while the graph is open.
 */
public record ImportedGraph(
    Operand<TFloat32> input, Shape inputShape, Map<String, Operand<TFloat32>> outputs, long parameterCount) {

  public ImportedGraph {
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }
}
