package io.facegate.modelimport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.modelimport.Options.Activation;
import io.facegate.modelimport.Options.Padding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

class ImportCliTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run cli(Object... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] strings = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
    int code = ImportCli.run(strings, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    assertFalse(run.err().contains("\tat "), "no stack traces for the user: " + run.err());
    return run;
  }

  /** A tiny P-Net-like detector: conv + softmax head ("prob") and a conv regression head. */
  private Path detector() throws IOException {
    ModelBuilder b = new ModelBuilder(11);
    int x = b.input(1, 16, 12, 3);
    int features = b.op(BuiltinOperator.CONV_2D, new Options.Conv2D(Padding.VALID, 1, 1, Activation.RELU, 1, 1),
        new int[] {x, b.weights(-1, 1, 4, 3, 3, 3), b.weights(-1, 1, 4)}, 1, 14, 10, 4);
    int logits = b.op(BuiltinOperator.CONV_2D, new Options.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1),
        new int[] {features, b.weights(-1, 1, 2, 1, 1, 4), b.weights(-1, 1, 2)}, 1, 14, 10, 2);
    int regression = b.op(BuiltinOperator.CONV_2D, new Options.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1),
        new int[] {features, b.weights(-1, 1, 4, 1, 1, 4), b.weights(-1, 1, 4)}, 1, 14, 10, 4);
    int axis = b.ints(new int[] {3});
    int exp = b.op(BuiltinOperator.EXP, new Options.None(), new int[] {logits}, 1, 14, 10, 2);
    int sum = b.op(BuiltinOperator.SUM, new Options.Reducer(true), new int[] {exp, axis}, 1, 14, 10, 1);
    int prob = b.op(BuiltinOperator.DIV, new Options.Arithmetic(Activation.NONE), new int[] {exp, sum}, 1, 14, 10, 2);
    Path file = dir.resolve("detector.tflite");
    Files.write(file, TfliteWriter.write(b.output(prob).output(regression).build()));
    return file;
  }

  @Test
  void convertsToASavedModelWithMetadata() throws IOException {
    Path out = dir.resolve("models/tiny-det");
    Run run = cli("--input", detector(), "--output", out, "--id", "tiny-det", "--version", "3",
        "--outputs", "prob,regression", "--transposed", "--channel-order", "BGR");
    assertEquals(ImportCli.OK, run.code(), run.err());

    Properties p = ModelMetadata.read(out);
    assertEquals("tiny-det", p.getProperty("model.id"));
    assertEquals("3", p.getProperty("model.version"));
    assertEquals("input", p.getProperty("model.inputs"));
    assertEquals("prob,regression", p.getProperty("model.outputs"));
    assertEquals("-1,-1,-1,3", p.getProperty("model.input.shape"));
    assertEquals("BGR", p.getProperty("model.channel.order"));
    assertEquals("127.5", p.getProperty("model.input.mean"));
    assertEquals("128", p.getProperty("model.input.scale"));
    assertEquals("true", p.getProperty("model.input.transposed"));
    assertEquals(String.valueOf(4 * 27 + 4 + 2 * 4 + 2 + 4 * 4 + 4), p.getProperty("model.parameters"));
    assertTrue(p.getProperty("model.source").matches("detector\\.tflite sha256:[0-9a-f]{64}"), p.getProperty("model.source"));
    assertFalse(p.containsKey("model.embedding.size"));
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList(), "no staging directory left behind");
    }

    // the SavedModel works on its own, for other batch sizes and image sizes than the recorded one
    try (SavedModelBundle bundle = SavedModelBundle.load(out.toString(), "serve")) {
      Signature signature = bundle.function("serving_default").signature();
      assertEquals(List.of("input"), List.copyOf(signature.inputNames()));
      assertEquals(List.of("prob", "regression"), signature.outputNames().stream().sorted().toList());
      Nd input = Nd.random(new Random(5), -1, 1, 3, 20, 9, 3);
      try (TFloat32 tensor = TFloat32.tensorOf(Shape.of(3, 20, 9, 3), DataBuffers.of(input.data(), true, false));
          Result result = bundle.call(Map.of("input", tensor))) {
        assertArrayEquals(new long[] {3, 18, 7, 2}, result.get("prob").orElseThrow().shape().asArray());
        assertArrayEquals(new long[] {3, 18, 7, 4}, result.get("regression").orElseThrow().shape().asArray());
      }
    }
  }

  @Test
  void refusesToOverwriteUnlessForced() throws IOException {
    Path model = detector();
    Path out = dir.resolve("det");
    Object[] args = {"--input", model, "--output", out, "--id", "det", "--version", "1",
        "--outputs", "prob=div_5,regression=conv_2d_2"};
    assertEquals(ImportCli.OK, cli(args).code());
    Run again = cli(args);
    assertEquals(ImportCli.FAILED, again.code());
    assertTrue(again.err().contains("--force"), again.err());
    Object[] forced = Arrays.copyOf(args, args.length + 1);
    forced[args.length] = "--force";
    assertEquals(ImportCli.OK, cli(forced).code());

    Path foreign = Files.createDirectories(dir.resolve("foreign"));
    Files.writeString(foreign.resolve("precious.txt"), "keep me");
    forced[3] = foreign;
    Run refused = cli(forced);
    assertEquals(ImportCli.FAILED, refused.code());
    assertTrue(Files.exists(foreign.resolve("precious.txt")));
  }

  @Test
  void embedderMetadata() throws IOException {
    ModelBuilder b = new ModelBuilder(12);
    int x = b.input(2, 2, 2, 3);
    int shape = b.ints(new int[] {2, 12}, 2);
    int flat = b.op(BuiltinOperator.RESHAPE, new Options.Reshape(new int[] {2, 12}), new int[] {x, shape}, 2, 12);
    int emb = b.op(BuiltinOperator.FULLY_CONNECTED, new Options.FullyConnected(Activation.NONE, 0, false),
        new int[] {flat, b.weights(-1, 1, 8, 12), b.weights(-1, 1, 8)}, 2, 8);
    Path file = dir.resolve("Embedder.tflite");
    Files.write(file, TfliteWriter.write(b.output(emb).build()));

    Path out = dir.resolve("emb");
    Run ok = cli("--input", file, "--output", out, "--id", "emb-2", "--version", "1", "--outputs", "embeddings",
        "--input-size", 2, "--embedding-size", 8, "--threshold", "0.5");
    assertEquals(ImportCli.OK, ok.code(), ok.err());
    Properties p = ModelMetadata.read(out);
    assertEquals("2", p.getProperty("model.input.size"));
    assertEquals("-1,2,2,3", p.getProperty("model.input.shape"));
    assertEquals("8", p.getProperty("model.embedding.size"));
    assertEquals("0.5", p.getProperty("model.recommended.threshold"));
    assertEquals("false", p.getProperty("model.input.transposed"));

    Run wrongSize = cli("--input", file, "--output", dir.resolve("e2"), "--id", "e", "--version", "1",
        "--embedding-size", 7);
    assertEquals(ImportCli.FAILED, wrongSize.code());
    assertTrue(wrongSize.err().contains("--embedding-size 7"), wrongSize.err());
    Run wrongInput = cli("--input", file, "--output", dir.resolve("e3"), "--id", "e", "--version", "1",
        "--input-size", 112);
    assertEquals(ImportCli.FAILED, wrongInput.code());
    assertTrue(wrongInput.err().contains("2x2"), wrongInput.err());
  }

  @Test
  void bundlePacksAConvertedModelAsADataBundle() throws IOException {
    ModelBuilder b = new ModelBuilder(12);
    int x = b.input(2, 2, 2, 3);
    int shape = b.ints(new int[] {2, 12}, 2);
    int flat = b.op(BuiltinOperator.RESHAPE, new Options.Reshape(new int[] {2, 12}), new int[] {x, shape}, 2, 12);
    int emb = b.op(BuiltinOperator.FULLY_CONNECTED, new Options.FullyConnected(Activation.NONE, 0, false),
        new int[] {flat, b.weights(-1, 1, 8, 12), b.weights(-1, 1, 8)}, 2, 8);
    Path file = dir.resolve("Embedder.tflite");
    Files.write(file, TfliteWriter.write(b.output(emb).build()));

    Path jar = dir.resolve("byo.jar");
    Run ok = cli("bundle", "--input", file, "--jar", jar, "--id", "byo-2", "--version", "3", "--outputs",
        "embeddings", "--input-size", 2, "--embedding-size", 8, "--threshold", "0.5", "--ranking", 300);
    assertEquals(ImportCli.OK, ok.code(), ok.err());
    assertTrue(ok.out().contains("facegate-model-byo-2:3"), ok.out());
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
      java.util.jar.Attributes a = j.getManifest().getMainAttributes();
      assertEquals("facegate-model-byo-2", a.getValue("Bundle-SymbolicName"));
      assertEquals("3", a.getValue("Bundle-Version"));
      assertEquals("models/byo-2;ranking=300", a.getValue("Facegate-Model"));
      assertTrue(a.getValue("Require-Capability").contains("osgi.extender=facegate.model"));
      assertEquals(null, a.getValue("Import-Package"), "no code, nothing to import");
      assertTrue(j.getEntry("models/byo-2/saved_model.pb") != null);
      Properties p = new Properties();
      p.load(j.getInputStream(j.getEntry("models/byo-2/facegate-model.properties")));
      assertEquals("8", p.getProperty("model.embedding.size"));
      assertEquals(0, j.stream().filter(e -> e.getName().endsWith(".class")).count());
    }

    // a SavedModel folder is packed as it is; a TFLite needs its id; a non-OSGi model version needs --bundle-version
    Path folder = dir.resolve("folder");
    assertEquals(ImportCli.OK, cli("--input", file, "--output", folder, "--id", "byo-f", "--version", "v2",
        "--outputs", "embeddings").code());
    Run noVersion = cli("bundle", "--input", folder, "--jar", dir.resolve("f.jar"));
    assertEquals(ImportCli.FAILED, noVersion.code());
    assertTrue(noVersion.err().contains("--bundle-version"), noVersion.err());
    assertEquals(ImportCli.OK, cli("bundle", "--input", folder, "--jar", dir.resolve("f.jar"), "--bundle-version",
        "2.0.1").code());
    Run options = cli("bundle", "--input", folder, "--jar", dir.resolve("g.jar"), "--id", "x");
    assertEquals(ImportCli.USAGE, options.code());
    Run noId = cli("bundle", "--input", file, "--jar", dir.resolve("h.jar"), "--version", "1");
    assertEquals(ImportCli.USAGE, noId.code());
    assertTrue(noId.err().contains("--id is required"), noId.err());
    Run notAModel = cli("bundle", "--input", dir, "--jar", dir.resolve("i.jar"));
    assertEquals(ImportCli.FAILED, notAModel.code());
    assertTrue(notAModel.err().contains("is not a model folder"), notAModel.err());
  }

  @Test
  void helpAndUsageErrors() throws IOException {
    Run help = cli("--help");
    assertEquals(ImportCli.OK, help.code());
    assertTrue(help.out().contains("Usage:"));
    assertEquals(ImportCli.USAGE, cli().code());

    Path model = detector();
    Run missing = cli("--input", model, "--output", dir.resolve("x"), "--version", "1");
    assertEquals(ImportCli.USAGE, missing.code());
    assertTrue(missing.err().contains("--id is required"), missing.err());
    Run unknown = cli("--input", model, "--frobnicate");
    assertEquals(ImportCli.USAGE, unknown.code());
    assertTrue(unknown.err().contains("'--frobnicate'"), unknown.err());
    Run noValue = cli("--input", model, "--output");
    assertEquals(ImportCli.USAGE, noValue.code());
    Run badSize = cli("--input", model, "--output", dir.resolve("x"), "--id", "x", "--version", "1", "--input-size", "big");
    assertEquals(ImportCli.USAGE, badSize.code());
  }

  @Test
  void conversionErrors() throws IOException {
    Run absent = cli("--input", dir.resolve("nope.tflite"), "--output", dir.resolve("x"), "--id", "x", "--version", "1");
    assertEquals(ImportCli.FAILED, absent.code());
    assertTrue(absent.err().contains("does not exist"), absent.err());

    Path text = Files.writeString(dir.resolve("notes.tflite"), "hello, not a model");
    Run notModel = cli("--input", text, "--output", dir.resolve("x"), "--id", "x", "--version", "1");
    assertEquals(ImportCli.FAILED, notModel.code());
    assertTrue(notModel.err().contains("not a TFLite model"), notModel.err());

    Run badId = cli("--input", detector(), "--output", dir.resolve("x"), "--id", "Bad Id", "--version", "1");
    assertEquals(ImportCli.FAILED, badId.code());
    Run badOutputs = cli("--input", detector(), "--output", dir.resolve("x"), "--id", "x", "--version", "1",
        "--outputs", "prob");
    assertEquals(ImportCli.FAILED, badOutputs.code());
    assertTrue(badOutputs.err().contains("2 outputs"), badOutputs.err());
    Run unknownTensor = cli("--input", detector(), "--output", dir.resolve("x"), "--id", "x", "--version", "1",
        "--outputs", "prob=nothing");
    assertEquals(ImportCli.FAILED, unknownTensor.code());
    assertTrue(unknownTensor.err().contains("'nothing'"), unknownTensor.err());
    assertFalse(Files.exists(dir.resolve("x")));
  }
}
