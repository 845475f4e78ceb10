package io.facegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyWindowTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;

    @Test
    void percentilesAndRateOverTheWindow() {
        LatencyWindow w = new LatencyWindow();
        long t0 = 1_000 * S;
        for (int i = 1; i <= 100; i++) {
            w.record(t0 + i * 10 * MS, i * MS); // 100 events over 1 s, latencies 1..100 ms
        }
        LatencyWindow.Snapshot s = w.snapshot(t0 + S, 60 * S, t0);
        assertEquals(50.0, s.p50Millis(), 1e-9);
        assertEquals(99.0, s.p99Millis(), 1e-9);
        assertEquals(100.0, s.framesPerSecond(), 1e-6, "young pipeline: rate over its uptime");

        LatencyWindow.Snapshot later = w.snapshot(t0 + 10 * S, 60 * S, t0);
        assertEquals(10.0, later.framesPerSecond(), 1e-6);

        LatencyWindow.Snapshot outside = w.snapshot(t0 + 120 * S, 60 * S, t0);
        assertEquals(new LatencyWindow.Snapshot(0, 0, 0), outside);
    }

    @Test
    void aFullRingMeasuresOverTheRetainedSpan() {
        LatencyWindow w = new LatencyWindow();
        long t0 = 1_000 * S;
        int n = LatencyWindow.CAPACITY + 1000;
        for (int i = 0; i < n; i++) {
            w.record(t0 + i * MS, 5 * MS); // 1000 fps
        }
        LatencyWindow.Snapshot s = w.snapshot(t0 + n * MS, 60 * S, t0);
        assertEquals(1000.0, s.framesPerSecond(), 1.0);
        assertEquals(5.0, s.p99Millis(), 1e-9);
    }
}
