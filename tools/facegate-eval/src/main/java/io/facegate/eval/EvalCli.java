package io.facegate.eval;

import io.facegate.api.FaceGateException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code facegate-eval <verify|identify|bench> [options]}: prints a table on stdout and a
 * JSON summary (stdout after the table, or {@code --json FILE}); progress goes to stderr.
 * Exit codes: 0 done, 1 the run failed, 2 bad command line.
 */
public final class EvalCli {
    static final String DEFAULT_MODEL = "mobilefacenet-112";
    static final long DEFAULT_SEED = 42;

    private static final Set<String> COMMON = Set.of("models", "model", "json", "threads", "batch");

    static final String USAGE = """
            usage: java -jar facegate-eval.jar <command> [options]

            commands:
              verify    pairs-based verification, k-fold protocol of LFW
                --pairs FILE        LFW pairs.txt layout, or FILE.csv with lines file_a,file_b,same (1/0, yes/no)
                --images DIR        image root (LFW: DIR/name/name_0001.jpg; CSV: paths relative to DIR)
                --folds N           folds of the seeded, stratified CSV split (default 10; LFW uses its own sets)
                --limit-folds K     evaluate only the first K folds (K=1: model's recommended threshold)
                --seed S            seed of the CSV split (default 42)
                --far F             false accept rate for the reported TAR (default 0.001)
                --aligned           input is pre-aligned: resize to the model size, no detection
                --flip              flip averaging: embed each face and its mirror image in the same run,
                                    use the normalised sum (twice the embedding work; --batch counts faces)
              identify  closed- and open-set identification on DIR/<identity>/<photos>
                --root DIR          identities to enrol and probe
                --enroll K          photos enrolled per identity (default 2)
                --probes P          most probes per identity (default 10)
                --seed S            seed of the per-identity photo draw (default 42)
                --unknown DIR       identities never enrolled, probed for open-set rejection
                --threshold T       open-set cosine threshold (default: the model's recommended one)
                --max-identities N  only the first N identities of each root, by name
                --aligned           as for verify
                --flip              as for verify
              bench     embedder ms/face (batch 1 and 8), MTCNN ms/frame (320x240, 640x480, 1280x720),
                        parameters and size on disk of every model
                --photo FILE        a photo with a face (default DATA/demo/two_people.jpg)
                --iterations N      timed runs per measurement (default 30)
                --warmup N          untimed runs before them (default 5)

            common options:
              --models DIR          folder of model folders (default: models/ beside the jar)
              --model ID            embedder for verify/identify (default mobilefacenet-112)
              --batch N             faces per embedder run (default 8)
              --threads N           decode+detect threads (default: available cores)
              --json FILE           write the JSON summary to FILE instead of stdout

            DATA is the system property facegate.data.dir, else ../shared/data.
            exit codes: 0 done, 1 the run failed, 2 bad command line
            """;

    /** What a command produced: the human table, the JSON summary, and where the JSON goes (null = stdout). */
    private record Outcome(String table, Map<String, Object> json, Path jsonFile) {
    }

    private EvalCli() {
    }

    /**
     * @param args command and options
     */
    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /**
     * @param argv command and options
     * @param out  tables and (without --json) the JSON summary
     * @param err  progress, errors, usage on a bad command line
     * @return the exit code
     */
    static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        String command = argv.get(0);
        if (List.of("help", "--help", "-h").contains(command)) {
            out.print(USAGE);
            return 0;
        }
        List<String> rest = argv.subList(1, argv.size());
        try {
            Progress progress = new Progress(err, command);
            Outcome outcome = switch (command) {
                case "verify" -> verify(verifyArgs(rest), progress);
                case "identify" -> identify(identifyArgs(rest), progress);
                case "bench" -> bench(new Args(rest, options("photo", "iterations", "warmup"), Set.of()), progress);
                default -> throw new Args.UsageException("unknown command '" + command + "'");
            };
            out.print(outcome.table());
            if (outcome.jsonFile() == null) {
                out.println();
                out.print(Json.write(outcome.json()));
            } else {
                Files.writeString(outcome.jsonFile(), Json.write(outcome.json()), StandardCharsets.UTF_8);
                err.println("JSON summary written to " + outcome.jsonFile());
            }
            out.flush();
            return 0;
        } catch (Args.UsageException e) {
            err.println("facegate-eval: " + e.getMessage());
            err.println("run 'facegate-eval help' for the options");
            return 2;
        } catch (NoSuchFileException e) {
            err.println("facegate-eval " + command + ": no such file: " + e.getFile());
            return 1;
        } catch (IOException | IllegalArgumentException | FaceGateException e) {
            err.println("facegate-eval " + command + ": " + e.getMessage());
            return 1;
        }
    }

    private static Set<String> options(String... specific) {
        Set<String> all = new HashSet<>(COMMON);
        all.addAll(List.of(specific));
        return all;
    }

    /** @return the options of {@code verify} */
    static Args verifyArgs(List<String> argv) throws Args.UsageException {
        return new Args(argv, options("pairs", "images", "folds", "limit-folds", "seed", "far"),
                Set.of("aligned", "flip"));
    }

    /** @return the options of {@code identify} */
    static Args identifyArgs(List<String> argv) throws Args.UsageException {
        return new Args(argv, options("root", "unknown", "enroll", "probes", "seed", "threshold", "max-identities"),
                Set.of("aligned", "flip"));
    }

    /** @return what {@code verify} runs, from its options; loads nothing */
    static VerifyCommand.Config verifyConfig(Args a) throws Args.UsageException {
        Path pairs = a.requiredPath("pairs");
        VerifyCommand.Config c = new VerifyCommand.Config(pairs, a.requiredPath("images"), models(a),
                a.string("model", DEFAULT_MODEL), a.flag("aligned"), a.integer("folds", 10, 2),
                a.integer("limit-folds", 0, 1), a.longValue("seed", DEFAULT_SEED), a.integer("batch", 8, 1),
                a.integer("threads", cores(), 1), a.number("far", 1e-3, 0, 1), a.flag("flip"));
        if (!c.csv() && (a.has("folds") || a.has("seed"))) {
            throw new Args.UsageException("--folds and --seed apply to CSV pairs; an LFW pairs file brings its own folds");
        }
        return c;
    }

    /** @return what {@code identify} runs, from its options; loads nothing */
    static IdentifyCommand.Config identifyConfig(Args a) throws Args.UsageException {
        return new IdentifyCommand.Config(a.requiredPath("root"), a.path("unknown", null),
                models(a), a.string("model", DEFAULT_MODEL), a.flag("aligned"), a.integer("enroll", 2, 1),
                a.integer("probes", 10, 1), a.longValue("seed", DEFAULT_SEED), a.number("threshold", Double.NaN, -1, 1),
                a.integer("max-identities", 0, 1), a.integer("batch", 8, 1), a.integer("threads", cores(), 1),
                a.flag("flip"));
    }

    private static Outcome verify(Args a, Progress progress) throws Args.UsageException, IOException {
        VerifyCommand.Report r = VerifyCommand.run(verifyConfig(a), progress);
        return new Outcome(r.table(), r.json(), a.path("json", null));
    }

    private static Outcome identify(Args a, Progress progress) throws Args.UsageException, IOException {
        IdentifyCommand.Report r = IdentifyCommand.run(identifyConfig(a), progress);
        return new Outcome(r.table(), r.json(), a.path("json", null));
    }

    private static Outcome bench(Args a, Progress progress) throws Args.UsageException, IOException {
        if (a.has("model") || a.has("threads") || a.has("batch")) {
            throw new Args.UsageException("bench times every model in --models at batch 1 and 8; "
                    + "--model, --batch and --threads do not apply");
        }
        Path data = Path.of(System.getProperty("facegate.data.dir", "../shared/data"));
        BenchCommand.Config c = new BenchCommand.Config(models(a),
                a.path("photo", data.resolve("demo").resolve("two_people.jpg")),
                a.integer("iterations", 30, 1), a.integer("warmup", 5, 0));
        BenchCommand.Report r = BenchCommand.run(c, progress);
        return new Outcome(r.table(), r.json(), a.path("json", null));
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static Path models(Args a) {
        return a.path("models", defaultModelsDir());
    }

    /**
     * The build unpacks the models to {@code target/models}, beside both {@code target/facegate-eval.jar}
     * and {@code target/classes}, so "models/ beside where this class was loaded from" finds them either way.
     */
    static Path defaultModelsDir() {
        try {
            Path code = Path.of(EvalCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve("models");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("models");
        }
    }
}
