package io.facegate.modelimport;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Binds a signature output name to one of the TFLite model's output tensors. */
public record OutputBinding(String name, int tensorIndex) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  /**
   * Resolves {@code --outputs} entries: either all plain names, bound in the order of the model's
   * outputs, or all {@code name=tensorName} pairs (any subset, in the given order). With no entries
   * the names are derived from the tensor names.
   */
  public static List<OutputBinding> resolve(TfliteModel model, List<String> specs) {
    int[] outputs = model.outputs();
    List<OutputBinding> result = new ArrayList<>();
    if (specs.isEmpty()) {
      for (int index : outputs) {
        result.add(new OutputBinding(sanitize(model.tensor(index).name()), index));
      }
    } else if (specs.stream().noneMatch(s -> s.contains("="))) {
      if (specs.size() != outputs.length) {
        throw new ModelImportException("--outputs lists " + specs.size() + " names but the model has "
            + outputs.length + " outputs (" + describeOutputs(model) + ")");
      }
      for (int i = 0; i < outputs.length; i++) {
        result.add(new OutputBinding(specs.get(i), outputs[i]));
      }
    } else if (specs.stream().allMatch(s -> s.contains("="))) {
      for (String spec : specs) {
        String name = spec.substring(0, spec.indexOf('='));
        String tensorName = spec.substring(spec.indexOf('=') + 1);
        result.add(new OutputBinding(name, findOutput(model, tensorName)));
      }
    } else {
      throw new ModelImportException("--outputs must be all plain names or all name=tensor pairs");
    }
    validate(result);
    return result;
  }

  private static int findOutput(TfliteModel model, String tensorName) {
    for (int index : model.outputs()) {
      if (model.tensor(index).name().equals(tensorName)) {
        return index;
      }
    }
    throw new ModelImportException(
        "the model has no output tensor '" + tensorName + "'; its outputs are " + describeOutputs(model));
  }

  private static String describeOutputs(TfliteModel model) {
    List<String> names = new ArrayList<>();
    for (int index : model.outputs()) {
      names.add("'" + model.tensor(index).name() + "'");
    }
    return String.join(", ", names);
  }

  private static String sanitize(String tensorName) {
    String name = tensorName.replaceAll("[^A-Za-z0-9_]", "_");
    return name.isEmpty() || !Character.isLetter(name.charAt(0)) ? "output_" + name : name;
  }

  private static void validate(List<OutputBinding> bindings) {
    Set<String> seen = new HashSet<>();
    for (OutputBinding b : bindings) {
      if (!NAME.matcher(b.name()).matches()) {
        throw new ModelImportException("output name '" + b.name() + "' must match " + NAME.pattern());
      }
      if (b.name().equals(TfliteImporter.INPUT_NAME)) {
        throw new ModelImportException("output name '" + b.name() + "' is reserved for the input");
      }
      if (!seen.add(b.name())) {
        throw new ModelImportException("output name '" + b.name() + "' is used twice");
      }
    }
  }
}
