package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MotionDetectorTest {
    private final ManualScheduler time = new ManualScheduler();
    private final List<MotionWake> wakes = new ArrayList<>();
    private final MotionDetector pir = new MotionDetector("hall", 4, Duration.ofMillis(50), Duration.ofSeconds(30),
            time, wakes::add);

    @Test
    void motionThatHoldsForTheDebounceWakesForTheBurst() {
        time.advanceMillis(1000);
        pir.level(true);
        time.advanceMillis(49);
        assertEquals(List.of(), wakes);
        time.advanceMillis(1);
        assertEquals(List.of(new MotionWake("hall", 4, ManualScheduler.START.plusMillis(1050),
                Duration.ofSeconds(30))), wakes);
        assertTrue(pir.inMotion());
    }

    @Test
    void aSpikeShorterThanTheDebounceWakesNobody() {
        pir.level(true);
        time.advanceMillis(20);
        pir.level(false);
        time.advanceMillis(1000);
        assertEquals(List.of(), wakes);
        assertEquals(0, time.pending());
    }

    @Test
    void bouncingRestartsTheDebounce() {
        pir.level(true);
        time.advanceMillis(40);
        pir.level(false);
        pir.level(true);
        time.advanceMillis(40);
        assertEquals(List.of(), wakes, "only 40 ms stable since the bounce");
        time.advanceMillis(10);
        assertEquals(1, wakes.size());
    }

    @Test
    void aLineThatStaysActiveRenewsTheWakeEveryHalfBurst() {
        pir.level(true);
        time.advanceMillis(50);
        time.advanceMillis(15_000);
        time.advanceMillis(15_000);
        assertEquals(3, wakes.size());
        assertEquals(ManualScheduler.START.plusMillis(15_050), wakes.get(1).at());
        pir.level(false);
        assertFalse(pir.inMotion());
        time.advance(Duration.ofMinutes(5));
        assertEquals(3, wakes.size(), "no renewal after the line went inactive");
    }

    @Test
    void aRepeatedLevelIsNoEdge() {
        pir.level(true);
        time.advanceMillis(30);
        pir.level(true);
        time.advanceMillis(20);
        assertEquals(1, wakes.size(), "the repeated level did not restart the debounce");
        pir.level(false);
        pir.level(false);
        pir.level(true);
        time.advanceMillis(50);
        assertEquals(2, wakes.size(), "motion again after it ended: a new wake");
    }

    @Test
    void zeroDebounceWakesAtOnceAndCloseStopsEverything() {
        MotionDetector fast = new MotionDetector("gate", 5, Duration.ZERO, Duration.ofSeconds(4), time, wakes::add);
        fast.level(true);
        assertEquals(1, wakes.size());
        assertEquals(Duration.ofSeconds(4), wakes.get(0).burst());
        fast.close();
        time.advanceMillis(10_000);
        fast.level(false);
        fast.level(true);
        assertEquals(1, wakes.size());
        assertEquals(0, time.pending());
    }
}
