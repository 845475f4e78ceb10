package io.facegate.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The pairs of a verification run, each with its fold.
 *
 * @param pairs  the pairs in file order
 * @param folds  number of folds
 * @param format {@code lfw-pairs} or {@code csv}
 */
record PairList(List<Pair> pairs, int folds, String format) {

    /**
     * @param a    first image
     * @param b    second image
     * @param same whether both show the same person
     * @param fold fold index, 0-based
     */
    record Pair(Path a, Path b, boolean same, int fold) {
    }

    PairList {
        pairs = List.copyOf(pairs);
    }

    /**
     * Reads LFW's {@code pairs.txt}: a header "{@code sets n}" (or just "{@code n}" for one set),
     * then per set {@code n} same-person lines {@code name i j} and {@code n} different-person
     * lines {@code name1 i name2 j}; images are {@code root/name/name_%04d.jpg}. The folds are
     * the file's own sets.
     *
     * @param file the pairs file
     * @param root the image root
     * @return the pairs
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the line that is malformed, or if the sets do not add up
     */
    static PairList readLfw(Path file, Path root) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int first = firstContentLine(lines);
        if (first < 0) {
            throw new IllegalArgumentException(file + " is empty");
        }
        String[] header = lines.get(first).trim().split("\\s+");
        int sets;
        int perClass;
        try {
            sets = header.length == 1 ? 1 : Integer.parseInt(header[0]);
            perClass = Integer.parseInt(header[header.length - 1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ":" + (first + 1) + ": expected a header 'sets pairs-per-class', got '"
                    + lines.get(first).trim() + "'");
        }
        if (header.length > 2 || sets < 1 || perClass < 1) {
            throw new IllegalArgumentException(file + ":" + (first + 1) + ": bad header '" + lines.get(first).trim() + "'");
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] t = line.split("\\s+");
            int fold = pairs.size() / (2 * perClass);
            try {
                if (t.length == 3) {
                    pairs.add(new Pair(lfwImage(root, t[0], t[1]), lfwImage(root, t[0], t[2]), true, fold));
                } else if (t.length == 4) {
                    pairs.add(new Pair(lfwImage(root, t[0], t[1]), lfwImage(root, t[2], t[3]), false, fold));
                } else {
                    throw new IllegalArgumentException("expected 3 or 4 fields, got " + t.length);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage() + " in '" + line + "'");
            }
        }
        if (pairs.size() != sets * 2 * perClass) {
            throw new IllegalArgumentException(file + " announces " + sets + " x (" + perClass + " same + " + perClass
                    + " different) pairs but has " + pairs.size());
        }
        return new PairList(pairs, sets, "lfw-pairs");
    }

    private static Path lfwImage(Path root, String name, String number) {
        int n;
        try {
            n = Integer.parseInt(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("image number '" + number + "' is not an integer");
        }
        return root.resolve(name).resolve(String.format(Locale.ROOT, "%s_%04d.jpg", name, n));
    }

    /**
     * Reads a CSV {@code file_a,file_b,same} (same: 1/0, yes/no, true/false; a header line
     * is recognised by its third field not being one of those). Relative paths are resolved
     * against {@code root}. The folds are a seeded split, stratified so every fold gets the
     * same share of same and different pairs.
     *
     * @param file  the CSV file
     * @param root  the image root
     * @param folds number of folds, at least 1
     * @param seed  seed of the split
     * @return the pairs
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the line that is malformed
     */
    static PairList readCsv(Path file, Path root, int folds, long seed) throws IOException {
        if (folds < 1) {
            throw new IllegalArgumentException("folds must be >= 1, got " + folds);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Path[]> files = new ArrayList<>();
        List<Boolean> same = new ArrayList<>();
        int first = firstContentLine(lines);
        for (int i = Math.max(first, 0); i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] t = line.split(",", -1);
            Boolean label = t.length == 3 ? parseSame(t[2]) : null;
            if (label == null && i == first) {
                continue; // header
            }
            if (t.length != 3 || label == null || t[0].isBlank() || t[1].isBlank()) {
                throw new IllegalArgumentException(file + ":" + (i + 1)
                        + ": expected 'file_a,file_b,same' with same = 1/0, yes/no or true/false, got '" + line + "'");
            }
            files.add(new Path[] {root.resolve(t[0].trim()), root.resolve(t[1].trim())});
            same.add(label);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(file + " has no pairs");
        }
        int[] fold = stratifiedFolds(same.stream().mapToInt(b -> b ? 1 : 0).toArray(), folds, seed);
        List<Pair> pairs = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            pairs.add(new Pair(files.get(i)[0], files.get(i)[1], same.get(i), fold[i]));
        }
        return new PairList(pairs, folds, "csv");
    }

    private static Boolean parseSame(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "1", "yes", "y", "true" -> Boolean.TRUE;
            case "0", "no", "n", "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static int firstContentLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (!l.isEmpty() && !l.startsWith("#")) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Seeded split into folds, dealt round-robin within each class after a shuffle, so the
     * fold sizes differ by at most one per class.
     *
     * @param classOf class label per item (here 1 = same, 0 = different)
     * @param folds   number of folds
     * @param seed    shuffle seed
     * @return fold index per item
     */
    static int[] stratifiedFolds(int[] classOf, int folds, long seed) {
        Random random = new Random(seed);
        int[] fold = new int[classOf.length];
        int classes = 0;
        for (int c : classOf) {
            classes = Math.max(classes, c + 1);
        }
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < classOf.length; i++) {
                if (classOf[i] == c) {
                    members.add(i);
                }
            }
            Collections.shuffle(members, random);
            for (int j = 0; j < members.size(); j++) {
                fold[members.get(j)] = j % folds;
            }
        }
        return fold;
    }

    /**
     * @param keep number of leading folds to keep, 1..folds
     * @return the pairs of folds {@code 0..keep-1} only
     */
    PairList firstFolds(int keep) {
        if (keep < 1 || keep > folds) {
            throw new IllegalArgumentException("can keep 1.." + folds + " folds, not " + keep);
        }
        return new PairList(pairs.stream().filter(p -> p.fold() < keep).toList(), keep, format);
    }
}
