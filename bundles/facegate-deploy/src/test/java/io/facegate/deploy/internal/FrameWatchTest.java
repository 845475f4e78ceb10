package io.facegate.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.facegate.api.PipelineStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameWatchTest {
    private static PipelineStatus status(long processed, long failed, Map<String, String> errors) {
        return new PipelineStatus(true, "m:1", 0, 8, processed + failed, processed, failed, 0, processed, 5, 40, 80,
                List.of(), errors);
    }

    @Test
    void healthyOnceEnoughFramesAreProcessedWithoutAFailure() {
        FrameWatch watch = new FrameWatch(status(100, 2, Map.of()), 3);
        assertEquals(FrameWatch.Verdict.WAITING, watch.verdict(status(100, 2, Map.of())));
        assertEquals(FrameWatch.Verdict.WAITING, watch.verdict(status(102, 2, Map.of())));
        assertEquals(FrameWatch.Verdict.HEALTHY, watch.verdict(status(103, 2, Map.of())));
    }

    @Test
    void oneFailureAfterTheUpdateFailsEvenAmongSuccesses() {
        FrameWatch watch = new FrameWatch(status(100, 2, Map.of()), 3);
        assertEquals(FrameWatch.Verdict.FAILING, watch.verdict(status(110, 3, Map.of())));
    }

    @Test
    void failuresBeforeTheUpdateDoNotCount() {
        FrameWatch watch = new FrameWatch(status(0, 50, Map.of("align", "t0 old")), 1);
        assertEquals(FrameWatch.Verdict.HEALTHY, watch.verdict(status(1, 50, Map.of("align", "t0 old"))));
    }

    @Test
    void theFailureNamesTheCountAndOnlyTheErrorsNewSinceTheUpdate() {
        FrameWatch watch = new FrameWatch(status(10, 1, Map.of("detect", "t0 old")), 3);
        PipelineStatus now = status(11, 3, Map.of("detect", "t0 old", "align", "t1 boom"));
        assertEquals("2 of the 3 frames after the update failed ({align=t1 boom})", watch.failure(now));
    }

    @Test
    void aPipelineThatLostAStageSinceTheUpdateHasStalled() {
        PipelineStatus before = new PipelineStatus(true, "m:1", 0, 8, 10, 10, 0, 0, 10, 5, 40, 80,
                List.of("RecognitionListener mqtt"), Map.of());
        FrameWatch watch = new FrameWatch(before, 3);
        PipelineStatus lost = new PipelineStatus(true, "m:1", 4, 8, 14, 10, 0, 0, 10, 0, 40, 80,
                List.of("RecognitionListener mqtt", "FaceDetector"), Map.of());
        assertEquals(FrameWatch.Verdict.WAITING, watch.verdict(lost));
        assertEquals("frames wait for FaceDetector since the update", watch.stalled(lost));
        assertEquals(null, watch.stalled(before), "waiting as before the update is no stall: no frames came");
    }

    @Test
    void atLeastOneFrameIsWatched() {
        assertThrows(IllegalArgumentException.class, () -> new FrameWatch(status(0, 0, Map.of()), 0));
    }
}
