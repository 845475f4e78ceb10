package io.facegate.gpio.internal;

import java.time.Duration;

/**
 * Rate limit of one output: no new pulse while one runs, and none until {@code minGap} after it ended. People
 * stay in front of a camera for many frames; each would otherwise restart the pulse. Pure and not thread-safe:
 * its owner serialises the calls; times are monotonic nanoseconds.
 */
final class PulseGate {
    /** What {@link #tryStart(long)} decided. */
    enum Decision {
        /** A pulse starts now. */
        START,
        /** A pulse is running. */
        BUSY,
        /** The last pulse ended less than the minimum gap ago. */
        TOO_SOON
    }

    private final long pulseNanos;
    private final long gapNanos;
    private boolean started;
    private long lastStart;

    /**
     * @param pulse  how long a pulse lasts
     * @param minGap the least time from the end of one pulse to the start of the next
     */
    PulseGate(Duration pulse, Duration minGap) {
        this.pulseNanos = pulse.toNanos();
        this.gapNanos = minGap.toNanos();
    }

    /**
     * @param now monotonic time
     * @return {@link Decision#START} if a pulse may start (and is counted as started), otherwise why not
     */
    Decision tryStart(long now) {
        if (started) {
            long since = now - lastStart;
            if (since < pulseNanos) {
                return Decision.BUSY;
            }
            if (since < pulseNanos + gapNanos) {
                return Decision.TOO_SOON;
            }
        }
        started = true;
        lastStart = now;
        return Decision.START;
    }
}
