package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.gson.JsonObject;
import io.facegate.api.GalleryHealth;
import io.facegate.api.PipelineStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthReportTest {
    private static final GalleryHealth OK = new GalleryHealth(GalleryHealth.OK, 0, 0, null);

    private static PipelineStatus pipeline(List<String> waitingFor, int queued) {
        return new PipelineStatus(true, "mobilefacenet-112:1", queued, 16, 10, 9, 1, 0, 4, 3.0, 50, 90, waitingFor,
                Map.of());
    }

    private static OutboxStats outbox(long bytes, long dropped) {
        return new OutboxStats(3, 7, bytes, 1000, 1, 10, 7, dropped, dropped, 0, 0);
    }

    private static HealthReport.Inputs inputs(PipelineStatus p, long stalled, GalleryHealth g, OutboxStats o) {
        return new HealthReport.Inputs("gw", "facegate-gw", p, stalled, g, 2, o, 7, 1, 0);
    }

    @Test
    void healthyIsOnline() {
        JsonObject s = HealthReport.build(inputs(pipeline(List.of(), 0), 0, OK, outbox(100, 0)),
                Instant.parse("2026-12-02T08:00:00Z"));
        assertEquals("online", s.get("state").getAsString());
        assertEquals(0, s.getAsJsonArray("reasons").size());
        assertEquals("2026-12-02T08:00:00Z", s.get("at").getAsString());
        assertEquals(3, s.getAsJsonObject("outbox").get("depth").getAsInt());
        assertEquals(2, s.getAsJsonObject("gallery").get("people").getAsInt());
    }

    @Test
    void everyProblemIsAReason() {
        List<String> reasons = HealthReport.reasons(inputs(pipeline(List.of("FaceEmbedder"), 16), 75,
                new GalleryHealth(GalleryHealth.FAILED, 0, 0, "disk error"), outbox(950, 4)));
        assertEquals(List.of("pipeline: frames wait for FaceEmbedder",
                "pipeline: stalled, 16 frame(s) queued and none processed for 75 s",
                "gallery: failed: disk error",
                "outbox: 95% full, events are about to be dropped (outbox_overflow)"), reasons);
        assertEquals(List.of("pipeline: not running (no Pipeline service)", "gallery: not available (no Gallery service)"),
                HealthReport.reasons(inputs(null, 0, null, outbox(0, 0))));
    }

    @Test
    void countersAloneDoNotChangeTheSignature() {
        JsonObject a = HealthReport.build(inputs(pipeline(List.of(), 0), 0, OK, outbox(100, 0)), Instant.EPOCH);
        JsonObject b = HealthReport.build(inputs(pipeline(List.of(), 3), 0, OK, outbox(200, 5)), Instant.now());
        assertEquals(HealthReport.signature(a), HealthReport.signature(b));
        JsonObject stalled10 = HealthReport.build(inputs(pipeline(List.of(), 3), 10, OK, outbox(100, 0)), Instant.EPOCH);
        JsonObject stalled11 = HealthReport.build(inputs(pipeline(List.of(), 3), 11, OK, outbox(100, 0)), Instant.EPOCH);
        assertEquals(HealthReport.signature(stalled10), HealthReport.signature(stalled11),
                "a stall growing by a second waits for the heartbeat");
        assertNotEquals(HealthReport.signature(a), HealthReport.signature(stalled10));
        JsonObject c = HealthReport.build(inputs(pipeline(List.of(), 0), 0,
                new GalleryHealth(GalleryHealth.REEMBEDDING, 1, 9, null), outbox(100, 0)), Instant.EPOCH);
        assertNotEquals(HealthReport.signature(a), HealthReport.signature(c));
    }

    @Test
    void offlineMessages() {
        JsonObject will = HealthReport.offline("gw", "facegate-gw", "connection_lost", null);
        assertEquals("{\"schema_version\":2,\"state\":\"offline\",\"reason\":\"connection_lost\",\"gateway\":\"gw\","
                + "\"client_id\":\"facegate-gw\"}", Json.text(will));
    }
}
