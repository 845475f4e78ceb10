package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facegate.gpio.internal.PulseGate.Decision;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PulseGateTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 5_000_000_000L;

    @Test
    void noRetriggerWhilePulsingNorWithinTheGap() {
        PulseGate gate = new PulseGate(Duration.ofMillis(1000), Duration.ofMillis(2000));
        assertEquals(Decision.START, gate.tryStart(T0));
        assertEquals(Decision.BUSY, gate.tryStart(T0 + 1));
        assertEquals(Decision.BUSY, gate.tryStart(T0 + 999 * MS));
        assertEquals(Decision.TOO_SOON, gate.tryStart(T0 + 1000 * MS));
        assertEquals(Decision.TOO_SOON, gate.tryStart(T0 + 2999 * MS));
        assertEquals(Decision.START, gate.tryStart(T0 + 3000 * MS));
        assertEquals(Decision.BUSY, gate.tryStart(T0 + 3500 * MS), "measured from the new start");
    }

    @Test
    void aZeroGapAllowsTheNextPulseRightAfterTheLast() {
        PulseGate gate = new PulseGate(Duration.ofMillis(200), Duration.ZERO);
        assertEquals(Decision.START, gate.tryStart(-T0));
        assertEquals(Decision.BUSY, gate.tryStart(-T0 + 199 * MS));
        assertEquals(Decision.START, gate.tryStart(-T0 + 200 * MS), "monotonic time may be negative");
    }
}
