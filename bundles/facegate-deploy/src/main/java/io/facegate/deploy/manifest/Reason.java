package io.facegate.deploy.manifest;

import java.util.Optional;

/** Why a manifest or an artifact was refused; {@link #code()} is the machine-readable form sent back to operators. */
public enum Reason {
    /** The envelope or the manifest cannot be read: not strict JSON, a field missing, of the wrong type or invalid. */
    MALFORMED("malformed"),
    /** The envelope carries no signature, or an empty one. */
    UNSIGNED("unsigned"),
    /** No trusted public key has the manifest's {@code key_id}. */
    UNKNOWN_KEY("unknown_key"),
    /** The manifest's {@code key_id} is revoked. */
    REVOKED_KEY("revoked_key"),
    /** The signature does not verify over the manifest bytes with the key named by {@code key_id}. */
    BAD_SIGNATURE("bad_signature"),
    /** The manifest is addressed to another gateway, or to a group this gateway is not in. */
    WRONG_TARGET("wrong_target"),
    /** The release is not newer than the highest accepted one of that name (replay, downgrade), and is no valid rollback. */
    STALE_RELEASE("stale_release"),
    /** The artifact is longer than the manifest's {@code size}. */
    SIZE_MISMATCH("size_mismatch"),
    /** The artifact is shorter than the manifest's {@code size}. */
    TRUNCATED("truncated"),
    /** The artifact has the right size but not the manifest's {@code sha256}. */
    HASH_MISMATCH("hash_mismatch");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    /** @return the reason code, e.g. {@code bad_signature} */
    public String code() {
        return code;
    }

    /**
     * @param code a reason code
     * @return its reason, empty for an unknown code
     */
    public static Optional<Reason> ofCode(String code) {
        for (Reason r : values()) {
            if (r.code.equals(code)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
