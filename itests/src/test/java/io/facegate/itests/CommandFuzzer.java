package io.facegate.itests;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Seeded command payloads for the fuzz test: valid requests of every command and mutations of them (characters
 * deleted, inserted, replaced; truncation; wrong types; missing and extra fields; bad request ids; huge numbers;
 * deep nesting; invalid UTF-8; not JSON at all; images that are not images, that are corrupt, or whose header
 * declares far more pixels than the gateway decodes; payloads over {@code command_max_bytes}). Most are cheap; the
 * few that carry a decodable photo are drawn from a fixed budget.
 */
final class CommandFuzzer {

    /** How the expected reply topic follows from the payload. */
    enum Addressing {
        /** Valid JSON object with the valid request id it was given: the reply must come on reply/&lt;id&gt;. */
        OWN_ID,
        /** Valid JSON object without a usable request id: the reply must come on reply/_invalid. */
        INVALID,
        /** The payload was mangled as text: any one reply under reply/ counts. */
        ANY
    }

    /**
     * One payload to send.
     *
     * @param topic      where to publish it
     * @param command    the command level of the topic (every reply names it)
     * @param payload    the bytes
     * @param id         the request id it was built with (it may have been mangled since)
     * @param addressing which reply topic is expected
     * @param mutation   what was done to it, for messages
     */
    record Case(String topic, String command, byte[] payload, String id, Addressing addressing, String mutation) {
        @Override
        public String toString() {
            String text = new String(payload, 0, Math.min(payload.length, 240), StandardCharsets.UTF_8);
            return mutation + " " + command + " on " + topic + " (" + payload.length + " bytes, id " + id + "): "
                    + text;
        }
    }

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final String MARK = "\u00a7raw\u00a7";
    private static final List<String> UNKNOWN_COMMANDS = List.of("nope", "PEOPLE", "people/extra", "config",
            "enroll/now", "cmd", "_invalid", "rename/x/y");
    private static final List<String> BAD_IDS = List.of("", "../x", "a b", "a/b", "#", "+", "-leading", "_invalid",
            "\u00fcn\u00ef", "x".repeat(65), "tab\there", "nul\u0000", "a+b");
    private static final String[] INSERTS = {"{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\u00", " ", "\n",
        "\u0000", "\u0001", "\u00e9", "\ud83d\ude00", "\ud800", "null", "1e9999", "-", "0", "/*", "'", "\ufeff"};

    private final Random random;
    private final String gatewayTopic;
    private final String groupTopic;
    private final int commandMaxBytes;
    private final String faceB64;
    private final byte[] face;
    private final String smallJpegB64;
    private final String smallPngB64;
    private final String bombPngB64;
    private final String hugeJpegB64;
    private final String truncatedJpegB64;
    private int faceBudget;
    private int n;

    /**
     * @param seed            the seed: the same seed gives the same payloads
     * @param gatewayTopic    the gateway's command topic prefix, e.g. {@code facegate/itest/cmd/}
     * @param groupTopic      a group command topic prefix of the gateway, e.g. {@code facegate/group/site-a/cmd/}
     * @param commandMaxBytes the gateway's {@code command_max_bytes}
     * @param face            a small JPEG with one face (or any decodable image)
     * @param faceBudget      how many payloads may carry {@code face} (each costs a detection)
     */
    CommandFuzzer(long seed, String gatewayTopic, String groupTopic, int commandMaxBytes, byte[] face,
                  int faceBudget) {
        this.random = new Random(seed);
        this.gatewayTopic = gatewayTopic;
        this.groupTopic = groupTopic;
        this.commandMaxBytes = commandMaxBytes;
        this.face = face.clone();
        this.faceB64 = b64(face);
        this.faceBudget = faceBudget;
        this.smallJpegB64 = b64(SyntheticPhotos.jpeg(64, 48, seed));
        this.smallPngB64 = b64(SyntheticPhotos.png(40, 30, seed));
        this.bombPngB64 = b64(pngDeclaring(20_000, 20_000));
        this.hugeJpegB64 = b64(withJpegSize(face, 65_000, 65_000));
        this.truncatedJpegB64 = b64(Arrays.copyOf(face, face.length / 2));
    }

    /** @return the next payload */
    Case next() {
        n++;
        String id = String.format("fz-%05d-%06x", n, random.nextInt(1 << 24));
        String command = pickCommand();
        String topic = (random.nextInt(10) == 0 ? groupTopic : gatewayTopic) + command;
        JsonObject base = base(command);
        int m = random.nextInt(100);
        if (m < 10) {
            return json(topic, command, id, withId(id, base), Addressing.OWN_ID, "valid");
        }
        if (m < 22) {
            return text(topic, command, id, withId(id, base), this::deleteChars, "delete-chars");
        }
        if (m < 34) {
            return text(topic, command, id, withId(id, base), this::insertChars, "insert-chars");
        }
        if (m < 46) {
            return text(topic, command, id, withId(id, base), this::replaceChars, "replace-chars");
        }
        if (m < 53) {
            return text(topic, command, id, withId(id, base), this::truncate, "truncate");
        }
        if (m < 63) {
            return json(topic, command, id, withId(id, wrongType(base)), Addressing.OWN_ID, "wrong-type");
        }
        if (m < 68) {
            return json(topic, command, id, withId(id, missingField(base)), Addressing.OWN_ID, "missing-field");
        }
        if (m < 71) {
            JsonObject o = base.deepCopy();
            o.add("zz_extra_" + random.nextInt(100), randomValue(2));
            return json(topic, command, id, withId(id, o), Addressing.OWN_ID, "extra-field");
        }
        if (m < 77) {
            return badId(topic, command, id, base);
        }
        if (m < 81) {
            return raw(topic, command, id, base, hugeNumber(), Addressing.OWN_ID, "huge-number");
        }
        if (m < 84) {
            int depth = List.of(33, 1000, 50_000).get(random.nextInt(3));
            boolean arrays = random.nextBoolean();
            String deep = arrays ? "[".repeat(depth) + "]".repeat(depth)
                    : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            return raw(topic, command, id, base, deep, Addressing.ANY, "deep-nesting-" + depth);
        }
        if (m < 86) {
            return invalidUtf8(topic, command, id, withId(id, base));
        }
        if (m < 90) {
            return notJson(topic, command, id);
        }
        if (m < 91) {
            return oversize(topic, command, id, base);
        }
        // the rest: valid structure, but hostile images and names
        return json(topic, command, id, withId(id, hostile(command, base)), Addressing.OWN_ID, "hostile-values");
    }

    /**
     * @param id a request id
     * @return a request over the broker's own size limit as well: the broker refuses it
     */
    Case overBrokerLimit(String id, int brokerMaxBytes) {
        JsonObject o = new JsonObject();
        o.addProperty("request_id", id);
        o.addProperty("image", "A".repeat(brokerMaxBytes + 100_000));
        return new Case(gatewayTopic + "identify", "identify", GSON.toJson(o).getBytes(StandardCharsets.UTF_8), id,
                Addressing.OWN_ID, "over-broker-limit");
    }

    private String pickCommand() {
        int r = random.nextInt(100);
        if (r < 8) {
            return "people";
        }
        if (r < 14) {
            return "status";
        }
        if (r < 20) {
            return "models";
        }
        if (r < 28) {
            return "config/get";
        }
        if (r < 37) {
            return "config/set";
        }
        if (r < 55) {
            return "enroll";
        }
        if (r < 73) {
            return "identify";
        }
        if (r < 82) {
            return "forget";
        }
        if (r < 91) {
            return "rename";
        }
        return UNKNOWN_COMMANDS.get(random.nextInt(UNKNOWN_COMMANDS.size()));
    }

    private JsonObject base(String command) {
        JsonObject o = new JsonObject();
        switch (command) {
            case "config/get" -> {
                int k = random.nextInt(3);
                if (k == 1) {
                    o.add("keys", array("detect.min_face_size", "pipeline.overflow"));
                } else if (k == 2) {
                    o.add("keys", array("no.such.setting"));
                }
            }
            case "config/set" -> {
                JsonObject values = new JsonObject();
                int k = random.nextInt(20);
                if (k == 0) {
                    // accepted mutations of this one restart the detector: kept rare
                    values.addProperty("detect.min_face_size", 20);
                } else if (k < 14) {
                    values.addProperty("pipeline.overflow", "block");
                } else if (k < 17) {
                    values.addProperty("no.such.setting", 1);
                } else {
                    values.addProperty("pipeline.overflow", "sideways");
                }
                o.add("values", values);
            }
            case "enroll" -> {
                o.addProperty("name", random.nextInt(4) == 0 ? "Fuzz Person" : "Fuzz Nobody");
                JsonArray images = new JsonArray();
                int count = random.nextInt(8) == 0 ? 1 + random.nextInt(3) : 1;
                for (int i = 0; i < count; i++) {
                    images.add(image());
                }
                o.add("images", images);
            }
            case "identify" -> o.addProperty("image", image());
            case "forget" -> o.addProperty("name", random.nextInt(10) == 0 ? "Fuzz Renamed" : "Fuzz Nobody");
            case "rename" -> {
                boolean real = random.nextInt(10) == 0;
                o.addProperty("name", real ? "Fuzz Person" : "Fuzz Nobody");
                o.addProperty("new_name", real ? "Fuzz Renamed" : "Fuzz Somebody");
            }
            default -> {
                if (random.nextBoolean()) {
                    o.addProperty("requester", "fuzz");
                }
            }
        }
        return o;
    }

    /** A base64 image string: mostly cheap ones; the face from its budget. */
    private String image() {
        int r = random.nextInt(100);
        if (r < 4 && faceBudget > 0) {
            faceBudget--;
            return faceB64;
        }
        if (r < 20) {
            return smallJpegB64;
        }
        if (r < 30) {
            return smallPngB64;
        }
        if (r < 45) {
            return bombPngB64;
        }
        if (r < 55) {
            return hugeJpegB64;
        }
        if (r < 62) {
            return truncatedJpegB64;
        }
        if (r < 70) {
            return "data:image/png;base64," + bombPngB64;
        }
        if (r < 75) {
            return "data:image/jpeg," + smallJpegB64;
        }
        if (r < 80) {
            return "not base64 at all!";
        }
        byte[] junk = new byte[1 + random.nextInt(600)];
        random.nextBytes(junk);
        return b64(junk);
    }

    private JsonObject hostile(String command, JsonObject base) {
        JsonObject o = base.deepCopy();
        switch (command) {
            case "enroll" -> {
                if (random.nextBoolean()) {
                    o.addProperty("name", hostileName());
                } else {
                    JsonArray many = new JsonArray();
                    int count = random.nextBoolean() ? 0 : 11 + random.nextInt(30);
                    for (int i = 0; i < count; i++) {
                        many.add(random.nextBoolean() ? smallPngB64 : "AAAA");
                    }
                    o.add("images", many);
                }
            }
            case "identify" -> {
                if (random.nextInt(3) == 0 && faceBudget > 0) {
                    faceBudget--;
                    byte[] corrupt = face.clone();
                    for (int i = 0; i < 1 + random.nextInt(20); i++) {
                        corrupt[200 + random.nextInt(corrupt.length - 200)] = (byte) random.nextInt(256);
                    }
                    o.addProperty("image", b64(corrupt));
                } else {
                    o.addProperty("image", random.nextBoolean() ? bombPngB64 : hugeJpegB64);
                }
            }
            case "forget" -> o.addProperty("name", hostileName());
            case "rename" -> {
                o.addProperty(random.nextBoolean() ? "name" : "new_name", hostileName());
            }
            case "config/set" -> {
                JsonObject values = new JsonObject();
                List<Map.Entry<String, JsonElement>> bad = List.of(
                        Map.entry("detect.min_face_size", new JsonPrimitive(-1)),
                        Map.entry("detect.min_face_size", new JsonPrimitive(3)),
                        Map.entry("detect.min_face_size", new JsonPrimitive(12.5)),
                        Map.entry("detect.min_face_size", new JsonPrimitive("twenty")),
                        Map.entry("detect.scale_factor", new JsonPrimitive(7)),
                        Map.entry("detect.onet_threshold", new JsonPrimitive(-0.5)),
                        Map.entry("pipeline.workers", new JsonPrimitive(0)),
                        Map.entry("pipeline.queue_capacity", new JsonPrimitive(1_000_000_000)),
                        Map.entry("pipeline.overflow", new JsonPrimitive(true)),
                        Map.entry("../etc/passwd", new JsonPrimitive("x")),
                        Map.entry("service.pid", new JsonPrimitive("io.facegate.gallery")));
                Map.Entry<String, JsonElement> e = bad.get(random.nextInt(bad.size()));
                values.add(e.getKey(), e.getValue());
                o.add("values", values);
            }
            case "config/get" -> o.add("keys", array("../../etc", "", "detect.min_face_size\u0000"));
            default -> o.addProperty("requester", hostileName());
        }
        return o;
    }

    private String hostileName() {
        List<String> names = List.of("", " ", "\t", "../../etc/passwd", "a/b", "a\\b", "nul\u0000name", "\u0007bell",
                "\ud800", "x".repeat(300), "x".repeat(100_000), "\u202eevil", "CON", ".", "..", "\ud83d\ude00");
        return names.get(random.nextInt(names.size()));
    }

    private Case badId(String topic, String command, String id, JsonObject base) {
        JsonObject o = new JsonObject();
        int k = random.nextInt(8);
        switch (k) {
            case 0 -> { } // no request_id at all
            case 1 -> o.addProperty("request_id", random.nextInt());
            case 2 -> o.add("request_id", JsonNull.INSTANCE);
            case 3 -> o.addProperty("request_id", true);
            case 4 -> o.add("request_id", array(id));
            case 5 -> {
                JsonObject inner = new JsonObject();
                inner.addProperty("request_id", id);
                o.add("request_id", inner);
            }
            default -> o.addProperty("request_id", BAD_IDS.get(random.nextInt(BAD_IDS.size())));
        }
        base.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        return json(topic, command, id, o, Addressing.INVALID, "bad-id-" + k);
    }

    private JsonObject wrongType(JsonObject base) {
        JsonObject o = base.deepCopy();
        List<String> keys = new ArrayList<>(o.keySet());
        if (keys.isEmpty()) {
            o.add("requester", randomValue(1));
            return o;
        }
        String key = keys.get(random.nextInt(keys.size()));
        JsonElement old = o.get(key);
        if (old.isJsonArray() && old.getAsJsonArray().size() > 0 && random.nextBoolean()) {
            old.getAsJsonArray().set(0, randomValue(2));
        } else if (old.isJsonObject() && old.getAsJsonObject().size() > 0 && random.nextBoolean()) {
            String inner = old.getAsJsonObject().keySet().iterator().next();
            old.getAsJsonObject().add(inner, randomValue(2));
        } else {
            o.add(key, randomValue(2));
        }
        return o;
    }

    private JsonObject missingField(JsonObject base) {
        JsonObject o = base.deepCopy();
        List<String> keys = new ArrayList<>(o.keySet());
        if (!keys.isEmpty()) {
            o.remove(keys.get(random.nextInt(keys.size())));
        }
        return o;
    }

    private JsonElement randomValue(int depth) {
        int k = random.nextInt(depth > 0 ? 10 : 7);
        return switch (k) {
            case 0 -> new JsonPrimitive(random.nextInt());
            case 1 -> new JsonPrimitive(random.nextDouble() * 1e300);
            case 2 -> new JsonPrimitive(random.nextBoolean());
            case 3 -> JsonNull.INSTANCE;
            case 4 -> new JsonPrimitive("");
            case 5 -> new JsonPrimitive("s" + random.nextInt(1000));
            case 6 -> new JsonPrimitive(-0.0);
            case 7 -> new JsonArray();
            case 8 -> {
                JsonArray a = new JsonArray();
                a.add(randomValue(depth - 1));
                a.add(randomValue(depth - 1));
                yield a;
            }
            default -> {
                JsonObject o = new JsonObject();
                o.add("k" + random.nextInt(10), randomValue(depth - 1));
                yield o;
            }
        };
    }

    private String hugeNumber() {
        List<String> numbers = List.of("1e999999999", "-1e999999999", "1e-999999999", "9".repeat(5000),
                "123456789012345678901234567890", "-0", "0.0000000000000000000000000001", "1E+2147483647",
                "18446744073709551616", "4.9e-325");
        return numbers.get(random.nextInt(numbers.size()));
    }

    /** Replaces one field's value (or a new field) by raw JSON text. */
    private Case raw(String topic, String command, String id, JsonObject base, String rawValue,
                     Addressing addressing, String mutation) {
        JsonObject o = base.deepCopy();
        List<String> keys = new ArrayList<>(o.keySet());
        String key = keys.isEmpty() || random.nextInt(4) == 0 ? "zz_raw" : keys.get(random.nextInt(keys.size()));
        JsonElement old = o.get(key);
        if (old != null && old.isJsonObject() && old.getAsJsonObject().size() > 0) {
            String inner = old.getAsJsonObject().keySet().iterator().next();
            old.getAsJsonObject().addProperty(inner, MARK);
        } else {
            o.addProperty(key, MARK);
        }
        String text = GSON.toJson(withId(id, o)).replace("\"" + MARK + "\"", rawValue);
        return new Case(topic, command, text.getBytes(StandardCharsets.UTF_8), id, addressing, mutation);
    }

    private Case invalidUtf8(String topic, String command, String id, JsonObject request) {
        byte[] text = GSON.toJson(request).getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xed, (byte) 0xa0,
            (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80}};
        byte[] insert = bad[random.nextInt(bad.length)];
        int at = 1 + random.nextInt(Math.max(1, text.length - 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(text, 0, at);
        out.write(insert, 0, insert.length);
        out.write(text, at, text.length - at);
        return new Case(topic, command, out.toByteArray(), id, Addressing.ANY, "invalid-utf8");
    }

    private Case notJson(String topic, String command, String id) {
        int k = random.nextInt(12);
        byte[] payload = switch (k) {
            case 0 -> new byte[0];
            case 1 -> {
                byte[] b = new byte[1 + random.nextInt(300)];
                random.nextBytes(b);
                yield b;
            }
            case 2 -> "null".getBytes(StandardCharsets.UTF_8);
            case 3 -> "42".getBytes(StandardCharsets.UTF_8);
            case 4 -> "\"people\"".getBytes(StandardCharsets.UTF_8);
            case 5 -> ("[{\"request_id\":\"" + id + "\"}]").getBytes(StandardCharsets.UTF_8);
            case 6 -> ("{'request_id':'" + id + "'}").getBytes(StandardCharsets.UTF_8);
            case 7 -> ("\ufeff{\"request_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
            case 8 -> ("{\"request_id\":\"" + id + "\"} trailing").getBytes(StandardCharsets.UTF_8);
            case 9 -> ("{\"request_id\":\"" + id + "\" /* comment */}").getBytes(StandardCharsets.UTF_8);
            case 10 -> ("{\"request_id\":\"" + id + "\",\"request_id\":\"" + id + "-b\"}")
                    .getBytes(StandardCharsets.UTF_8);
            default -> "{".repeat(1 + random.nextInt(100)).getBytes(StandardCharsets.UTF_8);
        };
        return new Case(topic, command, payload, id, k <= 4 || k == 5 || k == 11 ? Addressing.INVALID : Addressing.ANY,
                "not-json-" + k);
    }

    private Case oversize(String topic, String command, String id, JsonObject base) {
        JsonObject o = withId(id, base);
        o.addProperty("zz_padding", "p".repeat(commandMaxBytes + random.nextInt(200_000)));
        return json(topic, command, id, o, Addressing.OWN_ID, "over-command-max-bytes");
    }

    private Case json(String topic, String command, String id, JsonObject o, Addressing a, String mutation) {
        return new Case(topic, command, GSON.toJson(o).getBytes(StandardCharsets.UTF_8), id, a, mutation);
    }

    private interface TextMutation {
        String apply(String s);
    }

    private Case text(String topic, String command, String id, JsonObject o, TextMutation mutation, String name) {
        String mutated = mutation.apply(GSON.toJson(o));
        return new Case(topic, command, mutated.getBytes(StandardCharsets.UTF_8), id, Addressing.ANY, name);
    }

    private String deleteChars(String s) {
        StringBuilder b = new StringBuilder(s);
        for (int i = 0, k = 1 + random.nextInt(3); i < k && b.length() > 0; i++) {
            b.deleteCharAt(random.nextInt(b.length()));
        }
        return b.toString();
    }

    private String insertChars(String s) {
        StringBuilder b = new StringBuilder(s);
        for (int i = 0, k = 1 + random.nextInt(3); i < k; i++) {
            String ins = random.nextBoolean() ? INSERTS[random.nextInt(INSERTS.length)]
                    : String.valueOf((char) (0x20 + random.nextInt(0x5f)));
            b.insert(random.nextInt(b.length() + 1), ins);
        }
        return b.toString();
    }

    private String replaceChars(String s) {
        StringBuilder b = new StringBuilder(s);
        for (int i = 0, k = 1 + random.nextInt(3); i < k && b.length() > 0; i++) {
            int at = random.nextInt(b.length());
            String with = random.nextBoolean() ? INSERTS[random.nextInt(INSERTS.length)]
                    : String.valueOf((char) (0x20 + random.nextInt(0x5f)));
            b.replace(at, at + 1, with);
        }
        return b.toString();
    }

    private String truncate(String s) {
        return s.substring(0, random.nextInt(Math.max(1, s.length())));
    }

    private static JsonObject withId(String id, JsonObject base) {
        JsonObject o = new JsonObject();
        o.addProperty("request_id", id); // first, so that even a gateway that only peeks can find it
        base.entrySet().forEach(e -> o.add(e.getKey(), e.getValue().deepCopy()));
        return o;
    }

    private static JsonArray array(String... values) {
        JsonArray a = new JsonArray();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * @return a valid, tiny PNG (one row of pixel data) whose header declares {@code width x height} RGB pixels:
     *         a decoder that trusts the header allocates {@code 3 * width * height} bytes
     */
    static byte[] pngDeclaring(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[1 + 3 * width]); // filter byte + one row of black
        deflater.finish();
        byte[] buf = new byte[64 * 1024];
        int len = deflater.deflate(buf);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(buf, len));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** @return the JPEG with the size in its start-of-frame header replaced (the data left as it is) */
    static byte[] withJpegSize(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        int i = 2; // after SOI
        while (i + 9 < out.length && (out[i] & 0xff) == 0xff) {
            int marker = out[i + 1] & 0xff;
            int length = ((out[i + 2] & 0xff) << 8) | (out[i + 3] & 0xff);
            if (marker >= 0xc0 && marker <= 0xc3) {
                out[i + 5] = (byte) (height >> 8);
                out[i + 6] = (byte) height;
                out[i + 7] = (byte) (width >> 8);
                out[i + 8] = (byte) width;
                return out;
            }
            i += 2 + length;
        }
        throw new IllegalArgumentException("no start-of-frame segment before the image data");
    }
}
