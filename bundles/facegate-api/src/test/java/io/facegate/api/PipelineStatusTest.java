package io.facegate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PipelineStatusTest {

    @Test
    void builderEqualsCanonicalConstructor() {
        PipelineStatus built = PipelineStatus.builder().running(true).activeModel("mobilefacenet-112:1")
                .queueDepth(3).queueCapacity(16).framesReceived(100).framesProcessed(96).framesFailed(1)
                .framesDropped(2).facesDetected(120).framesPerSecond(9.8).latencyP50Millis(71.2)
                .latencyP99Millis(140.5).waitingFor(List.of("detector")).lastErrors(Map.of("embed", "boom"))
                .build();
        assertEquals(new PipelineStatus(true, "mobilefacenet-112:1", 3, 16, 100, 96, 1, 2, 120, 9.8, 71.2, 140.5,
                List.of("detector"), Map.of("embed", "boom")), built);
    }

    @Test
    void defaultsAreAStoppedPipeline() {
        PipelineStatus s = PipelineStatus.builder().build();
        assertEquals(new PipelineStatus(false, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), s);
        assertNull(s.activeModel());
        assertEquals(List.of(), s.waitingFor());
        assertEquals(Map.of(), s.lastErrors());
    }

    @Test
    void nullCollectionsBecomeEmptyAsInTheConstructor() {
        PipelineStatus s = PipelineStatus.builder().waitingFor(null).lastErrors(null).build();
        assertEquals(List.of(), s.waitingFor());
        assertEquals(Map.of(), s.lastErrors());
    }

    @Test
    void buildCopiesTheCollections() {
        List<String> waiting = new ArrayList<>(List.of("detector"));
        Map<String, String> errors = new HashMap<>(Map.of("align", "no landmarks"));
        PipelineStatus s = PipelineStatus.builder().waitingFor(waiting).lastErrors(errors).build();
        waiting.add("embedder");
        errors.clear();
        assertEquals(List.of("detector"), s.waitingFor());
        assertEquals(Map.of("align", "no landmarks"), s.lastErrors());
        assertThrows(UnsupportedOperationException.class, () -> s.waitingFor().add("x"));
    }

    @Test
    void toBuilderCopiesEveryField() {
        PipelineStatus s = new PipelineStatus(true, "m:1", 1, 8, 10, 9, 1, 0, 4, 3.0, 50, 90, List.of("listener"),
                Map.of("match", "gallery offline"));
        assertEquals(s, s.toBuilder().build());
        PipelineStatus stopped = s.toBuilder().running(false).queueDepth(0).build();
        assertEquals(new PipelineStatus(false, "m:1", 0, 8, 10, 9, 1, 0, 4, 3.0, 50, 90, List.of("listener"),
                Map.of("match", "gallery offline")), stopped);
    }
}
