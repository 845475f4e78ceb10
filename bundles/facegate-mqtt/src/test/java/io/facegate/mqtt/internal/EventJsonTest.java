package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.Identity;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    @Test
    void eventHasTheDocumentedLayout() {
        String json = EventJson.event("gw-1", "3f8a2c1e-0000-4000-8000-000000000001", Events.twoFaces(42, "alice"));
        Map<String, Object> m = MiniJson.object(json);
        assertEquals(List.of("schema_version", "event_id", "gateway", "source", "sequence", "captured", "origin", "model", "faces",
                "timings_ms"), List.copyOf(m.keySet()));
        assertEquals(new BigDecimal(1), m.get("schema_version"));
        assertEquals("gw-1", m.get("gateway"));
        assertEquals("3f8a2c1e-0000-4000-8000-000000000001", m.get("event_id"));
        assertEquals("folder:/var/facegate/inbox", m.get("source"));
        assertEquals(new BigDecimal(42), m.get("sequence"));
        assertEquals("2026-01-31T12:34:56.789Z", m.get("captured"));
        assertEquals("door-42.jpg", m.get("origin"));
        assertEquals(Map.of("id", "mobilefacenet-112", "version", "1"), m.get("model"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> faces = (List<Map<String, Object>>) m.get("faces");
        assertEquals(2, faces.size());
        Map<String, Object> f = faces.get(0);
        assertEquals(List.of("box", "score", "landmarks", "identity", "known", "similarity", "threshold"),
                List.copyOf(f.keySet()));
        assertEquals(Map.of("x", new BigDecimal("10.0"), "y", new BigDecimal("20.0"), "width", new BigDecimal("100.0"),
                "height", new BigDecimal("120.0")), f.get("box"));
        assertEquals(new BigDecimal("0.998"), f.get("score"));
        @SuppressWarnings("unchecked")
        Map<String, Object> lm = (Map<String, Object>) f.get("landmarks");
        assertEquals(List.of("left_eye", "right_eye", "nose", "mouth_left", "mouth_right"), List.copyOf(lm.keySet()));
        assertEquals(List.of(new BigDecimal("40.0"), new BigDecimal("60.0")), lm.get("left_eye"));
        assertEquals("alice", f.get("identity"));
        assertEquals(Boolean.TRUE, f.get("known"));
        assertEquals(new BigDecimal("0.71"), f.get("similarity"));
        assertEquals(new BigDecimal("0.5"), f.get("threshold"));
        Map<String, Object> unknown = faces.get(1);
        assertTrue(unknown.containsKey("identity"));
        assertNull(unknown.get("identity"));
        assertEquals(Boolean.FALSE, unknown.get("known"));
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) m.get("timings_ms");
        assertEquals(List.of("detect", "align", "embed", "match"), List.copyOf(t.keySet()), "stage order");
        assertEquals(new BigDecimal("12.345"), t.get("detect"));
        assertEquals(new BigDecimal("0.4"), t.get("align"));
        assertEquals(new BigDecimal("8"), t.get("embed"));
        assertEquals(new BigDecimal("0.051"), t.get("match"));
    }

    @Test
    void oddNamesSurviveTheRoundTrip() {
        List<String> names = List.of(
                "O'Brien \"Bob\" \\ the \\\\ builder",
                "tab\there\nnew line\r\b\f",
                "ctrl\u0000\u0001\u001f\u007f end",
                "Zoë Ångström — 王小明 — Саша",
                "emoji \uD83D\uDE00 ok",
                "js \u2028 \u2029 separators",
                "</script><b>&amp;</b>",
                "");
        for (String name : names) {
            RecognitionEvent e = new RecognitionEvent("src \"x\"", 1, Events.CAPTURED, "C:\\photos\\a\"b.jpg",
                    "m\\1", "v\"2",
                    List.of(new RecognizedFace(Events.face(1), Identity.of(name, 0.9f, 0.5f))), Map.of());
            String json = EventJson.event("gw", "3f8a2c1e-0000-4000-8000-000000000001", e);
            for (char c : json.toCharArray()) {
                assertTrue(c >= 0x20 && c != 0x7f && c != '\u2028' && c != '\u2029',
                        "raw control or separator character in " + json);
            }
            Map<String, Object> m = MiniJson.object(json);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> faces = (List<Map<String, Object>>) m.get("faces");
            assertEquals(name, faces.get(0).get("identity"));
            assertEquals("src \"x\"", m.get("source"));
            assertEquals("C:\\photos\\a\"b.jpg", m.get("origin"));
            assertEquals(Map.of("id", "m\\1", "version", "v\"2"), m.get("model"));
            // and the bytes on the wire are valid UTF-8 that decode to the same text
            byte[] wire = json.getBytes(StandardCharsets.UTF_8);
            assertEquals(json, new String(wire, StandardCharsets.UTF_8));
        }
    }

    @Test
    void exactEscapes() {
        StringBuilder sb = new StringBuilder();
        EventJson.string(sb, "a\"b\\c\n\u0001\u007f\u2028é\uD83D\uDE00");
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\\u007f\\u2028é\uD83D\uDE00\"", sb.toString());
    }

    @Test
    void unpairedSurrogatesBecomeTheReplacementCharacter() {
        StringBuilder sb = new StringBuilder();
        EventJson.string(sb, "x\uD800y\uDC00");
        assertEquals("\"x\\ufffdy\\ufffd\"", sb.toString());
        assertEquals("x\ufffdy\ufffd", MiniJson.parse(sb.toString()));
    }

    @Test
    void nullsAndNonFiniteNumbersStayValidJson() {
        RecognitionEvent e = new RecognitionEvent("cam", 7, Events.CAPTURED, null, null, null,
                List.of(new RecognizedFace(Events.face(1), Identity.unknown(Float.NaN, Float.POSITIVE_INFINITY))),
                Map.of("custom", Duration.ofNanos(1500), "detect", Duration.ZERO));
        Map<String, Object> m = MiniJson.object(EventJson.event("gw", "3f8a2c1e-0000-4000-8000-000000000001", e));
        assertNull(m.get("origin"));
        assertEquals(java.util.Arrays.asList(null, null), new java.util.ArrayList<>(((Map<?, ?>) m.get("model")).values()));
        Map<?, ?> f = (Map<?, ?>) ((List<?>) m.get("faces")).get(0);
        assertNull(f.get("similarity"));
        assertNull(f.get("threshold"));
        assertEquals(List.of("detect", "custom"), List.copyOf(((Map<?, ?>) m.get("timings_ms")).keySet()));
        assertEquals(new BigDecimal("0.001"), ((Map<?, ?>) m.get("timings_ms")).get("custom"));
    }

    @Test
    void tinyAndHugeFloatsAreValidJsonNumbers() {
        StringBuilder sb = new StringBuilder("[");
        EventJson.number(sb, 1.0e-5f);
        sb.append(',');
        EventJson.number(sb, 3.4e38f);
        sb.append(',');
        EventJson.number(sb, -0.0f);
        sb.append(']');
        List<?> l = (List<?>) MiniJson.parse(sb.toString());
        assertEquals(0, new BigDecimal("0.00001").compareTo((BigDecimal) l.get(0)));
        assertEquals(0, new BigDecimal("3.4e38").compareTo((BigDecimal) l.get(1)));
    }

    @Test
    void schemaFileIsJsonAndNamesEveryField() throws IOException {
        String schema;
        try (InputStream in = EventJson.class.getResourceAsStream("/schema/recognition-event.schema.json")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> s = MiniJson.object(schema);
        Map<String, Object> event = MiniJson.object(EventJson.event("gw", "3f8a2c1e-0000-4000-8000-000000000001", Events.twoFaces(1, "a")));
        assertEquals(event.keySet(), ((Map<?, ?>) s.get("properties")).keySet());
        assertEquals(List.copyOf(event.keySet()), s.get("required"));
        Map<?, ?> faceSchema = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) s.get("properties")).get("faces")).get("items");
        Map<?, ?> face = (Map<?, ?>) ((List<?>) event.get("faces")).get(0);
        assertEquals(face.keySet(), ((Map<?, ?>) faceSchema.get("properties")).keySet());
        String statusSchema;
        try (InputStream in = EventJson.class.getResourceAsStream("/schema/gateway-status.schema.json")) {
            statusSchema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        MiniJson.parse(statusSchema);
    }
}
