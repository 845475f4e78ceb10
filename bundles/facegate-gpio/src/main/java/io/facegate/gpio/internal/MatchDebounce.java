package io.facegate.gpio.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Debounce of an output's trigger: it fires only once the same person (or, for {@code unknown}, any refused face)
 * has been matched in {@code frames} events within {@code window}, so one frame with a false match does not open
 * the door. With {@code frames = 1} every match counts at once. Frames without a match in between do not reset the
 * count (a detector misses a face now and then); another person does. Pure and not thread-safe: its owner
 * serialises the calls; times are monotonic nanoseconds.
 */
final class MatchDebounce {
    private final int frames;
    private final long windowNanos;
    private String key;
    private int count;
    private long first;

    /**
     * @param frames matching events needed, at least 1
     * @param window within how long
     */
    MatchDebounce(int frames, Duration window) {
        this.frames = frames;
        this.windowNanos = window.toNanos();
    }

    /**
     * @param who the matched person, {@code null} for an unknown face
     * @param now monotonic time
     * @return whether the trigger is confirmed now; the count then starts over
     */
    boolean confirm(String who, long now) {
        String k = who == null ? "" : who;
        if (count == 0 || !Objects.equals(k, key) || now - first > windowNanos) {
            key = k;
            count = 0;
            first = now;
        }
        count++;
        if (count >= frames) {
            count = 0;
            return true;
        }
        return false;
    }
}
