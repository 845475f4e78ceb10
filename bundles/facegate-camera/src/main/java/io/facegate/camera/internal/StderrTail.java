package io.facegate.camera.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Drains a child's stderr so it can never block on a full pipe, keeping only its last lines (each
 * cut to {@value #MAX_LINE} characters, credentials redacted) for the error message. Memory stays
 * bounded whatever the child writes, even a gigabyte without a line break.
 */
final class StderrTail {
    static final int MAX_LINES = 8;
    static final int MAX_LINE = 300;

    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long total;

    /**
     * Reads until end of stream or an I/O error (the pipe closed as the child was reaped).
     *
     * @param in the child's stderr
     */
    void drain(InputStream in) {
        byte[] buf = new byte[4096];
        byte[] line = new byte[MAX_LINE];
        int len = 0;
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n' || b == '\r') {
                        add(line, len);
                        len = 0;
                    } else if (len < MAX_LINE) {
                        line[len++] = b;
                    }
                }
            }
        } catch (IOException e) {
            // the child is gone; what was read so far is kept
        }
        add(line, len);
    }

    private void add(byte[] line, int len) {
        String s = new String(line, 0, len, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            return;
        }
        synchronized (this) {
            total++;
            if (lines.size() == MAX_LINES) {
                lines.removeFirst();
            }
            lines.addLast(Redact.credentials(s));
        }
    }

    /** @return the last lines kept, oldest first */
    synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** @return how many non-empty lines were read in all */
    synchronized long total() {
        return total;
    }

    /**
     * @param n how many
     * @return the last {@code n} lines joined by {@code "; "}, or null if there were none
     */
    synchronized String last(int n) {
        if (lines.isEmpty()) {
            return null;
        }
        List<String> all = new ArrayList<>(lines);
        return String.join("; ", all.subList(Math.max(0, all.size() - n), all.size()));
    }
}
