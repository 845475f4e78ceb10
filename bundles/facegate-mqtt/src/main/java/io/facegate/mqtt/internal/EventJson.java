package io.facegate.mqtt.internal;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Identity;
import io.facegate.api.Point;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the event payload as JSON (RFC 8259, UTF-8) by hand: it runs for every frame, and a hand-written writer
 * allocates little.
 * The event layout is documented in {@code README.md} and in
 * {@code schema/recognition-event.schema.json} inside this bundle.
 *
 * <p>Strings are escaped as JSON requires ({@code "}, {@code \}, control characters) plus DEL, U+2028 and U+2029
 * (so the text is also safe inside JavaScript); other non-ASCII characters are written as UTF-8. An unpaired
 * surrogate, which has no UTF-8 form, becomes U+FFFD. Non-finite numbers, which JSON cannot carry, become
 * {@code null}.
 */
final class EventJson {
    /** Version of the event layout; bumped on incompatible changes. */
    static final int SCHEMA_VERSION = 1;
    /** Stage names in the order they run; other timing keys follow alphabetically. */
    private static final List<String> STAGES = List.of("detect", "align", "embed", "match");

    private EventJson() {
    }

    /**
     * @param gatewayId this gateway
     * @param eventId   the event's unique id, by which subscribers drop the duplicates at-least-once delivery allows
     * @param e         the event
     * @return the event message
     */
    static String event(String gatewayId, String eventId, RecognitionEvent e) {
        StringBuilder sb = new StringBuilder(256 + 320 * e.faces().size());
        sb.append("{\"schema_version\":").append(SCHEMA_VERSION);
        sb.append(",\"event_id\":");
        string(sb, eventId);
        sb.append(",\"gateway\":");
        string(sb, gatewayId);
        sb.append(",\"source\":");
        string(sb, e.sourceId());
        sb.append(",\"sequence\":").append(e.sequence());
        sb.append(",\"captured\":");
        instant(sb, e.captured());
        sb.append(",\"origin\":");
        string(sb, e.origin());
        sb.append(",\"model\":{\"id\":");
        string(sb, e.modelId());
        sb.append(",\"version\":");
        string(sb, e.modelVersion());
        sb.append("},\"faces\":[");
        boolean first = true;
        for (RecognizedFace f : e.faces()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            face(sb, f);
        }
        sb.append("],\"timings_ms\":{");
        first = true;
        for (Map.Entry<String, Duration> t : orderedTimings(e.timings())) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, t.getKey());
            sb.append(':');
            millis(sb, t.getValue());
        }
        return sb.append("}}").toString();
    }

    private static void face(StringBuilder sb, RecognizedFace rf) {
        DetectedFace d = rf.face();
        BoundingBox b = d.box();
        sb.append("{\"box\":{\"x\":");
        number(sb, b.x());
        sb.append(",\"y\":");
        number(sb, b.y());
        sb.append(",\"width\":");
        number(sb, b.width());
        sb.append(",\"height\":");
        number(sb, b.height());
        sb.append("},\"score\":");
        number(sb, d.score());
        FaceLandmarks l = d.landmarks();
        sb.append(",\"landmarks\":{\"left_eye\":");
        point(sb, l.leftEye());
        sb.append(",\"right_eye\":");
        point(sb, l.rightEye());
        sb.append(",\"nose\":");
        point(sb, l.nose());
        sb.append(",\"mouth_left\":");
        point(sb, l.mouthLeft());
        sb.append(",\"mouth_right\":");
        point(sb, l.mouthRight());
        Identity id = rf.identity();
        sb.append("},\"identity\":");
        string(sb, id.name());
        sb.append(",\"known\":").append(id.known());
        sb.append(",\"similarity\":");
        number(sb, id.similarity());
        sb.append(",\"threshold\":");
        number(sb, id.threshold());
        sb.append('}');
    }

    private static List<Map.Entry<String, Duration>> orderedTimings(Map<String, Duration> timings) {
        List<Map.Entry<String, Duration>> out = new ArrayList<>(timings.size());
        for (String stage : STAGES) {
            Duration d = timings.get(stage);
            if (d != null) {
                out.add(Map.entry(stage, d));
            }
        }
        timings.entrySet().stream()
                .filter(en -> !STAGES.contains(en.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(out::add);
        return out;
    }

    private static void point(StringBuilder sb, Point p) {
        sb.append('[');
        number(sb, p.x());
        sb.append(',');
        number(sb, p.y());
        sb.append(']');
    }

    private static void instant(StringBuilder sb, Instant t) {
        if (t == null) {
            sb.append("null");
        } else {
            sb.append('"').append(t).append('"'); // ISO-8601 in UTC, e.g. 2026-01-31T12:00:00.123Z
        }
    }

    /** Milliseconds with microsecond resolution, e.g. {@code 12.345}. */
    private static void millis(StringBuilder sb, Duration d) {
        if (d == null) {
            sb.append("null");
            return;
        }
        long micros;
        try {
            micros = d.toNanos() / 1000;
        } catch (ArithmeticException overflow) {
            micros = d.isNegative() ? Long.MIN_VALUE / 1000 : Long.MAX_VALUE / 1000;
        }
        sb.append(BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString());
    }

    /** A float as its shortest decimal form ({@code 0.1}, {@code 1.0E-5}: both valid JSON), non-finite as null. */
    static void number(StringBuilder sb, float f) {
        if (Float.isFinite(f)) {
            sb.append(f);
        } else {
            sb.append("null");
        }
    }

    /**
     * Appends a JSON string literal.
     *
     * @param sb the output
     * @param s  the text, {@code null} writes {@code null}
     */
    static void string(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(sb, '\ufffd');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u");
        String hex = Integer.toHexString(c);
        for (int k = hex.length(); k < 4; k++) {
            sb.append('0');
        }
        sb.append(hex);
    }
}
