package io.facegate.deploy.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignedManifestTest {
    private static final String M = Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8));

    private static SignedManifest parse(String json) throws VerificationException {
        return SignedManifest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encodesAndParsesBack() throws Exception {
        byte[] manifest = "manifest bytes".getBytes(StandardCharsets.UTF_8);
        byte[] signature = new byte[64];
        signature[7] = 42;
        SignedManifest back = SignedManifest.parse(SignedManifest.of(manifest, signature).encode());
        assertArrayEquals(manifest, back.manifestBytes());
        assertArrayEquals(signature, back.signature());
        assertTrue(back.isSigned());
    }

    @Test
    void itsArraysCannotBeChangedFromOutside() {
        byte[] manifest = {1, 2, 3};
        SignedManifest s = SignedManifest.of(manifest, new byte[] {9});
        manifest[0] = 7;
        s.manifestBytes()[1] = 7;
        s.signature()[0] = 7;
        assertArrayEquals(new byte[] {1, 2, 3}, s.manifestBytes());
        assertArrayEquals(new byte[] {9}, s.signature());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"manifest\":\"M\"}",
        "{\"manifest\":\"M\",\"signature\":null}",
        "{\"manifest\":\"M\",\"signature\":\"\"}"})
    void noSignatureIsReadAsUnsigned(String json) throws Exception {
        SignedManifest s = parse(json.replace("\"M\"", "\"" + M + "\""));
        assertFalse(s.isSigned());
        assertEquals(0, s.signature().length);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"signature\":\"AAAA\"}|missing field 'manifest'",
        "{\"manifest\":\"M\",\"signature\":\"not base64!\"}|field 'signature' is not base64",
        "{\"manifest\":\"e30*\",\"signature\":\"AAAA\"}|field 'manifest' is not base64",
        "{\"manifest\":\"M\",\"signature\":64}|field 'signature' must be a string",
        "{\"manifest\":[\"M\"]}|field 'manifest' must be a string",
        "{\"manifest\":\"M\",\"signature\":\"AAAA\",\"signature\":\"\"}|duplicate key 'signature'",
        "{\"manifest\":\"M\",\"key\":\"AAAA\"}|unknown field 'key'",
        "{\"manifest\":\"M\"} x|trailing data",
        "\"M\"|not a JSON object"})
    void aBadEnvelopeIsMalformedAndSaysWhy(String json, String expected) {
        VerificationException e = assertThrows(VerificationException.class,
                () -> parse(json.replace("\"M\"", "\"" + M + "\"")));
        assertEquals(Reason.MALFORMED, e.reason());
        assertTrue(e.getMessage().startsWith("envelope: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in " + e.getMessage());
    }

    @Test
    void anEnvelopeOverTheLimitIsRefused() {
        String big = "{\"manifest\":\"" + "A".repeat(SignedManifest.MAX_BYTES) + "\"}";
        VerificationException e = assertThrows(VerificationException.class, () -> parse(big));
        assertEquals(Reason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("more than the 32768 allowed"), e.getMessage());
    }
}
