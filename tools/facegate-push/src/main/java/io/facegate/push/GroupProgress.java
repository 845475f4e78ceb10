package io.facegate.push;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The progress of a group push on one redrawn line: a bar over every gateway, then each gateway's count. Notes
 * (a resent chunk, a resume) go on lines of their own above it. Called from every gateway's thread.
 */
final class GroupProgress {
    private static final int BAR = 30;
    private static final int MAX_LINE = 160;

    private final PrintStream err;
    private final Map<String, Double> done = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private int shown;

    /** @param start every gateway's label before its first reply */
    GroupProgress(PrintStream err, List<String> gateways, String start) {
        this.err = err;
        for (String g : gateways) {
            done.put(g, 0.0);
            labels.put(g, start);
        }
    }

    synchronized void update(String gateway, double fraction, String label) {
        done.put(gateway, fraction);
        labels.put(gateway, label);
        draw();
    }

    synchronized void note(String gateway, String text) {
        clear();
        err.println(gateway + ": " + text);
        draw();
    }

    /** Ends the line, before the report. */
    synchronized void finish() {
        if (shown > 0) {
            err.println();
            shown = 0;
        }
    }

    private void draw() {
        double all = done.values().stream().mapToDouble(Double::doubleValue).average().orElse(1);
        int filled = (int) Math.round(BAR * all);
        StringBuilder line = new StringBuilder("[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "] "
                + Math.round(100 * all) + "%");
        labels.forEach((g, l) -> line.append("  ").append(g).append(' ').append(l));
        String s = line.length() > MAX_LINE ? line.substring(0, MAX_LINE - 3) + "..." : line.toString();
        clear();
        err.print(s);
        err.flush();
        shown = s.length();
    }

    private void clear() {
        if (shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
        }
    }
}
