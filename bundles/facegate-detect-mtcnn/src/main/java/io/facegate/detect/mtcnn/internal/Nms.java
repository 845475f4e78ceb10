package io.facegate.detect.mtcnn.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** Greedy non-maximum suppression as MTCNN uses it. */
final class Nms {

    /** How the overlap of two boxes is measured. */
    enum Mode {
        /** intersection over union */
        UNION,
        /** intersection over the smaller box: also removes a small box nested in a big one */
        MIN
    }

    private Nms() {
    }

    /**
     * Keeps the best-scoring item, drops every other item overlapping it by more than
     * {@code threshold}, and repeats with the best remaining one.
     *
     * @param items     the candidates, not modified
     * @param box       box of an item
     * @param score     score of an item
     * @param threshold overlap above which the weaker item is dropped
     * @param mode      overlap measure
     * @param <T>       item type
     * @return the kept items, highest score first (ties keep input order)
     */
    static <T> List<T> suppress(List<T> items, Function<T, Box> box, Function<T, Float> score,
                                float threshold, Mode mode) {
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(score).reversed());
        int n = sorted.size();
        Box[] boxes = new Box[n];
        for (int i = 0; i < n; i++) {
            boxes[i] = box.apply(sorted.get(i));
        }
        boolean[] dropped = new boolean[n];
        List<T> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (dropped[i]) {
                continue;
            }
            kept.add(sorted.get(i));
            for (int j = i + 1; j < n; j++) {
                if (!dropped[j] && boxes[i].overlap(boxes[j], mode) > threshold) {
                    dropped[j] = true;
                }
            }
        }
        return kept;
    }
}
