package io.facegate.mqtt.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayInputStream;

/** Strict JSON in, compact JSON out (Gson), for commands, replies and the status. */
final class Json {
    /** Deeper documents are refused: no request needs more than a few levels. */
    static final int NESTING_LIMIT = 32;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    /**
     * Parses one JSON document strictly (RFC 8259: no comments, no single quotes, no trailing data, valid UTF-8).
     *
     * @param bytes UTF-8 text
     * @return the document
     * @throws JsonParseException with a one-line reason when it is not strict JSON
     */
    static JsonElement parse(byte[] bytes) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (Reader in = new InputStreamReader(new ByteArrayInputStream(bytes), utf8);
             JsonReader reader = new JsonReader(in)) {
            reader.setStrictness(Strictness.STRICT);
            reader.setNestingLimit(NESTING_LIMIT);
            JsonElement e = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("trailing data after the JSON document");
            }
            return e;
        } catch (IOException e) {
            throw new JsonParseException(e.getMessage() == null ? "not UTF-8" : e.getMessage(), e);
        }
    }

    /**
     * Reads only the top-level {@code request_id} of a document, without building it: for payloads refused before
     * parsing (too large, queue full). Never throws.
     *
     * @param bytes a payload
     * @return the request id if it is a string near the start, else {@code null}
     */
    static String peekRequestId(byte[] bytes) {
        try (JsonReader reader = new JsonReader(new InputStreamReader(new ByteArrayInputStream(bytes),
                StandardCharsets.UTF_8))) {
            reader.setStrictness(Strictness.STRICT);
            reader.setNestingLimit(NESTING_LIMIT);
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (name.equals("request_id") && reader.peek() == JsonToken.STRING) {
                    return reader.nextString();
                }
                reader.skipValue();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON enough to tell
        }
        return null;
    }

    /**
     * @param e a document
     * @return it as compact UTF-8 JSON
     */
    static byte[] bytes(JsonElement e) {
        return GSON.toJson(e).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param e a document
     * @return it as compact JSON text
     */
    static String text(JsonElement e) {
        return GSON.toJson(e);
    }

    /** @return a new empty object */
    static JsonObject object() {
        return new JsonObject();
    }
}
