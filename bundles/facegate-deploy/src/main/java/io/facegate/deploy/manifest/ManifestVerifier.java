package io.facegate.deploy.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;

/**
 * The gateway's decision on a signed manifest, and the check of the artifact against it. Pure: it reads the
 * ledger but never writes it; record a manifest with {@link ReleaseLedger#record(Manifest)} once its artifact is
 * installed. Thread-safe if the ledger is used by one installer at a time (verify, install and record as one step).
 *
 * <p>Order of the checks, each failing with its {@link Reason}: parse the envelope and the manifest
 * ({@code malformed}); signature present ({@code unsigned}); key id revoked ({@code revoked_key}); key known
 * ({@code unknown_key}); signature valid over the exact manifest bytes ({@code bad_signature}); nothing else in the
 * manifest means anything before this point. Then the target ({@code wrong_target}) and the release
 * ({@code stale_release}).
 */
public final class ManifestVerifier {
    private final TrustedKeys keys;

    /** @param keys the operator keys this gateway trusts */
    public ManifestVerifier(TrustedKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * @param envelopeJson an envelope as received
     * @param self         this gateway
     * @param ledger       the releases accepted so far
     * @return the verified manifest
     * @throws VerificationException with the reason of the first check that failed
     * @see #verify(SignedManifest, Gateway, ReleaseLedger)
     */
    public Manifest verify(byte[] envelopeJson, Gateway self, ReleaseLedger ledger) throws VerificationException {
        return verify(SignedManifest.parse(envelopeJson), self, ledger);
    }

    /**
     * @param envelope a parsed envelope
     * @param self     this gateway
     * @param ledger   the releases accepted so far
     * @return the verified manifest: signed by a trusted, unrevoked key, for this gateway, and a newer release or
     *         a valid rollback; its artifact still has to pass {@link #verifyArtifact(Manifest, Path)}
     * @throws VerificationException with the reason of the first check that failed
     */
    public Manifest verify(SignedManifest envelope, Gateway self, ReleaseLedger ledger) throws VerificationException {
        byte[] bytes = envelope.manifestBytes();
        Manifest m = Manifest.parse(bytes);
        if (!envelope.isSigned()) {
            throw new VerificationException(Reason.UNSIGNED, "the envelope carries no signature");
        }
        // key_id only selects the key; the signature alone proves who signed
        String keyId = m.keyId();
        if (keys.isRevoked(keyId)) {
            throw new VerificationException(Reason.REVOKED_KEY, "key " + keyId + " is revoked");
        }
        PublicKey key = keys.lookup(keyId).orElseThrow(() -> new VerificationException(Reason.UNKNOWN_KEY,
                "key " + keyId + " is not among this gateway's trusted keys"));
        if (!signatureValid(key, bytes, envelope.signature())) {
            throw new VerificationException(Reason.BAD_SIGNATURE,
                    "the signature does not verify with key " + keyId + " over the manifest bytes");
        }
        if (!self.isAddressedBy(m.target())) {
            throw new VerificationException(Reason.WRONG_TARGET, "the manifest is for " + m.target() + ", this is "
                    + self);
        }
        ledger.check(m);
        return m;
    }

    /**
     * Checks an artifact file against its manifest, streaming.
     *
     * @param manifest a verified manifest
     * @param artifact the artifact file
     * @throws VerificationException {@link Reason#TRUNCATED} if shorter than {@code size},
     *                               {@link Reason#SIZE_MISMATCH} if longer, {@link Reason#HASH_MISMATCH} if the
     *                               SHA-256 differs
     * @throws IOException           if it cannot be read
     */
    public static void verifyArtifact(Manifest manifest, Path artifact) throws VerificationException, IOException {
        long actual = Files.size(artifact);
        if (actual != manifest.size()) {
            throw sizeDiffers(manifest, actual);
        }
        try (InputStream in = Files.newInputStream(artifact)) {
            verifyArtifact(manifest, in);
        }
    }

    /**
     * Checks an artifact's bytes against its manifest, streaming; reads at most {@code size + 1} bytes.
     *
     * @param manifest a verified manifest
     * @param artifact the artifact's bytes; not closed
     * @throws VerificationException as {@link #verifyArtifact(Manifest, Path)}
     * @throws IOException           if reading fails
     */
    public static void verifyArtifact(Manifest manifest, InputStream artifact)
            throws VerificationException, IOException {
        MessageDigest md = ArtifactDigest.newSha256();
        byte[] buf = new byte[ArtifactDigest.BUFFER];
        long expected = manifest.size();
        long count = 0;
        // ask for one byte beyond the size at most: a longer stream is found out without reading it
        for (int n; (n = artifact.read(buf, 0, (int) Math.min(buf.length, expected - count + 1))) >= 0; ) {
            count += n;
            if (count > expected) {
                // never hash (nor wait for) more than promised
                throw new VerificationException(Reason.SIZE_MISMATCH, "the artifact is longer than the manifest's "
                        + expected + " bytes");
            }
            md.update(buf, 0, n);
        }
        if (count != expected) {
            throw sizeDiffers(manifest, count);
        }
        byte[] want = Syntax.HEX.parseHex(manifest.sha256());
        if (!MessageDigest.isEqual(md.digest(), want)) {
            throw new VerificationException(Reason.HASH_MISMATCH, "the artifact's SHA-256 is not the manifest's "
                    + manifest.sha256());
        }
    }

    private static VerificationException sizeDiffers(Manifest m, long actual) {
        return actual < m.size()
                ? new VerificationException(Reason.TRUNCATED, "the artifact has " + actual + " bytes, the manifest "
                        + "says " + m.size())
                : new VerificationException(Reason.SIZE_MISMATCH, "the artifact has " + actual + " bytes, the "
                        + "manifest says " + m.size());
    }

    static boolean signatureValid(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(Keys.ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. a signature of the wrong length
        }
    }
}
