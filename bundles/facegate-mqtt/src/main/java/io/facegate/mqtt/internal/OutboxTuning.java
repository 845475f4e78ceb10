package io.facegate.mqtt.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Knobs of the {@link EventOutbox} that production leaves at their defaults ({@link #forBound}); tests use them
 * for small segments, to inject I/O faults and to skip {@code fsync} where durability is not what they test.
 *
 * @param segmentBytes size at which the outbox starts a new segment file
 * @param sync         whether appends and renames are forced to the device; only tests turn it off
 * @param faults       called before each file operation, may throw to simulate a full or failing disk
 */
record OutboxTuning(int segmentBytes, boolean sync, Faults faults) {
    static final int MIN_SEGMENT_BYTES = 256;
    private static final int SEGMENT_FLOOR = 64 * 1024;
    private static final int SEGMENT_CEILING = 64 * 1024 * 1024;

    /** Test seam for I/O faults. */
    interface Faults {
        /**
         * @param operation {@code "create"} (a segment), {@code "write"} (a record), {@code "force"} (a segment or
         *                  the directory) or {@code "head"} (writing the head file)
         * @param file      the file concerned
         * @throws IOException to make the operation fail
         */
        void before(String operation, Path file) throws IOException;
    }

    static final Faults NO_FAULTS = (operation, file) -> { };

    OutboxTuning {
        Objects.requireNonNull(faults, "faults");
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment size " + segmentBytes + " < " + MIN_SEGMENT_BYTES);
        }
    }

    /**
     * The production defaults: segments of a sixteenth of the bound, at least 64 KiB, at most 64 MiB, and never
     * more than half the bound (so that dropping the oldest segment always leaves room for the next one).
     *
     * @param maxBytes the outbox's bound in bytes
     * @return durable tuning without faults
     */
    static OutboxTuning forBound(long maxBytes) {
        long size = Math.min(Math.max(SEGMENT_FLOOR, maxBytes / 16), Math.min(SEGMENT_CEILING, maxBytes / 2));
        return new OutboxTuning((int) Math.max(MIN_SEGMENT_BYTES, size), true, NO_FAULTS);
    }
}
