package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.facegate.api.GalleryHealth;
import io.facegate.api.PipelineStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The wire contracts as files: every JSON Schema parses and uses only keywords this test can check; the JSON blocks
 * of {@code docs/mqtt.md} parse, its examples match their schemas, its embedded schemas are the files; and what the
 * code writes (events, status, every command's reply) matches the schemas, with no field the schemas do not declare.
 */
class SchemaFilesTest {
    private static final Path SCHEMAS = Path.of("src/main/resources/schema");
    private static final Path DOC = Path.of("../../docs/mqtt.md");
    private static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";
    /** A marker on the line right before a ```json block of the doc. */
    private static final Pattern MARKER = Pattern.compile(
            "<!--\\s*(example|schema-file):\\s*(\\S+)(?:\\s+result=(\\S+))?\\s*-->");

    // ---------------------------------------------------------------- the files

    @Test
    void everySchemaFileParsesAndUsesOnlyCheckedKeywords() throws IOException {
        Schemas schemas = Schemas.load(SCHEMAS);
        assertTrue(schemas.files.size() >= 21, "schemas found: " + schemas.files.keySet());
        for (Map.Entry<String, JsonObject> f : schemas.files.entrySet()) {
            JsonObject s = f.getValue();
            assertEquals(DRAFT, string(s, "$schema"), f.getKey());
            assertTrue(string(s, "$id").startsWith("urn:facegate:mqtt:"), f.getKey());
            assertFalse(string(s, "title").isBlank(), f.getKey());
            assertFalse(string(s, "description").isBlank(), f.getKey());
            schemas.checkKeywordsAndRefs(s, s, f.getKey());
        }
    }

    @Test
    void everyCommandHasARequestAndAResultSchemaWithTheDispatchersRequestIdRule() throws IOException {
        Schemas schemas = Schemas.load(SCHEMAS);
        String rule = "^" + CommandDispatcher.REQUEST_ID.pattern() + "$";
        List<String> expected = new ArrayList<>();
        for (String command : CommandHandlers.COMMANDS) {
            String base = "commands/" + command.replace('/', '-');
            expected.add(base + ".request.schema.json");
            expected.add(base + ".result.schema.json");
            JsonObject request = schemas.file(base + ".request.schema.json");
            JsonObject id = request.getAsJsonObject("properties").getAsJsonObject("request_id");
            assertEquals(rule, string(id, "pattern"), base);
            assertEquals(new JsonPrimitive("request_id"), request.getAsJsonArray("required").get(0), base);
            assertTrue(string(request, "description").contains("/cmd/" + command + " "), base);
        }
        expected.add("commands/reply.schema.json");
        List<String> present = schemas.files.keySet().stream().filter(k -> k.startsWith("commands/")).sorted().toList();
        assertEquals(expected.stream().sorted().toList(), present, "one request and one result schema per command");
        JsonObject replyId = schemas.file("commands/reply.schema.json").getAsJsonObject("properties")
                .getAsJsonObject("request_id");
        assertEquals(rule, string(replyId, "pattern"));
        assertEquals("urn:facegate:mqtt:gateway-status:" + HealthReport.SCHEMA_VERSION,
                string(schemas.file("gateway-status.schema.json"), "$id"));
    }

    // ---------------------------------------------------------------- the doc

    @Test
    void everyJsonBlockOfTheDocParsesStrictly() throws IOException {
        List<Block> blocks = blocks();
        assertTrue(blocks.size() >= 25, "json blocks in " + DOC + ": " + blocks.size());
        for (Block b : blocks) {
            try {
                parse(b.text());
            } catch (IOException | RuntimeException e) {
                fail(DOC + " line " + b.line() + ": not strict JSON: " + e.getMessage());
            }
        }
    }

    @Test
    void everyExampleOfTheDocMatchesItsSchemaAndDeclaresNothingMore() throws IOException {
        Schemas schemas = Schemas.load(SCHEMAS);
        Set<String> covered = new java.util.TreeSet<>();
        int examples = 0;
        for (Block b : blocks()) {
            if (!"example".equals(b.kind())) {
                continue;
            }
            examples++;
            JsonElement doc = parse(b.text());
            List<String> errors = schemas.validate(doc, b.schema());
            covered.add(b.schema());
            if (b.resultSchema() != null) {
                errors.addAll(schemas.validate(doc.getAsJsonObject().get("result"), b.resultSchema()));
                covered.add(b.resultSchema());
            }
            assertEquals(List.of(), errors, DOC + " line " + b.line() + " against " + b.schema());
        }
        assertTrue(examples >= 25, "examples: " + examples);
        List<String> missing = schemas.files.keySet().stream().filter(f -> !covered.contains(f)).toList();
        assertEquals(List.of(), missing, "schemas without an example in " + DOC);
    }

    @Test
    void schemasEmbeddedInTheDocAreTheFilesAndEveryLinkedSchemaExists() throws IOException {
        Schemas schemas = Schemas.load(SCHEMAS);
        int embedded = 0;
        for (Block b : blocks()) {
            if ("schema-file".equals(b.kind())) {
                embedded++;
                assertEquals(schemas.file(b.schema()), parse(b.text()), DOC + " line " + b.line()
                        + " differs from " + b.schema());
            }
        }
        assertTrue(embedded >= 2, "embedded schemas: " + embedded);
        String text = Files.readString(DOC, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\\]\\((\\.\\./bundles/facegate-mqtt/src/main/resources/schema/[^)#]*)\\)")
                .matcher(text);
        int links = 0;
        while (m.find()) {
            links++;
            assertTrue(Files.exists(DOC.getParent().resolve(m.group(1))), "link to a missing file: " + m.group(1));
        }
        assertTrue(links >= 19, "schema links: " + links);
    }

    // ---------------------------------------------------------------- the code

    @Test
    void eventsTheCodeWritesMatchTheEventSchema() throws IOException {
        Schemas schemas = Schemas.load(SCHEMAS);
        String id = UUID.randomUUID().toString();
        for (String json : List.of(EventJson.event("pi4-door", id, Events.twoFaces(7, "Zoë \"Z\" O'Neil")),
                EventJson.event("gw.1", id, Events.empty(8)))) {
            assertEquals(List.of(), schemas.validate(parse(json), "recognition-event.schema.json"), json);
        }
        JsonObject broken = parse(EventJson.event("pi4-door", id, Events.empty(9))).getAsJsonObject();
        broken.remove("event_id");
        assertFalse(schemas.validate(broken, "recognition-event.schema.json").isEmpty(), "event_id is required");
    }

    @Test
    void everyStatusTheCodeWritesMatchesTheStatusSchema() throws IOException {
        Schemas schemas = Schemas.load(SCHEMAS);
        Instant now = Instant.parse("2026-12-02T09:26:53.589Z");
        PipelineStatus busy = new PipelineStatus(true, "mobilefacenet-112:1", 3, 16, 100, 96, 1, 0, 120, 9.8, 71.2,
                Double.NaN, List.of("FaceEmbedder"), Map.of("detect", "corrupt JPEG"));
        List<JsonObject> docs = List.of(
                HealthReport.build(inputs(null, 0, null, -1, stats(0, 0)), now),
                HealthReport.build(inputs(busy, 75, new GalleryHealth(GalleryHealth.REEMBEDDING, 3, 10, null), 4,
                        stats(61_000, 65_536)), now),
                HealthReport.build(inputs(busy, 0, new GalleryHealth(GalleryHealth.FAILED, 0, 0, "CRC mismatch"), -1,
                        stats(0, 65_536)), now),
                HealthReport.build(inputs(new PipelineStatus(true, null, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0), 0,
                        new GalleryHealth(GalleryHealth.OK, 0, 0, null), 0, stats(10, 1000)), now),
                HealthReport.offline("pi4-door", "facegate-pi4-door", "connection_lost", null),
                HealthReport.offline("pi4-door", "facegate-pi4-door", "shutdown", now));
        Set<String> states = new java.util.TreeSet<>();
        for (JsonObject d : docs) {
            states.add(d.get("state").getAsString());
            assertEquals(List.of(), schemas.validate(d, "gateway-status.schema.json"), d.toString());
        }
        assertEquals(Set.of("online", "degraded", "offline"), states);
        JsonObject lying = docs.get(0).deepCopy();
        lying.addProperty("state", "offline");
        assertFalse(schemas.validate(lying, "gateway-status.schema.json").isEmpty(), "offline has no counters");
    }

    @Test
    void everyReplyTheCodeWritesMatchesTheReplyAndResultSchemas() throws IOException {
        Schemas schemas = Schemas.load(SCHEMAS);
        FakeOperations ops = new FakeOperations();
        Supplier<JsonObject> status = () -> HealthReport.build(inputs(null, 0, null, -1, stats(0, 0)), Instant.now());
        List<String[]> sent = new ArrayList<>();
        PublisherSettings settings = PublisherSettings.from(Configs.publisher("gateway_id", "pi4-door",
                "command_max_bytes", 64 * 1024));
        CommandDispatcher dispatcher = new CommandDispatcher(settings, new CommandHandlers(() -> ops, status),
                (topic, payload) -> sent.add(new String[] {topic, new String(payload, StandardCharsets.UTF_8)}));
        String img = jpegBase64();
        String[][] requests = {
            {"enroll", "{\"request_id\":\"e1\",\"requester\":\"alice@ops\",\"name\":\"Zoë\",\"images\":[\"" + img
                    + "\",\"bm90IGFuIGltYWdl\"]}"},
            {"enroll", "{\"request_id\":\"e2\",\"name\":\"Obama\",\"images\":[\"data:image/jpeg;base64," + img + "\"]}"},
            {"people", "{\"request_id\":\"p1\"}"},
            {"rename", "{\"request_id\":\"r1\",\"name\":\"Zoë\",\"new_name\":\"Zoe\"}"},
            {"rename", "{\"request_id\":\"r2\",\"name\":\"Zoe\",\"new_name\":\"Obama\"}"},
            {"identify", "{\"request_id\":\"i1\",\"image\":\"" + img + "\"}"},
            {"status", "{\"request_id\":\"s1\"}"},
            {"models", "{\"request_id\":\"m1\"}"},
            {"config/get", "{\"request_id\":\"g1\"}"},
            {"config/get", "{\"request_id\":\"g2\",\"keys\":[\"detect.min_face_size\"]}"},
            {"config/set", "{\"request_id\":\"c1\",\"values\":{\"detect.min_face_size\":40}}"},
            {"forget", "{\"request_id\":\"f1\",\"name\":\"Zoe\"}"},
            {"forget", "{\"request_id\":\"f2\",\"name\":\"Zoe\"}"},
            {"enrol", "{\"request_id\":\"x1\"}"},
            {"people", "{\"requester\":\"no id\"}"},
            {"people", "[1]"},
            {"people", "{\"request_id\":\"bad\""},
            {"config/set", "{\"request_id\":\"c2\",\"values\":{}}"},
        };
        for (String[] r : requests) {
            dispatcher.handle(new CommandDispatcher.Request(r[0], "facegate/pi4-door/cmd/" + r[0],
                    r[1].getBytes(StandardCharsets.UTF_8)));
        }
        dispatcher.onMessage("facegate/pi4-door/cmd/people", ("{\"request_id\":\"big\",\"pad\":\""
                + "x".repeat(64 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(requests.length + 1, sent.size(), "one reply per request");
        Map<Integer, Integer> codes = new TreeMap<>();
        Set<String> results = new java.util.TreeSet<>();
        for (String[] s : sent) {
            JsonObject reply = parse(s[1]).getAsJsonObject();
            List<String> errors = schemas.validate(reply, "commands/reply.schema.json");
            int code = reply.get("code").getAsInt();
            codes.merge(code, 1, Integer::sum);
            String id = reply.get("request_id").isJsonNull() ? "_invalid" : reply.get("request_id").getAsString();
            assertEquals("facegate/pi4-door/reply/" + id, s[0]);
            if (code == 200) {
                String schema = "commands/" + reply.get("command").getAsString().replace('/', '-')
                        + ".result.schema.json";
                results.add(schema);
                errors.addAll(schemas.validate(reply.get("result"), schema));
            }
            assertEquals(List.of(), errors, s[1]);
        }
        assertEquals(CommandHandlers.COMMANDS.size(), results.size(), "a 200 of every command: " + results);
        assertEquals(Set.of(200, 400, 404, 409, 413), codes.keySet(), codes.toString());
    }

    // ---------------------------------------------------------------- helpers

    private static HealthReport.Inputs inputs(PipelineStatus p, long stalled, GalleryHealth g, int people,
                                              OutboxStats outbox) {
        return new HealthReport.Inputs("pi4-door", "facegate-pi4-door", p, stalled, g, people, outbox, 42, 1, 3);
    }

    private static OutboxStats stats(long depth, long bytes) {
        return new OutboxStats(depth, depth == 0 ? -1 : 1, bytes, 65_536, 1, depth, 0, 0, 0, 0, 0);
    }

    private static String jpegBase64() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "jpg", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        assertTrue(e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString(), key + " in " + o);
        return e.getAsString();
    }

    /** A ```json block of the doc, with the marker on the line before it, if any. */
    private record Block(int line, String text, String kind, String schema, String resultSchema) {
    }

    private static List<Block> blocks() throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```json")) {
                continue;
            }
            int start = i;
            StringBuilder text = new StringBuilder();
            while (++i < lines.size() && !lines.get(i).strip().equals("```")) {
                text.append(lines.get(i)).append('\n');
            }
            assertTrue(i < lines.size(), DOC + " line " + (start + 1) + ": unclosed block");
            Matcher m = start > 0 ? MARKER.matcher(lines.get(start - 1).strip()) : null;
            boolean marked = m != null && m.matches();
            blocks.add(new Block(start + 1, text.toString(), marked ? m.group(1) : null, marked ? m.group(2) : null,
                    marked ? m.group(3) : null));
        }
        return blocks;
    }

    /** Strict RFC 8259, refusing duplicate member names (Gson would keep the last silently). */
    static JsonElement parse(String text) throws IOException {
        try (JsonReader r = new JsonReader(new StringReader(text))) {
            r.setStrictness(Strictness.STRICT);
            JsonElement e = read(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException("trailing data");
            }
            return e;
        }
    }

    private static JsonElement read(JsonReader r) throws IOException {
        switch (r.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject o = new JsonObject();
                r.beginObject();
                while (r.hasNext()) {
                    String name = r.nextName();
                    if (o.has(name)) {
                        throw new IOException("duplicate member '" + name + "' at " + r.getPath());
                    }
                    o.add(name, read(r));
                }
                r.endObject();
                return o;
            }
            case BEGIN_ARRAY -> {
                JsonArray a = new JsonArray();
                r.beginArray();
                while (r.hasNext()) {
                    a.add(read(r));
                }
                r.endArray();
                return a;
            }
            case STRING -> {
                return new JsonPrimitive(r.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new BigDecimal(r.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(r.nextBoolean());
            }
            case NULL -> {
                r.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new IOException("unexpected " + r.peek() + " at " + r.getPath());
        }
    }

    /**
     * The schema files and a validator of the JSON Schema 2020-12 keywords they use. A keyword it does not know
     * fails {@link #checkKeywordsAndRefs}, so no rule of a schema goes unchecked. Validation is closed: an object
     * schema with {@code properties} and no {@code additionalProperties} accepts no other member, so an example or
     * a payload with an undocumented field fails (the published schemas stay open for future fields).
     */
    static final class Schemas {
        private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$defs", "title", "description",
                "contentEncoding", "contentMediaType", "examples", "$comment", "default");
        private static final Set<String> ASSERTIONS = Set.of("$ref", "type", "enum", "const", "not", "required",
                "properties", "additionalProperties", "minProperties", "items", "prefixItems", "minItems",
                "maxItems", "minimum", "maximum", "minLength", "maxLength", "pattern", "format", "oneOf", "anyOf",
                "allOf", "if", "then", "else");
        private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean",
                "null");

        /** Path relative to the schema folder, with '/', to the schema. */
        final Map<String, JsonObject> files = new TreeMap<>();
        private final Map<String, JsonObject> byId = new TreeMap<>();

        static Schemas load(Path dir) throws IOException {
            Schemas s = new Schemas();
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(dir)) {
                paths = walk.filter(p -> p.toString().endsWith(".schema.json")).sorted().toList();
            }
            for (Path p : paths) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                JsonElement e;
                try {
                    e = parse(Files.readString(p, StandardCharsets.UTF_8));
                } catch (IOException | RuntimeException ex) {
                    throw new AssertionError(name + ": not strict JSON: " + ex.getMessage(), ex);
                }
                assertTrue(e.isJsonObject(), name);
                JsonObject o = e.getAsJsonObject();
                s.files.put(name, o);
                JsonObject before = s.byId.put(string(o, "$id"), o);
                assertTrue(before == null, name + ": $id used twice: " + o.get("$id"));
            }
            return s;
        }

        JsonObject file(String name) {
            JsonObject o = files.get(name);
            assertTrue(o != null, "no schema file " + name);
            return o;
        }

        /** Fails on a keyword the validator does not check, a type it does not know or a $ref that resolves nowhere. */
        void checkKeywordsAndRefs(JsonElement schema, JsonObject root, String where) {
            if (schema.isJsonPrimitive() && schema.getAsJsonPrimitive().isBoolean()) {
                return;
            }
            assertTrue(schema.isJsonObject(), where + ": a schema must be an object or a boolean");
            JsonObject s = schema.getAsJsonObject();
            for (Map.Entry<String, JsonElement> k : s.entrySet()) {
                String key = k.getKey();
                String at = where + "/" + key;
                assertTrue(ANNOTATIONS.contains(key) || ASSERTIONS.contains(key), at + ": keyword not checked here");
                JsonElement v = k.getValue();
                switch (key) {
                    case "$ref" -> resolve(v.getAsString(), root, at);
                    case "type" -> (v.isJsonArray() ? v.getAsJsonArray().asList() : List.of(v))
                            .forEach(t -> assertTrue(TYPES.contains(t.getAsString()), at + ": type " + t));
                    case "format" -> assertTrue(Set.of("date-time", "uuid").contains(v.getAsString()), at);
                    case "pattern" -> Pattern.compile(v.getAsString());
                    case "properties", "$defs" -> v.getAsJsonObject().entrySet()
                            .forEach(p -> checkKeywordsAndRefs(p.getValue(), root, at + "/" + p.getKey()));
                    case "prefixItems", "oneOf", "anyOf", "allOf" -> {
                        JsonArray a = v.getAsJsonArray();
                        for (int i = 0; i < a.size(); i++) {
                            checkKeywordsAndRefs(a.get(i), root, at + "/" + i);
                        }
                    }
                    case "additionalProperties", "items", "not", "if", "then", "else" ->
                            checkKeywordsAndRefs(v, root, at);
                    default -> {
                        // annotations and keywords with a plain value
                    }
                }
            }
        }

        /** A resolved reference: the schema and the root its own references are relative to. */
        private record Target(JsonElement schema, JsonObject root) {
        }

        private Target resolve(String ref, JsonObject root, String where) {
            int hash = ref.indexOf('#');
            String id = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            JsonObject base = id.isEmpty() ? root : byId.get(id);
            assertTrue(base != null, where + ": no schema with $id " + id);
            JsonElement e = base;
            for (String token : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/")) {
                String member = token.replace("~1", "/").replace("~0", "~");
                assertTrue(pointer.startsWith("/") && e.isJsonObject() && e.getAsJsonObject().has(member),
                        where + ": $ref " + ref + " resolves nowhere");
                e = e.getAsJsonObject().get(member);
            }
            return new Target(e, base);
        }

        /**
         * @param instance a document
         * @param name     a schema file, relative to the schema folder
         * @return what does not match, one line each; empty when it matches
         */
        List<String> validate(JsonElement instance, String name) {
            JsonObject root = file(name);
            List<String> errors = new ArrayList<>();
            check(root, root, instance, "", errors);
            return errors;
        }

        private void check(JsonElement schema, JsonObject root, JsonElement in, String path, List<String> errors) {
            if (schema.isJsonPrimitive()) {
                if (!schema.getAsBoolean()) {
                    errors.add(path + ": not allowed");
                }
                return;
            }
            JsonObject s = schema.getAsJsonObject();
            String at = path.isEmpty() ? "/" : path;
            if (s.has("$ref")) {
                Target t = resolve(s.get("$ref").getAsString(), root, at);
                check(t.schema(), t.root(), in, path, errors);
            }
            if (s.has("type") && !hasType(s.get("type"), in)) {
                errors.add(at + ": " + describe(in) + " is not of type " + s.get("type"));
                return;
            }
            if (s.has("enum") && s.getAsJsonArray("enum").asList().stream().map(Schemas::normal)
                    .noneMatch(normal(in)::equals)) {
                errors.add(at + ": " + in + " is not one of " + s.get("enum"));
            }
            if (s.has("const") && !normal(s.get("const")).equals(normal(in))) {
                errors.add(at + ": " + in + " is not " + s.get("const"));
            }
            if (s.has("not") && matches(s.get("not"), root, in, path)) {
                errors.add(at + ": " + in + " matches " + s.get("not") + ", which it must not");
            }
            if (s.has("format") && in.isJsonPrimitive() && in.getAsJsonPrimitive().isString()) {
                checkFormat(s.get("format").getAsString(), in.getAsString(), at, errors);
            }
            if (in.isJsonObject()) {
                checkObject(s, root, in.getAsJsonObject(), path, errors);
            }
            if (in.isJsonArray()) {
                checkArray(s, root, in.getAsJsonArray(), path, errors);
            }
            if (in.isJsonPrimitive() && in.getAsJsonPrimitive().isString()) {
                String v = in.getAsString();
                int length = v.codePointCount(0, v.length());
                if (s.has("minLength") && length < s.get("minLength").getAsInt()) {
                    errors.add(at + ": shorter than " + s.get("minLength"));
                }
                if (s.has("maxLength") && length > s.get("maxLength").getAsInt()) {
                    errors.add(at + ": longer than " + s.get("maxLength"));
                }
                if (s.has("pattern") && !Pattern.compile(s.get("pattern").getAsString()).matcher(v).find()) {
                    errors.add(at + ": '" + v + "' does not match " + s.get("pattern").getAsString());
                }
            }
            if (in.isJsonPrimitive() && in.getAsJsonPrimitive().isNumber()) {
                BigDecimal v = in.getAsBigDecimal();
                if (s.has("minimum") && v.compareTo(s.get("minimum").getAsBigDecimal()) < 0) {
                    errors.add(at + ": " + v + " < " + s.get("minimum"));
                }
                if (s.has("maximum") && v.compareTo(s.get("maximum").getAsBigDecimal()) > 0) {
                    errors.add(at + ": " + v + " > " + s.get("maximum"));
                }
            }
            if (s.has("allOf")) {
                s.getAsJsonArray("allOf").forEach(sub -> check(sub, root, in, path, errors));
            }
            if (s.has("anyOf") && s.getAsJsonArray("anyOf").asList().stream()
                    .noneMatch(sub -> matches(sub, root, in, path))) {
                errors.add(at + ": matches none of anyOf");
            }
            if (s.has("oneOf")) {
                List<List<String>> branches = new ArrayList<>();
                for (JsonElement sub : s.getAsJsonArray("oneOf")) {
                    List<String> e = new ArrayList<>();
                    check(sub, root, in, path, e);
                    branches.add(e);
                }
                long ok = branches.stream().filter(List::isEmpty).count();
                if (ok != 1) {
                    errors.add(at + ": matches " + ok + " branches of oneOf, not 1: " + branches);
                }
            }
            if (s.has("if")) {
                String branch = matches(s.get("if"), root, in, path) ? "then" : "else";
                if (s.has(branch)) {
                    check(s.get(branch), root, in, path, errors);
                }
            }
        }

        private void checkObject(JsonObject s, JsonObject root, JsonObject o, String path, List<String> errors) {
            String at = path.isEmpty() ? "/" : path;
            if (s.has("required")) {
                for (JsonElement r : s.getAsJsonArray("required")) {
                    if (!o.has(r.getAsString())) {
                        errors.add(at + ": missing " + r.getAsString());
                    }
                }
            }
            if (s.has("minProperties") && o.size() < s.get("minProperties").getAsInt()) {
                errors.add(at + ": fewer than " + s.get("minProperties") + " members");
            }
            JsonObject props = s.has("properties") ? s.getAsJsonObject("properties") : new JsonObject();
            boolean closed = s.has("properties") && s.has("type") && hasType(s.get("type"), o);
            for (Map.Entry<String, JsonElement> m : o.entrySet()) {
                String p = path + "/" + m.getKey();
                if (props.has(m.getKey())) {
                    check(props.get(m.getKey()), root, m.getValue(), p, errors);
                } else if (s.has("additionalProperties")) {
                    check(s.get("additionalProperties"), root, m.getValue(), p, errors);
                } else if (closed) {
                    errors.add(p + ": not declared in the schema");
                }
            }
        }

        private void checkArray(JsonObject s, JsonObject root, JsonArray a, String path, List<String> errors) {
            String at = path.isEmpty() ? "/" : path;
            if (s.has("minItems") && a.size() < s.get("minItems").getAsInt()) {
                errors.add(at + ": fewer than " + s.get("minItems") + " items");
            }
            if (s.has("maxItems") && a.size() > s.get("maxItems").getAsInt()) {
                errors.add(at + ": more than " + s.get("maxItems") + " items");
            }
            int prefix = s.has("prefixItems") ? s.getAsJsonArray("prefixItems").size() : 0;
            for (int i = 0; i < a.size(); i++) {
                if (i < prefix) {
                    check(s.getAsJsonArray("prefixItems").get(i), root, a.get(i), path + "/" + i, errors);
                } else if (s.has("items")) {
                    check(s.get("items"), root, a.get(i), path + "/" + i, errors);
                }
            }
        }

        private static void checkFormat(String format, String v, String at, List<String> errors) {
            try {
                if (format.equals("date-time")) {
                    OffsetDateTime.parse(v);
                } else if (format.equals("uuid") && !UUID.fromString(v).toString().equals(v.toLowerCase())) {
                    errors.add(at + ": '" + v + "' is not a UUID");
                }
            } catch (RuntimeException e) {
                errors.add(at + ": '" + v + "' is not a " + format);
            }
        }

        private boolean matches(JsonElement schema, JsonObject root, JsonElement in, String path) {
            List<String> e = new ArrayList<>();
            check(schema, root, in, path, e);
            return e.isEmpty();
        }

        private static boolean hasType(JsonElement type, JsonElement in) {
            for (JsonElement t : type.isJsonArray() ? type.getAsJsonArray().asList() : List.of(type)) {
                boolean match = switch (t.getAsString()) {
                    case "object" -> in.isJsonObject();
                    case "array" -> in.isJsonArray();
                    case "null" -> in.isJsonNull();
                    case "string" -> in.isJsonPrimitive() && in.getAsJsonPrimitive().isString();
                    case "boolean" -> in.isJsonPrimitive() && in.getAsJsonPrimitive().isBoolean();
                    case "number" -> in.isJsonPrimitive() && in.getAsJsonPrimitive().isNumber();
                    case "integer" -> in.isJsonPrimitive() && in.getAsJsonPrimitive().isNumber()
                            && in.getAsBigDecimal().stripTrailingZeros().scale() <= 0;
                    default -> false;
                };
                if (match) {
                    return true;
                }
            }
            return false;
        }

        /** Numbers compared by value (200 equals 200.0), as JSON Schema does. */
        private static JsonElement normal(JsonElement e) {
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                return new JsonPrimitive(e.getAsBigDecimal().stripTrailingZeros());
            }
            return e;
        }

        private static String describe(JsonElement e) {
            String s = String.valueOf(e);
            return s.length() > 80 ? s.substring(0, 80) + "..." : s;
        }
    }
}
