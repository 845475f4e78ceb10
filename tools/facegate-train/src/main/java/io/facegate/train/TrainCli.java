package io.facegate.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code facegate-train}: prepare the distillation cache, train a variant, export it as a facegate
 * model, print parameter counts. Exit 0 on success, 1 on a failed run, 2 on bad usage.
 */
public final class TrainCli {
    static final String USAGE = """
            usage: java -jar facegate-train.jar COMMAND [options]
              prepare --data DIR --cache DIR [--models DIR] [--seed N] [--limit N]
                  detect, align (112x112) and teacher-embed utkface-crops, orl and the training half
                  of celeba-dev (seeded split by identity; the held-out half is listed in the cache)
              train --cache DIR --run DIR [--variant eca96|r96-hswish|r96-prelu] [--steps N]
                  [--batch N] [--lr X] [--warmup N] [--seed N] [--checkpoint-every N] [--validate-every N] [--stop-after N]
                  [--init random|teacher|run] [--teacher FILE] [--calibration stats|bias] [--from DIR]
                  trains, or resumes the run in --run; --stop-after ends this session's share at
                  step N (the schedule still spans --steps); progress on stdout, log.tsv in --run;
                  --init teacher starts a new run from the pretrained MobileFaceNet's weights (--teacher:
                  its .tflite, by default models/expo-face-models/target/tflite/MobileFaceNet.tflite
                  of the repository the jar was built in); its batch norm is calibrated on 256 training
                  faces to the teacher's layer statistics (stats) or to reproduce the teacher's biases;
                  --init run --from DIR starts a new run where the run in DIR ended (weights and
                  optimiser state), e.g. a second stage at a lower --lr
              export --run DIR --out DIR (--cache DIR | --threshold X) [--variant V] [--seed N]
                  [--model-id ID] [--model-version V]
                  (unless given, the threshold is the one that accepts <= 1% of the cache's
                  validation different-identity pairs)
                  writes the run's student as a SavedModel + facegate-model.properties
              align --images DIR --out DIR [--size N] [--only FILE] [--models DIR]
                  detect and align every photo once (PNG crops, same relative paths) for
                  facegate-eval --aligned; --only lists the identity folders to include
              params [--variant V]
                  hand-counted parameters of the variants (and the original MobileFaceNet-112)
            """;

    private TrainCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Map<String, String> o;
        try {
            o = options(args);
        } catch (IllegalArgumentException e) {
            err.println("facegate-train: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            switch (args[0]) {
                case "prepare" -> {
                    Path cache = path(o, "cache", null);
                    List<Prepare.Photo> photos = Prepare.photos(path(o, "data", null), cache, seed(o), integer(o, "limit", 0));
                    Prepare.run(photos, path(o, "models", defaultModels()), cache, out);
                }
                case "train" -> {
                    NetworkConfig config = NetworkConfig.variant(o.getOrDefault("variant", "eca96"));
                    Trainer.Init init = Trainer.Init.parse(o.getOrDefault("init", "random"));
                    Trainer.Settings settings = new Trainer.Settings(config, integer(o, "steps", 3000),
                            integer(o, "batch", 64), Float.parseFloat(o.getOrDefault("lr", "0.002")),
                            integer(o, "warmup", 200), seed(o), integer(o, "checkpoint-every", 200),
                            integer(o, "validate-every", 500), init, switch (init) {
                                case TEACHER -> teacher(o);
                                case RUN -> path(o, "from", null);
                                case RANDOM -> null;
                            },
                            Trainer.Calibration.parse(o.getOrDefault("calibration", "stats")));
                    FaceCache cache = FaceCache.read(path(o, "cache", null));
                    new Trainer(cache, path(o, "run", null), settings, out).train(integer(o, "stop-after", settings.steps()));
                }
                case "export" -> {
                    NetworkConfig config = NetworkConfig.variant(o.getOrDefault("variant", "eca96"));
                    Path run = path(o, "run", null);
                    Map<String, float[]> values = Trainer.restore(run, config, integer(o, "teacher-dims", 192), seed(o));
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put("model.id", o.getOrDefault("model-id", "eca-mobilefacenet-96"));
                    meta.put("model.version", o.getOrDefault("model-version", "1"));
                    meta.put("model.recommended.threshold", o.containsKey("threshold") ? o.get("threshold")
                            : validationThreshold(o, config, run, values, out));
                    meta.put("model.source", "facegate-train " + config.name() + ", run " + run.getFileName());
                    long parameters = Exporter.export(config, values, path(o, "out", null), meta);
                    out.printf("exported %s (%d parameters after folding batch norm) to %s%n", config.name(),
                            parameters, o.get("out"));
                }
                case "align" -> {
                    java.util.Set<String> only = o.containsKey("only")
                            ? java.util.Set.copyOf(java.nio.file.Files.readAllLines(Path.of(o.get("only"))))
                            : java.util.Set.of();
                    AlignFolder.run(path(o, "images", null), path(o, "out", null), integer(o, "size", 112),
                            path(o, "models", defaultModels()), only, out);
                }
                case "params" -> {
                    long original = NetworkConfig.mobileFaceNet112(128).parameterCount();
                    out.printf("%-12s %10s %8s%n", "variant", "params", "of MFN");
                    for (String v : o.containsKey("variant") ? List.of(o.get("variant"))
                            : List.of("mfn-112", "r96-prelu", "r96-hswish", "eca96")) {
                        long p = NetworkConfig.variant(v).parameterCount();
                        out.printf("%-12s %10d %7.1f%%%n", v, p, 100.0 * p / original);
                    }
                }
                default -> {
                    err.println("facegate-train: unknown command '" + args[0] + "'");
                    err.print(USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("facegate-train: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("facegate-train: " + args[0] + " failed: " + e.getMessage());
            return 1;
        }
    }

    /** The threshold that best separates the validation identities' pairs (never LFW). */
    private static String validationThreshold(Map<String, String> o, NetworkConfig config, Path run,
            Map<String, float[]> values, PrintStream out) throws IOException {
        if (!o.containsKey("cache")) {
            throw new IllegalArgumentException("export needs --threshold X or --cache DIR (to choose it on the validation split)");
        }
        FaceCache cache = FaceCache.read(Path.of(o.get("cache")));
        Trainer.Validation v = new Trainer(cache, run, new Trainer.Settings(config, 1, 2, 1f, 0, seed(o), 1, 1), out)
                .validate(values);
        out.printf("validation split: %d faces, rank-1 %.2f%%, pairs %.2f%% (balanced) at threshold %.3f;"
                + " recommended threshold %.3f (false accepts <= %.1f%%, %.2f%% of same pairs accepted)%n", v.faces(),
                100 * v.rank1(), 100 * v.balancedAccuracy(), v.threshold(), v.gateThreshold(), 100 * Trainer.GATE_FAR,
                100 * v.gateAcceptRate());
        return String.format(java.util.Locale.ROOT, "%.3f", v.gateThreshold());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option VALUE at '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static Path path(Map<String, String> o, String key, Path fallback) {
        String v = o.get(key);
        if (v == null && fallback == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v == null ? fallback : Path.of(v);
    }

    private static int integer(Map<String, String> o, String key, int fallback) {
        try {
            return o.containsKey(key) ? Integer.parseInt(o.get(key)) : fallback;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " needs a whole number, got '" + o.get(key) + "'");
        }
    }

    private static long seed(Map<String, String> o) {
        return integer(o, "seed", 20221);
    }

    /**
     * {@code --teacher FILE}, else the repository's build of the teacher .tflite. A new run checks
     * that it exists (a resumed one does not read it).
     */
    static Path teacher(Map<String, String> o) {
        return o.containsKey("teacher") ? Path.of(o.get("teacher")) : defaultTeacher();
    }

    /** models/expo-face-models/target/tflite/MobileFaceNet.tflite of the repository whose tools/facegate-train/target holds the jar. */
    private static Path defaultTeacher() {
        Path relative = Path.of("..", "..", "..", "models", "expo-face-models", "target", "tflite", "MobileFaceNet.tflite");
        try {
            Path jar = Path.of(TrainCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().resolve(relative).normalize();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return relative;
        }
    }

    /** target/models beside the jar (where the build unpacks the detector and teacher). */
    private static Path defaultModels() {
        try {
            Path jar = Path.of(TrainCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().resolve("models");
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Path.of("target/models");
        }
    }
}
