package io.facegate.pipeline.internal;

import java.util.Locale;

/**
 * The validated pipeline configuration.
 *
 * @param queueCapacity bound of the frame queue between the source readers and the workers
 * @param workers       worker threads running detect, align, embed, match
 * @param overflow      what a source's reader does when the queue is full
 * @param pollTimeoutMs how long a reader waits in {@code FrameSource.next} before checking for stop
 * @param stopTimeoutMs how long stopping (or removing a stage service) waits for frames in progress
 * @param statsWindowS  the window of {@code framesPerSecond} and the latency percentiles
 * @param requiredListener the {@code facegate.listener.type} of a {@link io.facegate.api.RecognitionListener} that
 *                      must be bound and must take every event before a frame is acknowledged (e.g. {@code mqtt}, the
 *                      durable outbox); {@code null} when none is required
 */
record PipelineSettings(int queueCapacity, int workers, Overflow overflow, long pollTimeoutMs, long stopTimeoutMs,
                        int statsWindowS, String requiredListener) {

    /** Queue overflow policy, per source. */
    enum Overflow {
        /** The reader waits for room: back-pressure, nothing dropped (right for folders: files wait on disk). */
        BLOCK,
        /**
         * The reader drops the oldest queued frame of its own source to make room and acknowledges it as
         * failed with reason {@value FacePipeline#DROPPED_REASON}; if none of its frames is queued it waits
         * (one source never evicts another's frames). Right for live cameras, where a stale frame is worthless.
         */
        DROP_OLDEST;

        /**
         * @param value {@code block}, {@code drop_oldest} or {@code drop-oldest}, any case
         * @param key   configuration key, for the message
         * @return the policy
         * @throws IllegalArgumentException on anything else
         */
        static Overflow parse(String value, String key) {
            String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Overflow o : values()) {
                if (o.name().equals(v)) {
                    return o;
                }
            }
            throw new IllegalArgumentException(key + " must be block or drop_oldest, got '" + value + "'");
        }
    }

    static final int DEFAULT_QUEUE_CAPACITY = 16;

    /** Fails fast with a message naming the configuration key. */
    PipelineSettings {
        check(queueCapacity, 1, 100_000, "queue_capacity");
        check(workers, 1, 64, "workers");
        if (overflow == null) {
            throw new IllegalArgumentException("overflow must be block or drop_oldest");
        }
        check(pollTimeoutMs, 10, 60_000, "poll_timeout_ms");
        check(stopTimeoutMs, 0, 600_000, "stop_timeout_ms");
        check(statsWindowS, 1, 3600, "stats_window_s");
        if (requiredListener != null) {
            requiredListener = requiredListener.trim();
            if (requiredListener.isEmpty()) {
                requiredListener = null;
            } else if (!requiredListener.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("required_listener must be a listener type (1-64 of A-Z a-z 0-9 . _ -),"
                        + " got '" + requiredListener + "'");
            }
        }
    }

    private static void check(long value, long min, long max, String key) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be within " + min + ".." + max + ", got " + value);
        }
    }

    /** @return the defaults */
    static PipelineSettings defaults() {
        return new PipelineSettings(DEFAULT_QUEUE_CAPACITY, 1, Overflow.BLOCK, 500, 10_000, 60, null);
    }

    /**
     * @param c the DS configuration
     * @return validated settings
     * @throws IllegalArgumentException on a bad value
     */
    static PipelineSettings from(FacePipeline.Config c) {
        return new PipelineSettings(c.queue__capacity(), c.workers(), Overflow.parse(c.overflow(), "overflow"),
                c.poll__timeout__ms(), c.stop__timeout__ms(), c.stats__window__s(), c.required__listener());
    }
}
