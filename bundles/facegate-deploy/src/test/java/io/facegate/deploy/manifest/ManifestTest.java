package io.facegate.deploy.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {
    private static final KeyPair KEY = Keys.generate();
    private static final String SHA = "0123456789abcdef".repeat(4);

    /** The fields of a valid manifest as raw JSON values, in the specification's order. */
    private static Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("schema", "1");
        f.put("name", "\"io.facegate.model.mobilefacenet-112\"");
        f.put("version", "\"1.1.0\"");
        f.put("kind", "\"model\"");
        f.put("sha256", "\"" + SHA + "\"");
        f.put("size", "10");
        f.put("target", "{\"gateway\":\"pi4-door\"}");
        f.put("release", "3");
        f.put("rollback", "false");
        f.put("created", "\"2026-03-14T09:26:53Z\"");
        f.put("key_id", "\"0011223344556677\"");
        return f;
    }

    private static String json(Map<String, String> f) {
        return f.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String with(String field, String rawValue) {
        Map<String, String> f = fields();
        f.put(field, rawValue);
        return json(f);
    }

    private static VerificationException refused(byte[] bytes) {
        return assertThrows(VerificationException.class, () -> Manifest.parse(bytes));
    }

    @Test
    void writesExactlyTheSpecifiedLayoutAndReadsItBack() throws Exception {
        Manifest m = Manifest.builder().name("io.facegate.model.mobilefacenet-112").version("1.1.0")
                .kind(Manifest.Kind.MODEL).sha256(SHA).size(10).target(Target.gateway("pi4-door")).release(3)
                .rollback(false).created(Fixtures.CREATED).keyId("0011223344556677").build();
        assertEquals(json(fields()), new String(m.toJson(), StandardCharsets.UTF_8));
        assertEquals(m, Manifest.parse(m.toJson()));
        assertEquals(m, m.toBuilder().build());
    }

    @Test
    void anUninstallManifestCarriesNoArtifactAndWritesItsFieldOnlyWhenSet() throws Exception {
        Manifest m = Manifest.builder().name("facegate-embed-mobilefacenet").version("0.9.1").kind(Manifest.Kind.MODEL)
                .noArtifact().target(Target.gateway("pi4-door")).release(4).uninstall(true)
                .created(Fixtures.CREATED).keyId("0011223344556677").build();
        String text = new String(m.toJson(), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"rollback\":false,\"uninstall\":true,\"created\""), text);
        Manifest back = Manifest.parse(m.toJson());
        assertTrue(back.uninstall());
        assertEquals(m, back);
        assertEquals(m, m.toBuilder().build());
        Manifest plain = m.toBuilder().uninstall(false).build();
        assertTrue(!new String(plain.toJson(), StandardCharsets.UTF_8).contains("uninstall"),
                "a 1.0 gateway reads manifests without the field");
        assertTrue(!Manifest.parse(json(fields()).getBytes(StandardCharsets.UTF_8)).uninstall());
        // an uninstall with an artifact, or that is also a rollback, is no valid manifest
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.toBuilder().sha256(SHA).size(10).build());
        assertTrue(e.getMessage().startsWith("field 'uninstall'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.toBuilder().rollback(true).build());
        assertEquals(Reason.MALFORMED, refused(with("uninstall", "true").getBytes(StandardCharsets.UTF_8)).reason());
        assertEquals(Reason.MALFORMED, refused(with("uninstall", "1").getBytes(StandardCharsets.UTF_8)).reason());
    }

    @Test
    void readsTheSpecificationsExampleWithWhitespaceAndAGroup() throws Exception {
        String text = """
                {"schema":1, "name":"io.facegate.model.mobilefacenet-112", "version":"1.1.0",
                 "kind":"feature",
                 "sha256":"%s", "size":0,
                 "target":{"group":"floor-1"},
                 "release":9223372036854775807,
                 "rollback":true,
                 "created":"2026-03-14T09:26:53.589Z", "key_id":"0011223344556677"}
                """.formatted(SHA);
        Manifest m = Manifest.parse(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(Target.group("floor-1"), m.target());
        assertEquals(Manifest.Kind.FEATURE, m.kind());
        assertEquals(Long.MAX_VALUE, m.release());
        assertEquals(0, m.size());
        assertTrue(m.rollback());
        assertEquals(589, m.created().toEpochMilli() % 1000);
    }

    static Stream<String> fieldNames() {
        return fields().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("fieldNames")
    void aMissingFieldIsMalformedAndNamed(String field) {
        Map<String, String> f = fields();
        f.remove(field);
        VerificationException e = refused(json(f).getBytes(StandardCharsets.UTF_8));
        assertEquals(Reason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("missing field '" + field + "'"), e.getMessage());
    }

    static Stream<Arguments> badDocuments() {
        String valid = json(fields());
        return Stream.of(
                // not strict JSON
                Arguments.of("not json", "not strict JSON"),
                Arguments.of("", "not strict JSON"),
                Arguments.of("[1]", "not a JSON object"),
                Arguments.of(valid + " {}", "trailing data"),
                Arguments.of(valid.replace("\"schema\":1", "'schema':1"), "not strict JSON"),
                Arguments.of(valid.replace("}", ",}"), "not strict JSON"),
                Arguments.of(valid.replace("{\"schema\":1,", "{\"schema\":1,/* hi */"), "not strict JSON"),
                Arguments.of(with("target", "{\"gateway\":{\"a\":{\"b\":{\"c\":{}}}}}"), "not strict JSON"),
                // duplicate keys: two parsers could read two different manifests
                Arguments.of(valid.replace("{\"schema\":1,", "{\"schema\":1,\"release\":99,"),
                        "duplicate key 'release'"),
                Arguments.of(with("target", "{\"gateway\":\"x\",\"gateway\":\"pi4-door\"}"),
                        "duplicate key 'gateway'"),
                // wrong types
                Arguments.of(with("release", "\"5\""), "field 'release' must be an integer"),
                Arguments.of(with("size", "true"), "field 'size' must be an integer"),
                Arguments.of(with("size", "null"), "field 'size' must be an integer, got null"),
                Arguments.of(with("rollback", "\"false\""), "field 'rollback' must be true or false"),
                Arguments.of(with("name", "5"), "field 'name' must be a string"),
                Arguments.of(with("kind", "[\"model\"]"), "field 'kind' must be a string"),
                Arguments.of(with("target", "\"pi4-door\""), "field 'target' must be an object"),
                Arguments.of(with("target", "{\"gateway\":7}"), "field 'target.gateway' must be a string"),
                Arguments.of(with("schema", "\"1\""), "field 'schema' must be an integer"),
                // numbers out of range or not integers
                Arguments.of(with("size", "99999999999999999999"), "field 'size' is out of range"),
                Arguments.of(with("release", "9223372036854775808"), "field 'release' is out of range"),
                Arguments.of(with("release", "1e30"), "field 'release' must be an integer"),
                Arguments.of(with("release", "1.0"), "field 'release' must be an integer"),
                Arguments.of(with("release", "0"), "field 'release' must be between 1"),
                Arguments.of(with("release", "-4"), "field 'release' must be between 1"),
                Arguments.of(with("size", "-1"), "field 'size' must be between 0"),
                // schema
                Arguments.of(with("schema", "2"), "unsupported schema 2"),
                Arguments.of(with("schema", "1.0"), "field 'schema' must be an integer"),
                Arguments.of(valid.replace("}", ",\"signer\":\"me\"}"), "unknown field 'signer'"),
                // syntax of the values
                Arguments.of(with("name", "\"io..facegate\""), "field 'name' must be an OSGi symbolic name"),
                Arguments.of(with("name", "\"io.facegate model\""), "field 'name'"),
                Arguments.of(with("name", "\"" + "a".repeat(256) + "\""), "field 'name' is longer than 255"),
                Arguments.of(with("version", "\"1.0.0.b@d\""), "field 'version' must be an OSGi version"),
                Arguments.of(with("version", "\"1.2147483648\""), "field 'version' must be an OSGi version"),
                Arguments.of(with("version", "\"v1\""), "field 'version'"),
                Arguments.of(with("kind", "\"jar\""), "field 'kind' must be bundle, model or feature"),
                Arguments.of(with("sha256", "\"" + SHA.toUpperCase() + "\""), "field 'sha256' must be 64 lower-case"),
                Arguments.of(with("sha256", "\"" + SHA.substring(1) + "\""), "field 'sha256'"),
                Arguments.of(with("target", "{\"gateway\":\"a\",\"group\":\"b\"}"), "exactly one of"),
                Arguments.of(with("target", "{}"), "exactly one of"),
                Arguments.of(with("target", "{\"host\":\"a\"}"), "exactly one of"),
                Arguments.of(with("target", "{\"group\":\"a/b\"}"), "field 'target.group' must be 1-64"),
                Arguments.of(with("target", "{\"gateway\":\"\"}"), "field 'target.gateway' must be 1-64"),
                Arguments.of(with("target", "{\"gateway\":\"+\"}"), "field 'target.gateway' must be 1-64"),
                Arguments.of(with("created", "\"yesterday\""), "field 'created' must be an ISO-8601 instant"),
                Arguments.of(with("created", "\"2026-03-14\""), "field 'created'"),
                Arguments.of(with("key_id", "\"00112233445566\""), "field 'key_id'"),
                Arguments.of(with("key_id", "\"00112233445566778899\""), "field 'key_id' is longer than 16"));
    }

    @ParameterizedTest
    @MethodSource("badDocuments")
    void aBadDocumentIsMalformedAndSaysWhy(String json, String expected) {
        VerificationException e = refused(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(Reason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] b = with("version", "\"1.1.0.X\"").getBytes(StandardCharsets.UTF_8);
        int i = new String(b, StandardCharsets.UTF_8).indexOf(".X\"") + 1;
        b[i] = (byte) 0xC3; // a lead byte without its continuation
        assertEquals(Reason.MALFORMED, refused(b).reason());
    }

    @Test
    void aManifestOverTheLimitIsRefusedBeforeParsing() {
        String padded = with("name", "\"a\"" + " ".repeat(Manifest.MAX_BYTES));
        VerificationException e = refused(padded.getBytes(StandardCharsets.UTF_8));
        assertEquals(Reason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("more than the 16384 allowed"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.2", "1.2.3", "1.2.3.SNAPSHOT", "0.0.0.a_b-c", "2147483647.0.0"})
    void acceptsOsgiVersions(String version) {
        assertEquals(version, Fixtures.manifest(KEY).version(version).build().version());
    }

    @Test
    void theBuilderRefusesWhatParseRefusesNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.manifest(KEY).release(0).build());
        assertTrue(e.getMessage().contains("field 'release'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Fixtures.manifest(KEY).sha256("xyz").build());
        assertTrue(e.getMessage().contains("field 'sha256'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Fixtures.manifest(KEY).created(null).build());
        assertTrue(e.getMessage().contains("field 'created' is missing"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Target.group("a b"));
        assertThrows(IllegalArgumentException.class, () -> Gateway.of("door", java.util.List.of("")));
    }

    @Test
    void aManifestWrittenWithUnusualButValidValuesReadsBackEqual() throws Exception {
        Manifest m = Fixtures.manifest(KEY).name("_-.a-_").version("0.0.0.q").size(Long.MAX_VALUE)
                .target(Target.group("A.b_c-9")).release(Long.MAX_VALUE).rollback(true)
                .created(java.time.Instant.parse("1970-01-01T00:00:00.000000001Z")).build();
        byte[] bytes = m.toJson();
        assertEquals(m, Manifest.parse(bytes));
        assertArrayEquals(bytes, Manifest.parse(bytes).toJson());
    }
}
