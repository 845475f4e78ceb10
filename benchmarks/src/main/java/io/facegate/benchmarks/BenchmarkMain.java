package io.facegate.benchmarks;

import java.util.List;
import java.util.Set;

/**
 * Main class of the benchmarks jar: {@code org.openjdk.jmh.Main} with all its options, after
 * checking that the models and the demo photos are there. Without them it prints what is
 * missing and where to put it, and exits 0 without running anything (a skip, not a failure).
 * JMH's listing and help options run regardless.
 */
public final class BenchmarkMain {
    private static final Set<String> INFO_OPTIONS = Set.of("-h", "-help", "--help", "-l", "-lp", "-lprof", "-lrf");

    private BenchmarkMain() {
    }

    /**
     * @param args JMH command-line options, e.g. {@code -f 1 -wi 3 -i 5 -t 1 EmbedBenchmark}
     * @throws Exception whatever JMH throws
     */
    public static void main(String[] args) throws Exception {
        if (List.of(args).stream().noneMatch(INFO_OPTIONS::contains)) {
            String missing = missingData();
            if (missing != null) {
                System.out.println("SKIPPED: facegate benchmarks not run. " + missing);
                return;
            }
        }
        org.openjdk.jmh.Main.main(args);
    }

    /** @return what is missing, or null if models and photos are there */
    static String missingData() {
        try {
            Fixtures.requireModels();
            for (String photo : List.of(Fixtures.FACE_PHOTO, Fixtures.FRAME_PHOTO)) {
                Fixtures.photo(photo);
            }
            return null;
        } catch (Fixtures.MissingDataException e) {
            return e.getMessage();
        }
    }
}
