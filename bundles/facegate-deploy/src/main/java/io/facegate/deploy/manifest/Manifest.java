package io.facegate.deploy.manifest;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What an artifact is and whom it is for, signed by an operator key: schema 1 (see the bundle's README for the
 * format). Immutable; {@link #parse(byte[])} and {@link Builder#build()} enforce the same rules, so a manifest that
 * exists is valid.
 *
 * <p>A class with a builder rather than a record: a field added later must not break the callers of a constructor.
 */
public final class Manifest {
    /** The only layout this version reads and writes. */
    public static final int SCHEMA = 1;
    /** Longest manifest accepted, in bytes: a valid one is well under 1 KiB. */
    public static final int MAX_BYTES = 16 * 1024;

    private static final int NESTING_LIMIT = 4;
    private static final int MAX_CREATED = 64;
    private static final Set<String> FIELDS = Set.of("schema", "name", "version", "kind", "sha256", "size", "target",
            "release", "rollback", "uninstall", "created", "key_id");
    /** SHA-256 of no bytes: the artifact of an uninstall manifest, which carries none. */
    public static final String NO_ARTIFACT_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /** What the artifact is, which decides how it is installed. */
    public enum Kind {
        /** An OSGi bundle jar. */
        BUNDLE("bundle"),
        /** A model bundle jar (a bundle that carries a model). */
        MODEL("model"),
        /** A Karaf feature repository (XML). */
        FEATURE("feature");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /** @return the manifest's spelling, e.g. {@code model} */
        public String code() {
            return code;
        }

        /**
         * @param code {@code bundle}, {@code model} or {@code feature}
         * @return its kind
         * @throws IllegalArgumentException for anything else
         */
        public static Kind ofCode(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("kind must be bundle, model or feature, got '" + code + "'");
        }
    }

    private final String name;
    private final String version;
    private final Kind kind;
    private final String sha256;
    private final long size;
    private final Target target;
    private final long release;
    private final boolean rollback;
    private final boolean uninstall;
    private final Instant created;
    private final String keyId;

    private Manifest(Builder b) {
        name = require(b.name, "name");
        if (!Syntax.symbolicName(name)) {
            throw invalid("name", "must be an OSGi symbolic name (dot-separated tokens of A-Z a-z 0-9 _ -, at most "
                    + Syntax.MAX_NAME + " characters), got '" + name + "'");
        }
        version = require(b.version, "version");
        if (!Syntax.version(version)) {
            throw invalid("version", "must be an OSGi version (major[.minor[.micro[.qualifier]]], numbers up to "
                    + Integer.MAX_VALUE + "), got '" + version + "'");
        }
        kind = require(b.kind, "kind");
        sha256 = require(b.sha256, "sha256");
        if (!Syntax.sha256(sha256)) {
            throw invalid("sha256", "must be 64 lower-case hex characters");
        }
        size = b.size;
        if (size < 0) {
            throw invalid("size", "must be >= 0, got " + size);
        }
        target = require(b.target, "target");
        release = b.release;
        if (release < 1) {
            throw invalid("release", "must be >= 1, got " + release);
        }
        rollback = b.rollback;
        uninstall = b.uninstall;
        if (uninstall && (rollback || size != 0 || !sha256.equals(NO_ARTIFACT_SHA256))) {
            throw invalid("uninstall", "takes no artifact (size 0, the SHA-256 of no bytes) and no rollback");
        }
        created = require(b.created, "created");
        keyId = require(b.keyId, "key_id");
        if (!Syntax.keyId(keyId)) {
            throw invalid("key_id", "must be 16 lower-case hex characters, got '" + keyId + "'");
        }
    }

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw invalid(field, "is missing");
        }
        return value;
    }

    private static IllegalArgumentException invalid(String field, String why) {
        return new IllegalArgumentException("field '" + field + "' " + why);
    }

    /** @return a builder with nothing set (and {@code rollback} false) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this manifest's values */
    public Builder toBuilder() {
        return new Builder().name(name).version(version).kind(kind).sha256(sha256).size(size).target(target)
                .release(release).rollback(rollback).uninstall(uninstall).created(created).keyId(keyId);
    }

    /**
     * Reads a manifest strictly: UTF-8 JSON, at most {@link #MAX_BYTES}, no duplicate or unknown keys, schema
     * {@link #SCHEMA}, every field present with its type and syntax.
     *
     * @param bytes the manifest exactly as signed
     * @return the manifest
     * @throws VerificationException {@link Reason#MALFORMED}, with a message naming the field
     */
    public static Manifest parse(byte[] bytes) throws VerificationException {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > MAX_BYTES) {
            throw malformed("it has " + bytes.length + " bytes, more than the " + MAX_BYTES + " allowed");
        }
        try {
            Fields f = new Fields(StrictJson.parseObject(bytes, NESTING_LIMIT), "");
            // the schema first: a later layout may change every other field
            long schema = f.integer("schema", Long.MIN_VALUE, Long.MAX_VALUE);
            if (schema != SCHEMA) {
                throw new JsonFormatException("unsupported schema " + schema + " (this gateway reads schema "
                        + SCHEMA + ")");
            }
            f.only(FIELDS);
            Builder b = builder()
                    .name(f.string("name", Syntax.MAX_NAME))
                    .version(f.string("version", Syntax.MAX_VERSION))
                    .sha256(f.string("sha256", 64))
                    .size(f.integer("size", 0, Long.MAX_VALUE))
                    .target(target(f.object("target")))
                    .release(f.integer("release", 1, Long.MAX_VALUE))
                    .rollback(f.bool("rollback"))
                    .uninstall(f.has("uninstall") && f.bool("uninstall"))
                    .keyId(f.string("key_id", 16));
            String kind = f.string("kind", 16);
            try {
                b.kind(Kind.ofCode(kind));
            } catch (IllegalArgumentException e) {
                throw new JsonFormatException(f.name("kind") + " must be bundle, model or feature, got '" + kind + "'");
            }
            String created = f.string("created", MAX_CREATED);
            try {
                b.created(Instant.parse(created));
            } catch (DateTimeParseException e) {
                throw new JsonFormatException(f.name("created") + " must be an ISO-8601 instant such as "
                        + "2026-03-14T09:26:53Z, got '" + created + "'");
            }
            return b.build();
        } catch (JsonFormatException | IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    private static Target target(Fields t) throws JsonFormatException {
        Set<String> keys = t.keys();
        if (keys.size() != 1 || !(t.has("gateway") || t.has("group"))) {
            throw new JsonFormatException("field 'target' must hold exactly one of 'gateway' or 'group', got "
                    + keys);
        }
        Target.Scope scope = t.has("gateway") ? Target.Scope.GATEWAY : Target.Scope.GROUP;
        String value = t.string(scope.field(), 64);
        try {
            return scope == Target.Scope.GATEWAY ? Target.gateway(value) : Target.group(value);
        } catch (IllegalArgumentException e) {
            throw new JsonFormatException(t.name(scope.field()) + " must be 1-64 of A-Z a-z 0-9 . _ - (one topic "
                    + "level), got '" + value + "'");
        }
    }

    private static VerificationException malformed(String why) {
        return new VerificationException(Reason.MALFORMED, "manifest: " + why);
    }

    /**
     * @return the manifest as compact UTF-8 JSON, fields in the order of the specification; these are the bytes to
     *         sign, and {@link #parse(byte[])} reads them back to an equal manifest
     */
    public byte[] toJson() {
        StringWriter text = new StringWriter();
        try (JsonWriter w = new JsonWriter(text)) {
            w.setHtmlSafe(false);
            w.beginObject();
            w.name("schema").value(SCHEMA);
            w.name("name").value(name);
            w.name("version").value(version);
            w.name("kind").value(kind.code());
            w.name("sha256").value(sha256);
            w.name("size").value(size);
            w.name("target").beginObject().name(target.scope().field()).value(target.value()).endObject();
            w.name("release").value(release);
            w.name("rollback").value(rollback);
            if (uninstall) {
                w.name("uninstall").value(true); // only when set, so gateways that predate it read the others
            }
            w.name("created").value(created.toString());
            w.name("key_id").value(keyId);
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @return {@link #SCHEMA} */
    public int schema() {
        return SCHEMA;
    }

    /** @return the artifact's name, an OSGi symbolic name; releases are counted per name */
    public String name() {
        return name;
    }

    /** @return the artifact's OSGi version, as written */
    public String version() {
        return version;
    }

    /** @return what the artifact is */
    public Kind kind() {
        return kind;
    }

    /** @return SHA-256 of the artifact, 64 lower-case hex */
    public String sha256() {
        return sha256;
    }

    /** @return the artifact's length in bytes */
    public long size() {
        return size;
    }

    /** @return whom it is for */
    public Target target() {
        return target;
    }

    /** @return the release number, >= 1, increasing per {@link #name()} */
    public long release() {
        return release;
    }

    /** @return whether this manifest brings back an earlier, already accepted release */
    public boolean rollback() {
        return rollback;
    }

    /**
     * @return whether this manifest removes the installed bundle {@link #name()} at {@link #version()}; such a
     *         manifest carries no artifact (size 0, {@link #NO_ARTIFACT_SHA256})
     * @since 1.1
     */
    public boolean uninstall() {
        return uninstall;
    }

    /** @return when the operator signed it (the operator's clock) */
    public Instant created() {
        return created;
    }

    /** @return the signer's key id; only a lookup hint, proven by the signature alone */
    public String keyId() {
        return keyId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.name.equals(name) && m.version.equals(version) && m.kind == kind
                && m.sha256.equals(sha256) && m.size == size && m.target.equals(target) && m.release == release
                && m.rollback == rollback && m.uninstall == uninstall && m.created.equals(created)
                && m.keyId.equals(keyId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, kind, sha256, size, target, release, rollback, uninstall, created, keyId);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s (%s) release %d%s for %s, sha256 %s, %d bytes, key %s", name,
                version, kind.code(), release, rollback ? " rollback" : uninstall ? " uninstall" : "", target, sha256,
                size, keyId);
    }

    /** Collects a manifest's fields; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private String name;
        private String version;
        private Kind kind;
        private String sha256;
        private long size = -1;
        private Target target;
        private long release;
        private boolean rollback;
        private boolean uninstall;
        private Instant created;
        private String keyId;

        private Builder() {
        }

        /** @param v OSGi symbolic name @return this */
        public Builder name(String v) {
            name = v;
            return this;
        }

        /** @param v OSGi version @return this */
        public Builder version(String v) {
            version = v;
            return this;
        }

        /** @param v what the artifact is @return this */
        public Builder kind(Kind v) {
            kind = v;
            return this;
        }

        /** @param v SHA-256 of the artifact, 64 lower-case hex @return this */
        public Builder sha256(String v) {
            sha256 = v;
            return this;
        }

        /** @param v the artifact's length in bytes @return this */
        public Builder size(long v) {
            size = v;
            return this;
        }

        /** @param v the artifact's hash and size @return this */
        public Builder artifact(ArtifactDigest v) {
            return sha256(v.sha256()).size(v.size());
        }

        /** @param v whom it is for @return this */
        public Builder target(Target v) {
            target = v;
            return this;
        }

        /** @param v release number, >= 1 @return this */
        public Builder release(long v) {
            release = v;
            return this;
        }

        /** @param v whether it brings back an earlier accepted release @return this */
        public Builder rollback(boolean v) {
            rollback = v;
            return this;
        }

        /**
         * @param v whether it removes the installed bundle; then size 0 and {@link #NO_ARTIFACT_SHA256}, see
         *          {@link #noArtifact()}
         * @return this
         * @since 1.1
         */
        public Builder uninstall(boolean v) {
            uninstall = v;
            return this;
        }

        /**
         * @return this, with the size and hash of no artifact, as an uninstall manifest has them
         * @since 1.1
         */
        public Builder noArtifact() {
            return sha256(NO_ARTIFACT_SHA256).size(0);
        }

        /** @param v when it was signed @return this */
        public Builder created(Instant v) {
            created = v;
            return this;
        }

        /** @param v the signer's key id, see {@link Keys#keyId(java.security.PublicKey)} @return this */
        public Builder keyId(String v) {
            keyId = v;
            return this;
        }

        /**
         * @return the manifest
         * @throws IllegalArgumentException naming the first field that is missing or invalid
         */
        public Manifest build() {
            return new Manifest(this);
        }
    }
}
