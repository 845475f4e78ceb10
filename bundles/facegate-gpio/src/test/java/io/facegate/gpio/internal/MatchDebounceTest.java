package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MatchDebounceTest {
    private static final long MS = 1_000_000L;

    @Test
    void oneFrameConfirmsAtOnceByDefault() {
        MatchDebounce d = new MatchDebounce(1, Duration.ofMillis(2000));
        assertTrue(d.confirm("alice", 0));
        assertTrue(d.confirm("alice", 1));
        assertTrue(d.confirm(null, 2));
    }

    @Test
    void theSamePersonInEnoughFramesWithinTheWindow() {
        MatchDebounce d = new MatchDebounce(3, Duration.ofMillis(1000));
        assertFalse(d.confirm("alice", 0));
        assertFalse(d.confirm("alice", 400 * MS));
        assertTrue(d.confirm("alice", 1000 * MS), "third match, at the window's edge");
        assertFalse(d.confirm("alice", 1100 * MS), "the count starts over after firing");
    }

    @Test
    void anotherPersonOrAnExpiredWindowStartsOver() {
        MatchDebounce d = new MatchDebounce(2, Duration.ofMillis(1000));
        assertFalse(d.confirm("alice", 0));
        assertFalse(d.confirm("mallory", 100 * MS));
        assertFalse(d.confirm("alice", 200 * MS));
        assertFalse(d.confirm("alice", 1201 * MS), "1001 ms after the first of the two");
        assertTrue(d.confirm("alice", 1300 * MS));
        assertFalse(d.confirm(null, 2000 * MS));
        assertTrue(d.confirm(null, 2100 * MS), "unknown faces count alike");
    }
}
