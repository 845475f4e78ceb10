package io.facegate.deploy.manifest;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * The envelope a manifest travels in: {@code {"manifest":"<base64>","signature":"<base64>"}}. The signature covers
 * the manifest bytes exactly as carried, so the envelope itself may be re-encoded or embedded in another message
 * freely. Nothing here is verified: see {@link ManifestVerifier}.
 */
public final class SignedManifest {
    /** Longest envelope accepted, in bytes: a {@link Manifest#MAX_BYTES} manifest in base64 plus a signature. */
    public static final int MAX_BYTES = 32 * 1024;

    private static final Set<String> FIELDS = Set.of("manifest", "signature");

    private final byte[] manifest;
    private final byte[] signature;

    private SignedManifest(byte[] manifest, byte[] signature) {
        this.manifest = manifest;
        this.signature = signature;
    }

    /**
     * @param manifestBytes the manifest exactly as signed
     * @param signature     the Ed25519 signature over them; empty for none
     * @return the envelope (both arrays are copied)
     */
    public static SignedManifest of(byte[] manifestBytes, byte[] signature) {
        return new SignedManifest(manifestBytes.clone(), signature.clone());
    }

    /**
     * Reads an envelope strictly (UTF-8 JSON, at most {@link #MAX_BYTES}, no duplicate or unknown keys, strict
     * base64). A missing, {@code null} or empty signature is read as none: the verifier refuses it as
     * {@link Reason#UNSIGNED}.
     *
     * @param json the envelope
     * @return it
     * @throws VerificationException {@link Reason#MALFORMED} naming the field
     */
    public static SignedManifest parse(byte[] json) throws VerificationException {
        Objects.requireNonNull(json, "json");
        if (json.length > MAX_BYTES) {
            throw malformed("it has " + json.length + " bytes, more than the " + MAX_BYTES + " allowed");
        }
        try {
            Fields f = new Fields(StrictJson.parseObject(json, 2), "");
            f.only(FIELDS);
            byte[] manifest = base64(f, "manifest");
            byte[] signature = new byte[0];
            if (f.has("signature") && !f.isNull("signature")) {
                signature = base64(f, "signature");
            }
            return new SignedManifest(manifest, signature);
        } catch (JsonFormatException e) {
            throw malformed(e.getMessage());
        }
    }

    private static byte[] base64(Fields f, String field) throws JsonFormatException {
        String text = f.string(field, MAX_BYTES);
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(f.name(field) + " is not base64 (" + e.getMessage() + ")");
        }
    }

    private static VerificationException malformed(String why) {
        return new VerificationException(Reason.MALFORMED, "envelope: " + why);
    }

    /** @return a copy of the manifest bytes, exactly as signed */
    public byte[] manifestBytes() {
        return manifest.clone();
    }

    /** @return a copy of the signature; empty when there is none */
    public byte[] signature() {
        return signature.clone();
    }

    /** @return whether it carries a non-empty signature */
    public boolean isSigned() {
        return signature.length > 0;
    }

    /** @return the envelope as compact UTF-8 JSON, readable by {@link #parse(byte[])} */
    public byte[] encode() {
        StringWriter text = new StringWriter();
        try (JsonWriter w = new JsonWriter(text)) {
            w.beginObject();
            w.name("manifest").value(Base64.getEncoder().encodeToString(manifest));
            w.name("signature").value(Base64.getEncoder().encodeToString(signature));
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
