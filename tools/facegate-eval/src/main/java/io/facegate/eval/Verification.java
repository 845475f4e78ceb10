package io.facegate.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The arithmetic of the pairs protocol, on plain similarity scores. A pair is
 * predicted "same" when its score is {@code >=} the threshold.
 */
final class Verification {
    private Verification() {
    }

    /**
     * @param scores    similarity per pair
     * @param same      ground truth per pair
     * @param threshold decision threshold
     * @return fraction of pairs decided correctly; NaN for no pairs
     */
    static double accuracy(double[] scores, boolean[] same, double threshold) {
        check(scores, same);
        int correct = 0;
        for (int i = 0; i < scores.length; i++) {
            if ((scores[i] >= threshold) == same[i]) {
                correct++;
            }
        }
        return scores.length == 0 ? Double.NaN : correct / (double) scores.length;
    }

    /**
     * The threshold with the best accuracy on these pairs, searched exactly: every
     * distinct split of the sorted scores is tried, at the midpoint between the two
     * neighbouring scores (at the lowest score for "all same", just above the highest
     * for "all different"). Ties go to the lowest threshold so the result is deterministic.
     *
     * @param scores similarity per pair, at least one
     * @param same   ground truth per pair
     * @return the threshold
     */
    static double bestThreshold(double[] scores, boolean[] same) {
        check(scores, same);
        if (scores.length == 0) {
            throw new IllegalArgumentException("no pairs to choose a threshold on");
        }
        Integer[] order = sortedIndices(scores);
        int positives = 0;
        for (boolean s : same) {
            positives += s ? 1 : 0;
        }
        // split k: order[0..k) are predicted different, order[k..n) same
        int negBelow = 0;
        int posBelow = 0;
        int best = -1;
        double bestThreshold = Double.NaN;
        int n = scores.length;
        for (int k = 0; k <= n; k++) {
            if (k > 0) {
                if (same[order[k - 1]]) {
                    posBelow++;
                } else {
                    negBelow++;
                }
            }
            boolean boundary = k == 0 || k == n || scores[order[k - 1]] < scores[order[k]];
            if (!boundary) {
                continue;
            }
            int correct = negBelow + (positives - posBelow);
            if (correct > best) {
                best = correct;
                if (k == 0) {
                    bestThreshold = scores[order[0]];
                } else if (k == n) {
                    bestThreshold = Math.nextUp(scores[order[n - 1]]);
                } else {
                    bestThreshold = (scores[order[k - 1]] + scores[order[k]]) / 2;
                }
            }
        }
        return bestThreshold;
    }

    /**
     * One held-out fold.
     *
     * @param fold      fold index
     * @param threshold threshold chosen on the other folds
     * @param accuracy  accuracy on this fold at that threshold
     * @param pairs     pairs in this fold
     */
    record FoldResult(int fold, double threshold, double accuracy, int pairs) {
    }

    /**
     * @param folds         one result per held-out fold, in fold order
     * @param meanAccuracy  mean of the fold accuracies
     * @param stdAccuracy   population standard deviation of the fold accuracies (numpy's default, as in the usual LFW scripts)
     * @param meanThreshold mean of the chosen thresholds
     */
    record CrossValidation(List<FoldResult> folds, double meanAccuracy, double stdAccuracy, double meanThreshold) {
        /** @return standard error of the mean accuracy, the figure the LFW protocol asks for beside the mean */
        double standardError() {
            int n = folds.size();
            return n < 2 ? Double.NaN : stdAccuracy * Math.sqrt(n / (double) (n - 1)) / Math.sqrt(n);
        }
    }

    /**
     * Leave-one-fold-out: for each fold, the threshold is chosen on all other folds and
     * applied to the held-out one.
     *
     * @param scores similarity per pair
     * @param same   ground truth per pair
     * @param fold   fold index per pair, 0..folds-1
     * @param folds  number of folds, at least 2
     * @return per-fold and summary figures
     */
    static CrossValidation crossValidate(double[] scores, boolean[] same, int[] fold, int folds) {
        check(scores, same);
        if (fold.length != scores.length) {
            throw new IllegalArgumentException(fold.length + " fold indices for " + scores.length + " pairs");
        }
        if (folds < 2) {
            throw new IllegalArgumentException("cross-validation needs at least 2 folds, got " + folds);
        }
        List<FoldResult> results = new ArrayList<>(folds);
        for (int f = 0; f < folds; f++) {
            Subset train = subset(scores, same, fold, f, false);
            Subset test = subset(scores, same, fold, f, true);
            if (test.scores.length == 0 || train.scores.length == 0) {
                throw new IllegalArgumentException("fold " + f + " has no " + (test.scores.length == 0
                        ? "pairs" : "training pairs"));
            }
            double t = bestThreshold(train.scores, train.same);
            results.add(new FoldResult(f, t, accuracy(test.scores, test.same, t), test.scores.length));
        }
        double[] acc = results.stream().mapToDouble(FoldResult::accuracy).toArray();
        double mean = Arrays.stream(acc).average().orElseThrow();
        double var = Arrays.stream(acc).map(a -> (a - mean) * (a - mean)).sum() / acc.length;
        double meanT = results.stream().mapToDouble(FoldResult::threshold).average().orElseThrow();
        return new CrossValidation(List.copyOf(results), mean, Math.sqrt(var), meanT);
    }

    private record Subset(double[] scores, boolean[] same) {
    }

    private static Subset subset(double[] scores, boolean[] same, int[] fold, int f, boolean in) {
        int n = 0;
        for (int v : fold) {
            n += (v == f) == in ? 1 : 0;
        }
        double[] s = new double[n];
        boolean[] y = new boolean[n];
        for (int i = 0, j = 0; i < scores.length; i++) {
            if ((fold[i] == f) == in) {
                s[j] = scores[i];
                y[j++] = same[i];
            }
        }
        return new Subset(s, y);
    }

    /**
     * @param far           the false accept rate asked for
     * @param tar           true accept rate at the threshold
     * @param threshold     the lowest threshold whose false accept rate is at most {@code far}
     * @param actualFar     false accept rate at that threshold
     * @param falseAccepts  different pairs accepted at that threshold
     * @param negatives     different pairs in all
     */
    record TarAtFar(double far, double tar, double threshold, double actualFar, int falseAccepts, int negatives) {
    }

    /**
     * True accept rate at a false accept rate: the threshold lets through at most
     * {@code floor(far * negatives)} different pairs, and is raised above ties rather
     * than exceed that.
     *
     * @param scores similarity per pair
     * @param same   ground truth per pair, at least one of each
     * @param far    target false accept rate in [0, 1]
     * @return the operating point
     */
    static TarAtFar tarAtFar(double[] scores, boolean[] same, double far) {
        check(scores, same);
        if (!(far >= 0 && far <= 1)) {
            throw new IllegalArgumentException("FAR must be in [0, 1], got " + far);
        }
        double[] neg = select(scores, same, false);
        double[] pos = select(scores, same, true);
        if (neg.length == 0 || pos.length == 0) {
            throw new IllegalArgumentException("TAR@FAR needs same and different pairs, got " + pos.length
                    + " and " + neg.length);
        }
        Arrays.sort(neg);
        int allowed = (int) Math.floor(far * neg.length + 1e-9);
        double threshold;
        if (allowed >= neg.length) {
            threshold = Double.NEGATIVE_INFINITY;
        } else {
            // the (allowed+1)-th highest different pair must be rejected, with all its ties
            threshold = Math.nextUp(neg[neg.length - 1 - allowed]);
        }
        int fa = 0;
        for (double s : neg) {
            fa += s >= threshold ? 1 : 0;
        }
        int ta = 0;
        for (double s : pos) {
            ta += s >= threshold ? 1 : 0;
        }
        return new TarAtFar(far, ta / (double) pos.length, threshold, fa / (double) neg.length, fa, neg.length);
    }

    /**
     * Area under the ROC curve, as the Mann-Whitney statistic: the probability that a
     * random same pair scores above a random different pair, ties counting one half.
     *
     * @param scores similarity per pair
     * @param same   ground truth per pair, at least one of each
     * @return the AUC in [0, 1]
     */
    static double rocAuc(double[] scores, boolean[] same) {
        check(scores, same);
        int n = scores.length;
        Integer[] order = sortedIndices(scores);
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1; // ranks are 1-based; ties share their mean rank
            for (int k = i; k <= j; k++) {
                if (same[order[k]]) {
                    rankSumPos += midRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("ROC AUC needs same and different pairs, got " + pos + " and " + neg);
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    private static double[] select(double[] scores, boolean[] same, boolean which) {
        return IntStream.range(0, scores.length).filter(i -> same[i] == which)
                .mapToDouble(i -> scores[i]).toArray();
    }

    private static Integer[] sortedIndices(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        return order;
    }

    private static void check(double[] scores, boolean[] same) {
        if (scores.length != same.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + same.length + " labels");
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("a score is NaN");
            }
        }
    }
}
