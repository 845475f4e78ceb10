package io.facegate.deploy.manifest;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;

/** Keys, manifests and envelopes for the tests; real JDK crypto throughout. */
final class Fixtures {
    static final String NAME = "io.facegate.model.mobilefacenet-112";
    static final Instant CREATED = Instant.parse("2026-03-14T09:26:53Z");
    static final Gateway DOOR = Gateway.of("pi4-door", java.util.List.of("entrance", "floor-1"));

    private Fixtures() {
    }

    /** A manifest for {@link #DOOR} signed-to-be by {@code signer}, release 3, for a 10-byte artifact. */
    static Manifest.Builder manifest(KeyPair signer) {
        return Manifest.builder().name(NAME).version("1.1.0").kind(Manifest.Kind.MODEL)
                .sha256("0123456789abcdef".repeat(4)).size(10).target(Target.gateway("pi4-door")).release(3)
                .rollback(false).created(CREATED).keyId(Keys.keyId(signer.getPublic()));
    }

    static SignedManifest sign(Manifest m, KeyPair signer) throws GeneralSecurityException {
        return new ManifestSigner(signer.getPrivate(), signer.getPublic()).sign(m);
    }

    /** Signs arbitrary bytes, bypassing every check of {@link ManifestSigner}. */
    static byte[] signRaw(byte[] bytes, PrivateKey key) throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(bytes);
        return s.sign();
    }
}
