package io.facegate.pipeline.internal;

import java.util.Arrays;

/**
 * The most recent events (at most {@link #CAPACITY}): when each was emitted and its frame-to-event
 * latency, for the rate and percentiles of {@link io.facegate.api.PipelineStatus}.
 */
final class LatencyWindow {
    static final int CAPACITY = 4096;

    /** Rate and latency percentiles over the window. */
    record Snapshot(double framesPerSecond, double p50Millis, double p99Millis) {
    }

    private final long[] at = new long[CAPACITY];
    private final long[] latency = new long[CAPACITY];
    private int next;
    private int size;

    synchronized void record(long atNanos, long latencyNanos) {
        at[next] = atNanos;
        latency[next] = latencyNanos;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    /**
     * @param nowNanos    now, {@link System#nanoTime()}
     * @param windowNanos the window
     * @param sinceNanos  when counting began (activation), so a young pipeline is not under-reported
     * @return events per second over the window (or over the retained samples, if fewer), p50 and p99 latency
     */
    synchronized Snapshot snapshot(long nowNanos, long windowNanos, long sinceNanos) {
        long from = nowNanos - windowNanos;
        long[] lat = new long[size];
        int n = 0;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            int idx = (next - 1 - i + CAPACITY) % CAPACITY;
            if (at[idx] - from < 0) {
                break; // older than the window; everything before it is older still
            }
            lat[n++] = latency[idx];
            oldest = at[idx];
        }
        if (n == 0) {
            return new Snapshot(0, 0, 0);
        }
        long span = Math.min(windowNanos, nowNanos - sinceNanos);
        if (n == CAPACITY) {
            span = Math.min(span, nowNanos - oldest); // the ring overflowed within the window
        }
        double fps = n / (Math.max(span, 1_000_000L) / 1e9);
        Arrays.sort(lat, 0, n);
        return new Snapshot(fps, percentile(lat, n, 0.50) / 1e6, percentile(lat, n, 0.99) / 1e6);
    }

    /** Nearest-rank percentile of the first n sorted values. */
    private static long percentile(long[] sorted, int n, double p) {
        int rank = (int) Math.ceil(p * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }
}
