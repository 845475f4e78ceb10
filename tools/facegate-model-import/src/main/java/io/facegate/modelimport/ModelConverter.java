package io.facegate.modelimport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;

/** Converts one TFLite file into a model directory: SavedModel plus {@link ModelMetadata}. */
public final class ModelConverter {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  /** What to convert and how to describe it; optional values are null. */
  public record Request(
      Path input,
      Path output,
      String id,
      String version,
      List<String> outputs,
      Integer inputSize,
      boolean transposed,
      String channelOrder,
      String mean,
      String scale,
      Integer embeddingSize,
      String threshold,
      boolean force) {

    public Request {
      outputs = List.copyOf(outputs);
    }
  }

  /** What a conversion produced. */
  public record Result(Path directory, ModelMetadata metadata, Map<String, Shape> outputShapes) {}

  private ModelConverter() {}

  public static Result convert(Request request) throws IOException {
    validate(request);
    checkOutputDirectory(request.output(), request.force());
    byte[] bytes = Files.readAllBytes(request.input());
    TfliteModel model = TfliteReader.read(ByteBuffer.wrap(bytes));
    List<OutputBinding> outputs = OutputBinding.resolve(model, request.outputs());
    try (Graph graph = new Graph()) {
      ImportedGraph imported = TfliteImporter.importInto(graph, model, outputs);
      ModelMetadata metadata = metadata(request, model, imported, outputs, sha256(bytes));
      // Build next to the target and move it in at the end, so a failure leaves no half model.
      Path target = request.output().toAbsolutePath();
      Path staging = target.resolveSibling("." + target.getFileName() + ".partial");
      if (Files.exists(staging)) {
        deleteTree(staging);
      }
      Files.createDirectories(staging);
      try {
        Map<String, Shape> shapes = SavedModelExport.exportAndVerify(graph, imported, staging, frozenInputShape(model));
        checkOutputShapes(model, outputs, shapes);
        metadata.write(staging);
        if (Files.exists(request.output())) {
          deleteTree(request.output());
        }
        Files.move(staging, request.output(), StandardCopyOption.ATOMIC_MOVE);
        return new Result(request.output(), metadata, shapes);
      } finally {
        if (Files.exists(staging)) {
          deleteTree(staging);
        }
      }
    }
  }

  private static void validate(Request r) {
    if (!ID.matcher(r.id()).matches()) {
      throw new ModelImportException("--id '" + r.id() + "' must match " + ID.pattern());
    }
    if (r.version().isBlank()) {
      throw new ModelImportException("--version must not be empty");
    }
    if (!r.channelOrder().equals("RGB") && !r.channelOrder().equals("BGR")) {
      throw new ModelImportException("--channel-order must be RGB or BGR, not '" + r.channelOrder() + "'");
    }
    parseNumber("--mean", r.mean());
    if (parseNumber("--scale", r.scale()) == 0) {
      throw new ModelImportException("--scale must not be 0");
    }
    if (r.threshold() != null) {
      parseNumber("--threshold", r.threshold());
      if (r.embeddingSize() == null) {
        throw new ModelImportException("--threshold is for embedders only; give --embedding-size too");
      }
    }
    if (!Files.isRegularFile(r.input())) {
      throw new ModelImportException("input file " + r.input() + " does not exist");
    }
  }

  private static double parseNumber(String option, String value) {
    try {
      double d = Double.parseDouble(value);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ModelImportException(option + " '" + value + "' is not a number");
    }
  }

  /** Refuses to mix with other content; with force, an earlier conversion may be replaced. */
  private static void checkOutputDirectory(Path dir, boolean force) throws IOException {
    if (Files.isDirectory(dir)) {
      boolean empty;
      try (Stream<Path> entries = Files.list(dir)) {
        empty = entries.findAny().isEmpty();
      }
      if (!empty && !(force && Files.exists(dir.resolve(ModelMetadata.FILE_NAME)))) {
        throw new ModelImportException("output directory " + dir + " is not empty"
            + (force ? " and holds no earlier conversion; refusing to delete it" : "; use --force to replace it"));
      }
    } else if (Files.exists(dir)) {
      throw new ModelImportException("output " + dir + " exists and is not a directory");
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static ModelMetadata metadata(
      Request r, TfliteModel model, ImportedGraph imported, List<OutputBinding> outputs, String sha256) {
    long[] shape = imported.inputShape().asArray();
    ModelMetadata m = new ModelMetadata()
        .put("model.id", r.id())
        .put("model.version", r.version())
        .put("model.format", "tensorflow-savedmodel")
        .put("model.tags", SavedModelExport.TAG)
        .put("model.signature", SavedModelExport.SIGNATURE_KEY)
        .put("model.inputs", TfliteImporter.INPUT_NAME)
        .put("model.outputs", String.join(",", imported.outputs().keySet()))
        .put("model.input.shape", join(shape));
    if (shape.length == 4) {
      putInputSize(m, r, shape[1], shape[2]);
    } else if (r.inputSize() != null) {
      throw new ModelImportException("--input-size needs an image input, the model takes " + join(shape));
    }
    m.put("model.channel.order", r.channelOrder())
        .put("model.input.mean", r.mean())
        .put("model.input.scale", r.scale())
        .put("model.input.transposed", r.transposed());
    if (r.embeddingSize() != null) {
      checkEmbeddingSize(model, outputs, r.embeddingSize());
      m.put("model.embedding.size", r.embeddingSize()).put("model.recommended.threshold", r.threshold());
    }
    return m.put("model.source", r.input().getFileName() + " sha256:" + sha256)
        .put("model.parameters", imported.parameterCount());
  }

  private static void putInputSize(ModelMetadata m, Request r, long height, long width) {
    boolean dynamic = height < 0 || width < 0;
    if (r.inputSize() != null && !dynamic && (height != r.inputSize() || width != r.inputSize())) {
      throw new ModelImportException(
          "--input-size " + r.inputSize() + " does not match the model's " + height + "x" + width + " input");
    }
    if (r.inputSize() != null || (!dynamic && height == width)) {
      m.put("model.input.size", r.inputSize() != null ? r.inputSize() : height);
    } else if (!dynamic) {
      m.put("model.input.height", height).put("model.input.width", width);
    }
  }

  private static void checkEmbeddingSize(TfliteModel model, List<OutputBinding> outputs, int size) {
    if (outputs.size() != 1) {
      throw new ModelImportException("--embedding-size needs a model with one output, this one has " + outputs.size());
    }
    int[] shape = model.tensor(outputs.get(0).tensorIndex()).shape();
    if (shape.length != 2 || shape[1] != size) {
      throw new ModelImportException(
          "--embedding-size " + size + " does not match the model output shape " + Arrays.toString(shape));
    }
  }

  /** The input shape recorded in the TFLite file, which its recorded output shapes belong to. */
  private static Shape frozenInputShape(TfliteModel model) {
    int[] dims = model.tensor(model.inputs()[0]).shape();
    return Shape.of(Arrays.stream(dims).asLongStream().toArray());
  }

  /** Run on the frozen input shape, the graph must reproduce the TFLite file's output shapes. */
  private static void checkOutputShapes(TfliteModel model, List<OutputBinding> outputs, Map<String, Shape> shapes) {
    for (OutputBinding b : outputs) {
      long[] expected = Arrays.stream(model.tensor(b.tensorIndex()).shape()).asLongStream().toArray();
      long[] actual = shapes.get(b.name()).asArray();
      if (!Arrays.equals(expected, actual)) {
        throw new ModelImportException("output '" + b.name() + "' has shape " + Arrays.toString(actual)
            + " but the TFLite model records " + Arrays.toString(expected));
      }
    }
  }

  private static String join(long[] values) {
    return String.join(",", Arrays.stream(values).mapToObj(Long::toString).toList());
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
