package io.facegate.eval;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines on stderr for long runs, at most one every two seconds plus the final one. */
final class Progress {
    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream err;
    private final String label;
    private final long start = System.nanoTime();
    private long last = start;

    /**
     * @param err   where to print; null for silence (tests)
     * @param label what is being counted, e.g. "images"
     */
    Progress(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    /**
     * @param done  items finished
     * @param total items in all
     */
    synchronized void update(int done, int total) {
        if (err == null) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        String eta = done == 0 || done >= total ? "" : String.format(Locale.ROOT, ", ETA %.0f s", (total - done) / rate);
        err.printf(Locale.ROOT, "%s: %d/%d (%.1f/s, %.0f s%s)%n", label, done, total, rate, seconds, eta);
    }
}
