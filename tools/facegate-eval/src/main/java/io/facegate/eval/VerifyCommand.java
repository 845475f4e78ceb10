package io.facegate.eval;

import io.facegate.api.Embedding;
import io.facegate.api.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code verify}: pairs-based verification with the k-fold protocol of LFW.
 * A pair with an unusable image gets similarity -1, the worst cosine, so it is decided
 * "different": a same-person pair with a failed image is an error, never dropped.
 */
final class VerifyCommand {
    private VerifyCommand() {
    }

    /**
     * @param pairs      LFW {@code pairs.txt} layout, or a {@code .csv} of {@code file_a,file_b,same}
     * @param images     image root
     * @param models     folder of model folders
     * @param modelId    embedder to evaluate
     * @param aligned    input is pre-aligned: resize only, no detection
     * @param folds      folds of the seeded CSV split (LFW files bring their own)
     * @param limitFolds evaluate only the first K folds (0 = all)
     * @param seed       seed of the CSV split
     * @param batch      faces per embedder run
     * @param threads    decode/detect threads
     * @param far        false accept rate of the reported TAR
     * @param flip       embed each face with its mirror image and use the normalised sum (flip averaging)
     */
    record Config(Path pairs, Path images, Path models, String modelId, boolean aligned, int folds, int limitFolds,
                  long seed, int batch, int threads, double far, boolean flip) {
        /** The configuration without flip averaging. */
        Config(Path pairs, Path images, Path models, String modelId, boolean aligned, int folds, int limitFolds,
               long seed, int batch, int threads, double far) {
            this(pairs, images, models, modelId, aligned, folds, limitFolds, seed, batch, threads, far, false);
        }

        /** @return whether the pairs file is a CSV (by extension) rather than LFW's pairs.txt layout */
        boolean csv() {
            return pairs.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        }
    }

    /**
     * @param config          what was run
     * @param model           the embedder's model
     * @param pairs           the evaluated pairs
     * @param thresholdSource how the per-fold thresholds were chosen
     * @param cv              per-fold results and their summary
     * @param bestAccuracy    accuracy of the single best threshold over all pairs (optimistic: chosen on the test data)
     * @param bestThreshold   that threshold
     * @param tarAtFar        TAR at the configured FAR over all pairs
     * @param auc             ROC AUC over all pairs
     * @param encoded         per-image outcomes and timings
     * @param failedSame      same-person pairs with an unusable image (all decided wrong)
     * @param failedDifferent different-person pairs with an unusable image (decided "different")
     * @param usableOnly      the same protocol on the pairs whose images were both usable, to tell
     *                        the embedder's errors from the detector's; null when no pair failed or
     *                        a fold would be left empty
     */
    record Report(Config config, ModelInfo model, PairList pairs, String thresholdSource,
                  Verification.CrossValidation cv, double bestAccuracy, double bestThreshold,
                  Verification.TarAtFar tarAtFar, double auc, FaceEncoder.Run encoded,
                  int failedSame, int failedDifferent, Verification.CrossValidation usableOnly) {

        String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "verify %s on %s (%s, %d pairs, %d folds%s%s)%n", model.key(),
                    config.pairs(), pairs.format(), pairs.pairs().size(), pairs.folds(),
                    config.aligned() ? ", pre-aligned" : "", config.flip() ? ", flip-averaged" : ""));
            Table folds = new Table("fold", "pairs", "threshold", "accuracy");
            for (Verification.FoldResult f : cv.folds()) {
                folds.row(f.fold() + 1, f.pairs(), Table.fixed(f.threshold(), 4), Table.percent(f.accuracy()));
            }
            b.append(folds).append('\n');
            Map<Failure, Integer> failures = encoded.failures();
            Table summary = new Table("metric", "value")
                    .row("accuracy (mean +- std)", Table.percent(cv.meanAccuracy()) + " +- "
                            + Table.percent(cv.stdAccuracy()))
                    .row("threshold (mean)", Table.fixed(cv.meanThreshold(), 4) + " (" + thresholdSource + ")")
                    .row("best threshold on all pairs", Table.percent(bestAccuracy) + " at "
                            + Table.fixed(bestThreshold, 4) + " (optimistic: chosen on the test pairs)")
                    .row(String.format(Locale.ROOT, "TAR @ FAR=%s", tarAtFar.far()), Table.percent(tarAtFar.tar())
                            + " (threshold " + Table.fixed(tarAtFar.threshold(), 4) + ", " + tarAtFar.falseAccepts()
                            + "/" + tarAtFar.negatives() + " false accepts)")
                    .row("ROC AUC", Table.fixed(auc, 5))
                    .row("images", encoded.byFile().size() + " distinct, " + encoded.embedded() + " embedded");
            for (Failure f : Failure.values()) {
                summary.row("  " + f.label(), failures.get(f));
            }
            summary.row("pairs with an unusable image", failedSame + " same + " + failedDifferent + " different");
            if (usableOnly != null) {
                summary.row("diagnostic: usable pairs only", Table.percent(usableOnly.meanAccuracy()) + " +- "
                        + Table.percent(usableOnly.stdAccuracy()) + " (" + (pairs.pairs().size() - failedSame
                        - failedDifferent) + " pairs; not the protocol's figure)");
            }
            summary.row("time", String.format(Locale.ROOT, "%.1f s decode+detect+align, %.1f s embed, %.1f ms/image",
                    encoded.prepareSeconds(), encoded.embedSeconds(), msPerImage()));
            return b.append(summary).toString();
        }

        private double msPerImage() {
            return 1000 * (encoded.prepareSeconds() + encoded.embedSeconds()) / Math.max(1, encoded.byFile().size());
        }

        Map<String, Object> json() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("command", "verify");
            j.put("model", Reports.model(model));
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("pairs", config.pairs().toString());
            input.put("images", config.images().toString());
            input.put("format", pairs.format());
            input.put("aligned", config.aligned());
            input.put("flip", config.flip());
            if (config.csv()) {
                input.put("seed", config.seed());
            }
            j.put("input", input);
            j.put("pairs", Reports.map("total", pairs.pairs().size(),
                    "same", pairs.pairs().stream().filter(PairList.Pair::same).count(),
                    "different", pairs.pairs().stream().filter(p -> !p.same()).count()));
            List<Object> folds = new ArrayList<>();
            for (Verification.FoldResult f : cv.folds()) {
                folds.add(Reports.map("fold", f.fold() + 1, "pairs", f.pairs(), "threshold", f.threshold(),
                        "accuracy", f.accuracy()));
            }
            j.put("folds", folds);
            j.put("accuracy", Reports.map("mean", cv.meanAccuracy(), "std", cv.stdAccuracy(),
                    "standardError", cv.standardError()));
            j.put("threshold", Reports.map("mean", cv.meanThreshold(), "source", thresholdSource));
            j.put("bestSingleThreshold", Reports.map("accuracy", bestAccuracy, "threshold", bestThreshold));
            j.put("tarAtFar", Reports.map("far", tarAtFar.far(), "tar", tarAtFar.tar(),
                    "threshold", tarAtFar.threshold(), "actualFar", tarAtFar.actualFar(),
                    "falseAccepts", tarAtFar.falseAccepts(), "negatives", tarAtFar.negatives()));
            j.put("rocAuc", auc);
            j.put("images", Reports.images(encoded));
            j.put("pairsWithUnusableImage", Reports.map("same", failedSame, "different", failedDifferent));
            if (usableOnly != null) {
                j.put("diagnosticUsablePairsOnly", Reports.map("pairs", pairs.pairs().size() - failedSame
                        - failedDifferent, "mean", usableOnly.meanAccuracy(), "std", usableOnly.stdAccuracy(),
                        "meanThreshold", usableOnly.meanThreshold()));
            }
            j.put("timing", Reports.timing(encoded));
            j.put("machine", Machine.describe());
            return j;
        }
    }

    /**
     * @param c        the configuration
     * @param progress progress reporting
     * @return the report
     * @throws IOException if the pairs file cannot be read
     * @throws IllegalArgumentException if the pairs file is malformed
     * @throws io.facegate.api.FaceGateException if a model cannot be loaded or fails
     */
    static Report run(Config c, Progress progress) throws IOException {
        PairList all = c.csv() ? PairList.readCsv(c.pairs(), c.images(), c.folds(), c.seed())
                : PairList.readLfw(c.pairs(), c.images());
        PairList pairs = c.limitFolds() > 0 ? all.firstFolds(Math.min(c.limitFolds(), all.folds())) : all;
        List<Path> files = new ArrayList<>();
        for (PairList.Pair p : pairs.pairs()) {
            files.add(p.a());
            files.add(p.b());
        }
        FaceEncoder.Run encoded;
        ModelInfo model;
        try (Stages stages = Stages.open(c.models(), c.modelId(), c.aligned(), c.batch(), c.flip());
             FaceEncoder encoder = stages.encoder(c.threads())) {
            model = stages.model();
            encoded = encoder.encode(files, progress);
        }
        int n = pairs.pairs().size();
        double[] scores = new double[n];
        boolean[] same = new boolean[n];
        int[] fold = new int[n];
        boolean[] usable = new boolean[n];
        int failedSame = 0;
        int failedDifferent = 0;
        for (int i = 0; i < n; i++) {
            PairList.Pair p = pairs.pairs().get(i);
            Embedding a = encoded.byFile().get(p.a()).embedding();
            Embedding b = encoded.byFile().get(p.b()).embedding();
            same[i] = p.same();
            fold[i] = p.fold();
            if (a == null || b == null) {
                scores[i] = -1;
                if (p.same()) {
                    failedSame++;
                } else {
                    failedDifferent++;
                }
            } else {
                scores[i] = a.cosine(b);
                usable[i] = true;
            }
        }
        Verification.CrossValidation cv;
        String source;
        if (pairs.folds() >= 2) {
            cv = Verification.crossValidate(scores, same, fold, pairs.folds());
            source = "best accuracy on the other " + (pairs.folds() - 1) + " folds";
        } else {
            // one fold has nothing to train on: use the threshold the model ships with, not one fitted to the test
            double t = model.recommendedThreshold();
            cv = new Verification.CrossValidation(List.of(new Verification.FoldResult(0, t,
                    Verification.accuracy(scores, same, t), n)), Verification.accuracy(scores, same, t), Double.NaN, t);
            source = "model's recommended: one fold has no training folds";
        }
        double best = Verification.bestThreshold(scores, same);
        return new Report(c, model, pairs, source, cv, Verification.accuracy(scores, same, best), best,
                Verification.tarAtFar(scores, same, c.far()), Verification.rocAuc(scores, same), encoded,
                failedSame, failedDifferent, usableOnly(scores, same, fold, pairs.folds(), usable));
    }

    private static Verification.CrossValidation usableOnly(double[] scores, boolean[] same, int[] fold, int folds,
                                                           boolean[] usable) {
        int n = 0;
        for (boolean u : usable) {
            n += u ? 1 : 0;
        }
        if (n == usable.length || folds < 2) {
            return null;
        }
        double[] s = new double[n];
        boolean[] y = new boolean[n];
        int[] f = new int[n];
        boolean[] foldSeen = new boolean[folds];
        for (int i = 0, j = 0; i < usable.length; i++) {
            if (usable[i]) {
                s[j] = scores[i];
                y[j] = same[i];
                f[j++] = fold[i];
                foldSeen[fold[i]] = true;
            }
        }
        for (boolean seen : foldSeen) {
            if (!seen) {
                return null;
            }
        }
        return Verification.crossValidate(s, y, f, folds);
    }
}
