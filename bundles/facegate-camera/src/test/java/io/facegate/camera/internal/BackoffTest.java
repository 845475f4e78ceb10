package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheMaximumAndResets() {
        Backoff b = new Backoff(1000, 30_000);
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L),
                LongStream.range(0, 7).map(i -> b.next()).boxed().toList());
        b.reset();
        assertEquals(1000, b.next());
        assertEquals(2000, b.next());
    }

    @Test
    void equalBoundsGiveAFixedDelay() {
        Backoff b = new Backoff(500, 500);
        assertEquals(500, b.next());
        assertEquals(500, b.next());
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
    }
}
