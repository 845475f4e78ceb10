package io.facegate.modelimport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command line front end of {@link ModelConverter} and, with {@code bundle}, of {@link ModelBundleWriter}. Exit
 * codes: 0 ok, 1 conversion failed, 2 usage error.
 */
public final class ImportCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final String HELP = """
      Usage: java -jar facegate-model-import.jar --input MODEL.tflite --output DIR --id ID --version V [options]

      Converts a float32 TFLite model into a TensorFlow SavedModel (tag 'serve', signature
      'serving_default', input 'input') plus facegate-model.properties in DIR.

      Required:
        --input FILE          TFLite flatbuffer to convert
        --output DIR          model directory to create (must be empty or absent)
        --id ID               model id, e.g. mobilefacenet-112 ([a-z0-9][a-z0-9._-]*)
        --version V           model version, e.g. 1
      Options:
        --outputs LIST        signature output names, comma-separated: either plain names in the
                              order of the model's outputs, or name=tfliteTensorName pairs
                              (default: the tensor names with other characters replaced by '_')
        --input-size N        nominal square input size (checked against a fixed-size input)
        --transposed          the model expects images with width and height swapped
        --channel-order ORDER RGB (default) or BGR
        --mean M              value subtracted from each pixel (default 127.5)
        --scale S             divisor applied after the mean (default 128)
        --embedding-size N    embedders: length of the embedding (checked against the output)
        --threshold T         embedders: recommended match threshold
        --force               replace DIR if it holds an earlier conversion
        --help                show this help

      Usage: java -jar facegate-model-import.jar bundle --input MODEL.tflite|MODEL_DIR --jar FILE.jar
                 [--ranking N] [--symbolic-name BSN] [--bundle-version V] [--pid PID] [conversion options]

      Builds a model bundle, ready to install on a gateway (no Java code: the model extender serves it):
      models/ID/ (SavedModel + facegate-model.properties) and a Facegate-Model header. A TFLite file is
      converted first (then --id and --version are required, the other conversion options apply);
      a SavedModel folder must hold facegate-model.properties.
        --jar FILE            the bundle to write
        --ranking N           service.ranking of its embedder (default 0; the highest serves)
        --symbolic-name BSN   default facegate-model-ID
        --bundle-version V    default the model version, when it is major[.minor[.micro]]
        --pid PID             configuration PID (default io.facegate.model.ID)
      """;

  private ImportCli() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != OK) {
      System.exit(code);
    }
  }

  /** Runs a command line; returns the exit code instead of exiting. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("bundle")) {
      return bundle(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    ModelConverter.Request request;
    try {
      if (args.length == 0 || Arrays.asList(args).contains("--help")) {
        out.print(HELP);
        return args.length == 0 ? USAGE : OK;
      }
      request = parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("Try --help.");
      return USAGE;
    }
    try {
      ModelConverter.Result result = ModelConverter.convert(request);
      out.println("wrote " + result.directory() + ": outputs " + result.outputShapes()
          + ", " + result.metadata().entries().get("model.parameters") + " parameters");
      return OK;
    } catch (ModelImportException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    } catch (IOException e) {
      err.println("error: " + e);
      return FAILED;
    }
  }

  /** {@code bundle}: its own options; the rest are conversion options when the input is a TFLite file. */
  private static int bundle(String[] args, PrintStream out, PrintStream err) {
    String jar = null;
    String symbolicName = null;
    String bundleVersion = null;
    String pid = null;
    int ranking = 0;
    String input = null;
    List<String> conversion = new ArrayList<>();
    Path work = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        switch (option) {
          case "--jar" -> jar = value(args, ++i, option);
          case "--symbolic-name" -> symbolicName = value(args, ++i, option);
          case "--bundle-version" -> bundleVersion = value(args, ++i, option);
          case "--pid" -> pid = value(args, ++i, option);
          case "--ranking" -> ranking = integer(value(args, ++i, option), option);
          case "--output" -> throw new UsageException("bundle writes --jar, not --output");
          case "--input" -> {
            input = value(args, ++i, option);
            conversion.add(option);
            conversion.add(input);
          }
          default -> conversion.add(option);
        }
      }
      require(input, "--input");
      require(jar, "--jar");
      Path modelDir = Path.of(input);
      if (!Files.isDirectory(modelDir)) {
        work = Files.createTempDirectory("facegate-model-bundle");
        conversion.add("--output");
        conversion.add(work.resolve("model").toString());
        ModelConverter.convert(parse(conversion.toArray(new String[0])));
        modelDir = work.resolve("model");
      } else if (conversion.size() > 2) {
        throw new UsageException("a SavedModel folder is packed as it is: conversion options "
            + conversion.subList(2, conversion.size()) + " do not apply");
      }
      String written = ModelBundleWriter.write(new ModelBundleWriter.Request(modelDir, Path.of(jar), symbolicName,
          bundleVersion, ranking, pid));
      out.println("wrote " + jar + ": model bundle " + written);
      return OK;
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("Try --help.");
      return USAGE;
    } catch (ModelImportException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    } catch (IOException e) {
      err.println("error: " + e);
      return FAILED;
    } finally {
      deleteQuietly(work);
    }
  }

  private static int integer(String value, String option) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs an integer, not '" + value + "'");
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }

  private static ModelConverter.Request parse(String[] args) {
    String input = null;
    String output = null;
    String id = null;
    String version = null;
    List<String> outputs = List.of();
    Integer inputSize = null;
    boolean transposed = false;
    String channelOrder = "RGB";
    String mean = "127.5";
    String scale = "128";
    Integer embeddingSize = null;
    String threshold = null;
    boolean force = false;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      switch (option) {
        case "--transposed" -> transposed = true;
        case "--force" -> force = true;
        case "--input" -> input = value(args, ++i, option);
        case "--output" -> output = value(args, ++i, option);
        case "--id" -> id = value(args, ++i, option);
        case "--version" -> version = value(args, ++i, option);
        case "--outputs" -> outputs = splitList(value(args, ++i, option));
        case "--input-size" -> inputSize = positiveInt(value(args, ++i, option), option);
        case "--channel-order" -> channelOrder = value(args, ++i, option);
        case "--mean" -> mean = value(args, ++i, option);
        case "--scale" -> scale = value(args, ++i, option);
        case "--embedding-size" -> embeddingSize = positiveInt(value(args, ++i, option), option);
        case "--threshold" -> threshold = value(args, ++i, option);
        default -> throw new UsageException("unknown option '" + option + "'");
      }
    }
    require(input, "--input");
    require(output, "--output");
    require(id, "--id");
    require(version, "--version");
    return new ModelConverter.Request(Path.of(input), Path.of(output), id, version, outputs, inputSize, transposed,
        channelOrder, mean, scale, embeddingSize, threshold, force);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static List<String> splitList(String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",", -1)) {
      if (item.isBlank()) {
        throw new UsageException("--outputs has an empty entry: '" + value + "'");
      }
      items.add(item.trim());
    }
    return items;
  }

  private static int positiveInt(String value, String option) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(option + " needs a positive integer, not '" + value + "'");
  }

  private static void require(String value, String option) {
    if (value == null) {
      throw new UsageException(option + " is required");
    }
  }

  /** A malformed command line. */
  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
