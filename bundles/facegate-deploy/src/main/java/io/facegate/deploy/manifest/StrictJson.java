package io.facegate.deploy.manifest;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259, valid UTF-8, no trailing data) into a plain tree, refusing duplicate keys. Gson's own tree
 * keeps the last of two equal keys silently, which would let a signed document mean two things to two parsers.
 *
 * <p>Values: {@code Map<String, Object>} (insertion order), {@code List<Object>}, {@code String}, {@code Boolean},
 * {@link Num} (the literal text, so no precision is lost before range checks), {@link #NULL}.
 */
final class StrictJson {
    /** JSON {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number as written. */
    record Num(String text) {
    }

    private StrictJson() {
    }

    /**
     * @param bytes        UTF-8 text
     * @param nestingLimit deepest nesting of objects and arrays accepted
     * @return the top-level object
     * @throws JsonFormatException if it is not one strict JSON object
     */
    static Map<String, Object> parseObject(byte[] bytes, int nestingLimit) throws JsonFormatException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (JsonReader reader = new JsonReader(new InputStreamReader(new ByteArrayInputStream(bytes), utf8))) {
            reader.setStrictness(Strictness.STRICT);
            reader.setNestingLimit(nestingLimit);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new JsonFormatException("not a JSON object");
            }
            Object value = value(reader);
            if (!atEnd(reader)) {
                throw new JsonFormatException("trailing data after the JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) value;
            return object;
        } catch (IOException | RuntimeException e) {
            // Gson reports syntax errors as IOException or as its own (runtime) exceptions; both mean "not JSON"
            throw new JsonFormatException("not strict JSON: " + oneLine(e));
        }
    }

    private static boolean atEnd(JsonReader reader) {
        try {
            return reader.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException | RuntimeException e) {
            return false; // strict mode refuses a second value before saying what it is
        }
    }

    private static Object value(JsonReader reader) throws IOException, JsonFormatException {
        switch (reader.peek()) {
            case BEGIN_OBJECT: {
                Map<String, Object> object = new LinkedHashMap<>();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.containsKey(name)) {
                        throw new JsonFormatException("duplicate key '" + name + "'");
                    }
                    object.put(name, value(reader));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY: {
                List<Object> array = new ArrayList<>();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(value(reader));
                }
                reader.endArray();
                return array;
            }
            case STRING:
                return reader.nextString();
            case NUMBER:
                return new Num(reader.nextString());
            case BOOLEAN:
                return reader.nextBoolean();
            case NULL:
                reader.nextNull();
                return NULL;
            default:
                throw new JsonFormatException("unexpected " + reader.peek() + " " + reader.getPath());
        }
    }

    /** Gson's messages carry hints for programmers and a link on further lines; keep what says where. */
    private static String oneLine(Exception e) {
        Throwable t = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("java.")
                ? e.getCause() : e;
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept ", "").strip();
    }
}
