package io.facegate.mqtt.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.facegate.api.GalleryHealth;
import io.facegate.api.PipelineStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway's health as one JSON document, the retained status payload: {@code online} when everything works,
 * {@code degraded} with the reasons when the gateway is connected but cannot do its job (no pipeline, a stage
 * service missing, a stalled pipeline, a failed gallery, an outbox close to full), {@code offline} when it stops
 * or its connection drops (the last will). Pure: built from a snapshot of its inputs, so it is tested directly.
 */
final class HealthReport {
    /** Layout version of the status payload. 2 added health: state degraded, reasons, pipeline, gallery, outbox. */
    static final int SCHEMA_VERSION = 2;
    /** An outbox this full makes the gateway degraded: events are about to be dropped. */
    static final double OUTBOX_NEARLY_FULL = 0.9;

    /**
     * A snapshot of everything the report looks at.
     *
     * @param gatewayId       this gateway
     * @param clientId        its MQTT client id
     * @param pipeline        the pipeline's status, or {@code null} without a pipeline service
     * @param stalledSeconds  how long frames have been queued without any being processed, 0 if not stalled
     * @param gallery         the gallery's health, or {@code null} without a gallery
     * @param people          enrolled people, or -1 if unknown
     * @param outbox          the outbox's counters
     * @param eventsPublished events the broker acknowledged since start
     * @param connects        successful connects since start
     * @param commands        command messages received since start
     */
    record Inputs(String gatewayId, String clientId, PipelineStatus pipeline, long stalledSeconds,
                  GalleryHealth gallery, int people, OutboxStats outbox, long eventsPublished, long connects,
                  long commands) {
    }

    private HealthReport() {
    }

    /**
     * @param in  the snapshot
     * @param now the time to write
     * @return the status document, state {@code online} or {@code degraded}
     */
    static JsonObject build(Inputs in, Instant now) {
        List<String> reasons = reasons(in);
        JsonObject o = new JsonObject();
        o.addProperty("schema_version", SCHEMA_VERSION);
        o.addProperty("state", reasons.isEmpty() ? "online" : "degraded");
        JsonArray r = new JsonArray();
        reasons.forEach(r::add);
        o.add("reasons", r);
        o.addProperty("gateway", in.gatewayId());
        o.addProperty("client_id", in.clientId());
        o.addProperty("at", now.toString());
        PipelineStatus p = in.pipeline();
        o.addProperty("model", p == null ? null : p.activeModel());
        if (p != null) {
            JsonObject po = new JsonObject();
            po.addProperty("running", p.running());
            po.add("frames_per_second", CommandHandlers.number((float) p.framesPerSecond()));
            po.addProperty("queue_depth", p.queueDepth());
            po.addProperty("queue_capacity", p.queueCapacity());
            po.addProperty("frames_received", p.framesReceived());
            po.addProperty("frames_processed", p.framesProcessed());
            po.addProperty("frames_failed", p.framesFailed());
            po.addProperty("frames_dropped", p.framesDropped());
            po.add("latency_p50_ms", CommandHandlers.number((float) p.latencyP50Millis()));
            po.add("latency_p99_ms", CommandHandlers.number((float) p.latencyP99Millis()));
            JsonArray waiting = new JsonArray();
            p.waitingFor().forEach(waiting::add);
            po.add("waiting_for", waiting);
            JsonObject errors = new JsonObject();
            new TreeMap<>(p.lastErrors()).forEach(errors::addProperty);
            po.add("last_errors", errors);
            o.add("pipeline", po);
        }
        if (in.gallery() != null) {
            GalleryHealth g = in.gallery();
            JsonObject go = new JsonObject();
            go.addProperty("state", g.state());
            if (GalleryHealth.REEMBEDDING.equals(g.state())) {
                go.addProperty("done", g.done());
                go.addProperty("total", g.total());
            }
            go.addProperty("problem", g.problem());
            if (in.people() >= 0) {
                go.addProperty("people", in.people());
            }
            o.add("gallery", go);
        }
        OutboxStats s = in.outbox();
        JsonObject ob = new JsonObject();
        ob.addProperty("depth", s.depth());
        ob.addProperty("bytes", s.bytes());
        ob.addProperty("max_bytes", s.maxBytes());
        ob.addProperty("dropped", s.dropped());
        ob.addProperty("dropped_total", s.droppedTotal());
        ob.addProperty("lost", s.lost());
        o.add("outbox", ob);
        o.addProperty("events_published", in.eventsPublished());
        o.addProperty("events_dropped", s.dropped());
        o.addProperty("connects", in.connects());
        o.addProperty("commands", in.commands());
        return o;
    }

    /** @return why the gateway is degraded; empty when it is healthy */
    static List<String> reasons(Inputs in) {
        List<String> reasons = new ArrayList<>();
        PipelineStatus p = in.pipeline();
        if (p == null) {
            reasons.add("pipeline: not running (no Pipeline service)");
        } else {
            if (!p.running()) {
                reasons.add("pipeline: stopped");
            }
            if (!p.waitingFor().isEmpty()) {
                reasons.add("pipeline: frames wait for " + String.join(", ", p.waitingFor()));
            }
            if (in.stalledSeconds() > 0) {
                reasons.add("pipeline: stalled, " + p.queueDepth() + " frame(s) queued and none processed for "
                        + in.stalledSeconds() + " s");
            }
        }
        GalleryHealth g = in.gallery();
        if (g == null) {
            reasons.add("gallery: not available (no Gallery service)");
        } else if (GalleryHealth.FAILED.equals(g.state())) {
            reasons.add("gallery: failed" + (g.problem() == null ? "" : ": " + g.problem()));
        }
        OutboxStats s = in.outbox();
        if (s.maxBytes() > 0 && s.bytes() >= OUTBOX_NEARLY_FULL * s.maxBytes()) {
            reasons.add("outbox: " + Math.round(100.0 * s.bytes() / s.maxBytes()) + "% full, events are about to be"
                    + " dropped (outbox_overflow)");
        }
        return reasons;
    }

    /**
     * What makes a status worth republishing at once: state, reasons, model and gallery state; counters alone wait
     * for the heartbeat.
     *
     * @param status a document of {@link #build}
     * @return its signature
     */
    static String signature(JsonObject status) {
        Map<String, Object> sig = new TreeMap<>();
        sig.put("state", status.get("state"));
        // reasons without their numbers: a stall growing by a second, or an outbox filling, waits for the heartbeat
        sig.put("reasons", status.get("reasons").toString().replaceAll("\\d+", "#"));
        sig.put("model", status.get("model"));
        JsonObject gallery = status.getAsJsonObject("gallery");
        sig.put("gallery", gallery == null ? null : gallery.get("state"));
        return sig.toString();
    }

    /**
     * @param gatewayId this gateway
     * @param clientId  its MQTT client id
     * @param reason    {@code shutdown} or {@code connection_lost}
     * @param at        when, or {@code null} for the last will (registered before it is needed)
     * @return an offline status document
     */
    static JsonObject offline(String gatewayId, String clientId, String reason, Instant at) {
        JsonObject o = new JsonObject();
        o.addProperty("schema_version", SCHEMA_VERSION);
        o.addProperty("state", "offline");
        o.addProperty("reason", reason);
        o.addProperty("gateway", gatewayId);
        o.addProperty("client_id", clientId);
        if (at != null) {
            o.addProperty("at", at.toString());
        }
        return o;
    }
}
