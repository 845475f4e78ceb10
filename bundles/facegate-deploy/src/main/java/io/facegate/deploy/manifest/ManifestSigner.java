package io.facegate.deploy.manifest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;

/** Signs manifests with one operator key pair (Ed25519, the JDK's). For the operator's side; not thread-safe. */
public final class ManifestSigner {
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    /**
     * @param privateKey the operator's Ed25519 private key
     * @param publicKey  its public key (a PKCS#8 file does not carry it; the key id is computed from it)
     * @throws InvalidKeyException if a key is not Ed25519 or the two do not belong together
     */
    public ManifestSigner(PrivateKey privateKey, PublicKey publicKey) throws InvalidKeyException {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        try {
            Keys.requireEd25519(privateKey);
            Keys.requireEd25519(publicKey);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException(e.getMessage());
        }
        // a pair that does not match would sign manifests every gateway refuses: find out now
        byte[] probe = "facegate-deploy key pair check".getBytes(StandardCharsets.US_ASCII);
        if (!ManifestVerifier.signatureValid(publicKey, probe, signBytes(probe))) {
            throw new InvalidKeyException("the private key does not belong to the public key " + Keys.keyId(publicKey));
        }
        this.keyId = Keys.keyId(publicKey);
    }

    /** @return the key id manifests signed here must carry */
    public String keyId() {
        return keyId;
    }

    /**
     * @param manifest a manifest whose {@code key_id} is {@link #keyId()}
     * @return its envelope: the manifest's {@link Manifest#toJson()} bytes and their signature
     * @throws IllegalArgumentException if the manifest names another key
     */
    public SignedManifest sign(Manifest manifest) {
        if (!manifest.keyId().equals(keyId)) {
            throw new IllegalArgumentException("the manifest names key " + manifest.keyId() + ", this key is "
                    + keyId);
        }
        byte[] bytes = manifest.toJson();
        return SignedManifest.of(bytes, signBytes(bytes));
    }

    private byte[] signBytes(byte[] bytes) {
        try {
            Signature s = Signature.getInstance(Keys.ALGORITHM);
            s.initSign(privateKey);
            s.update(bytes);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
    }
}
