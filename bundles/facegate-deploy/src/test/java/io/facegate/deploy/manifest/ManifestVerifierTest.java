package io.facegate.deploy.manifest;

import static io.facegate.deploy.manifest.Fixtures.DOOR;
import static io.facegate.deploy.manifest.Fixtures.manifest;
import static io.facegate.deploy.manifest.Fixtures.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ManifestVerifierTest {
    private static final KeyPair OPERATOR = Keys.generate();
    private static final KeyPair OTHER = Keys.generate();
    private static final KeyPair OLD = Keys.generate();

    private final ManifestVerifier verifier = new ManifestVerifier(TrustedKeys.of(
            List.of(OPERATOR.getPublic(), OLD.getPublic()), Set.of(Keys.keyId(OLD.getPublic()))));
    private final ReleaseLedger ledger = ReleaseLedger.inMemory();

    @TempDir
    Path dir;

    private static void refused(Reason expected, Executable e) {
        VerificationException x = assertThrows(VerificationException.class, e);
        assertEquals(expected, x.reason(), x::getMessage);
    }

    private Manifest verify(SignedManifest s) throws VerificationException {
        return verifier.verify(s, DOOR, ledger);
    }

    @Test
    void aValidManifestPassesAndComesBackParsed() throws Exception {
        Manifest m = manifest(OPERATOR).build();
        assertEquals(m, verify(sign(m, OPERATOR)));
        assertEquals(m, verifier.verify(sign(m, OPERATOR).encode(), DOOR, ledger));
    }

    @Test
    void oneFlippedByteInTheManifestIsABadSignature() throws Exception {
        SignedManifest s = sign(manifest(OPERATOR).build(), OPERATOR);
        byte[] bytes = s.manifestBytes();
        int i = new String(bytes, StandardCharsets.UTF_8).indexOf("\"release\":3") + "\"release\":".length();
        bytes[i] ^= 0x01; // '3' -> '2': still a valid manifest
        assertEquals(2, Manifest.parse(bytes).release());
        refused(Reason.BAD_SIGNATURE, () -> verify(SignedManifest.of(bytes, s.signature())));
    }

    @Test
    void noSingleBitFlipAnywhereInTheManifestIsAccepted() throws Exception {
        SignedManifest s = sign(manifest(OPERATOR).build(), OPERATOR);
        byte[] original = s.manifestBytes();
        for (int i = 0; i < original.length; i++) {
            byte[] b = original.clone();
            b[i] ^= 0x01;
            VerificationException e = assertThrows(VerificationException.class,
                    () -> verify(SignedManifest.of(b, s.signature())), "byte " + i);
            assertTrue(e.reason() == Reason.BAD_SIGNATURE || e.reason() == Reason.MALFORMED
                    || e.reason() == Reason.UNKNOWN_KEY, "byte " + i + ": " + e);
        }
    }

    @Test
    void aFlippedSignatureBitIsABadSignature() throws Exception {
        SignedManifest s = sign(manifest(OPERATOR).build(), OPERATOR);
        byte[] sig = s.signature();
        sig[10] ^= 0x20;
        refused(Reason.BAD_SIGNATURE, () -> verify(SignedManifest.of(s.manifestBytes(), sig)));
        refused(Reason.BAD_SIGNATURE, () -> verify(SignedManifest.of(s.manifestBytes(), Arrays.copyOf(sig, 10))));
    }

    @Test
    void aKeyTheGatewayDoesNotTrustIsUnknown() throws Exception {
        refused(Reason.UNKNOWN_KEY, () -> verify(sign(manifest(OTHER).build(), OTHER)));
    }

    @Test
    void theKeyIdIsOnlyALookupHint() throws Exception {
        // claims the trusted key's id, signed by another key
        byte[] bytes = manifest(OPERATOR).build().toJson();
        byte[] sig = Fixtures.signRaw(bytes, OTHER.getPrivate());
        refused(Reason.BAD_SIGNATURE, () -> verify(SignedManifest.of(bytes, sig)));
    }

    @Test
    void aRevokedKeyIsRefusedEvenWithItsKeyFilePresent() throws Exception {
        refused(Reason.REVOKED_KEY, () -> verify(sign(manifest(OLD).build(), OLD)));
    }

    @Test
    void anEmptyOrMissingSignatureIsUnsigned() throws Exception {
        byte[] bytes = manifest(OPERATOR).build().toJson();
        refused(Reason.UNSIGNED, () -> verify(SignedManifest.of(bytes, new byte[0])));
        String noSignature = "{\"manifest\":\"" + java.util.Base64.getEncoder().encodeToString(bytes) + "\"}";
        refused(Reason.UNSIGNED, () -> verifier.verify(noSignature.getBytes(StandardCharsets.UTF_8), DOOR, ledger));
    }

    @Test
    void anUnreadableEnvelopeOrManifestIsMalformed() throws Exception {
        refused(Reason.MALFORMED, () -> verifier.verify("{\"manifest\":".getBytes(StandardCharsets.UTF_8), DOOR,
                ledger));
        byte[] notAManifest = "{\"schema\":1}".getBytes(StandardCharsets.UTF_8);
        refused(Reason.MALFORMED, () -> verify(SignedManifest.of(notAManifest,
                Fixtures.signRaw(notAManifest, OPERATOR.getPrivate()))));
    }

    @Test
    void anotherGatewayOrAGroupItIsNotInIsTheWrongTarget() throws Exception {
        refused(Reason.WRONG_TARGET, () -> verify(sign(manifest(OPERATOR).target(Target.gateway("pi4-back"))
                .build(), OPERATOR)));
        refused(Reason.WRONG_TARGET, () -> verify(sign(manifest(OPERATOR).target(Target.group("floor-2"))
                .build(), OPERATOR)));
        // the gateway's own id is no group of it
        refused(Reason.WRONG_TARGET, () -> verify(sign(manifest(OPERATOR).target(Target.group("pi4-door"))
                .build(), OPERATOR)));
        assertEquals(Target.group("floor-1"), verify(sign(manifest(OPERATOR).target(Target.group("floor-1"))
                .build(), OPERATOR)).target());
    }

    @Test
    void theSameOrALowerReleaseIsStale() throws Exception {
        Manifest m = verify(sign(manifest(OPERATOR).build(), OPERATOR));
        ledger.record(m);
        SignedManifest replay = sign(m, OPERATOR);
        refused(Reason.STALE_RELEASE, () -> verify(replay));
        refused(Reason.STALE_RELEASE, () -> verify(sign(manifest(OPERATOR).release(2).build(), OPERATOR)));
        assertEquals(4, verify(sign(manifest(OPERATOR).release(4).build(), OPERATOR)).release());
        // releases are counted per name
        assertEquals(1, verify(sign(manifest(OPERATOR).name("io.facegate.other").release(1).build(), OPERATOR))
                .release());
    }

    @Test
    void aRollbackToAnExactlyRecordedReleasePassesOnce() throws Exception {
        Manifest r3 = manifest(OPERATOR).build();
        Manifest r4 = manifest(OPERATOR).release(4).sha256("ab".repeat(32)).created(Fixtures.CREATED.plusSeconds(60))
                .build();
        ledger.record(verify(sign(r3, OPERATOR)));
        ledger.record(verify(sign(r4, OPERATOR)));
        Manifest back = r3.toBuilder().rollback(true).created(Fixtures.CREATED.plusSeconds(120)).build();
        SignedManifest rollback = sign(back, OPERATOR);
        assertEquals(back, verify(rollback));
        ledger.record(back);
        assertEquals(4, ledger.highestRelease(Fixtures.NAME).getAsLong());
        // the same rollback envelope captured and sent again, now or after a newer release
        refused(Reason.STALE_RELEASE, () -> verify(rollback));
        ledger.record(verify(sign(manifest(OPERATOR).release(5).created(Fixtures.CREATED.plusSeconds(180)).build(),
                OPERATOR)));
        refused(Reason.STALE_RELEASE, () -> verify(rollback));
    }

    @Test
    void aRollbackToAReleaseNeverAcceptedFails() throws Exception {
        ledger.record(verify(sign(manifest(OPERATOR).release(5).build(), OPERATOR)));
        Duration later = Duration.ofHours(1);
        // release 3 was never accepted here
        refused(Reason.STALE_RELEASE, () -> verify(sign(manifest(OPERATOR).release(3).rollback(true)
                .created(Fixtures.CREATED.plus(later)).build(), OPERATOR)));
        // release 5 was, but with other bytes
        refused(Reason.STALE_RELEASE, () -> verify(sign(manifest(OPERATOR).release(5).sha256("cd".repeat(32))
                .rollback(true).created(Fixtures.CREATED.plus(later)).build(), OPERATOR)));
        // a rollback with a newer release is simply newer
        assertEquals(6, verify(sign(manifest(OPERATOR).release(6).rollback(true).build(), OPERATOR)).release());
    }

    @Test
    void theSignatureIsCheckedBeforeWhatTheManifestSays() throws Exception {
        Manifest elsewhere = manifest(OTHER).target(Target.gateway("pi4-back")).build();
        refused(Reason.UNKNOWN_KEY, () -> verify(sign(elsewhere, OTHER)));
        byte[] bytes = manifest(OPERATOR).target(Target.gateway("pi4-back")).build().toJson();
        refused(Reason.UNSIGNED, () -> verify(SignedManifest.of(bytes, new byte[0])));
        refused(Reason.BAD_SIGNATURE, () -> verify(SignedManifest.of(bytes, Fixtures.signRaw(bytes,
                OTHER.getPrivate()))));
        ledger.record(manifest(OPERATOR).release(9).build());
        refused(Reason.WRONG_TARGET, () -> verify(sign(manifest(OPERATOR).target(Target.gateway("pi4-back"))
                .build(), OPERATOR)));
        refused(Reason.REVOKED_KEY, () -> verify(sign(manifest(OLD).build(), OLD)));
    }

    // artifacts

    private Path artifact(byte[] content) throws Exception {
        Path p = dir.resolve("model.jar");
        Files.write(p, content);
        return p;
    }

    private static Manifest describing(byte[] content) throws Exception {
        return manifest(OPERATOR).artifact(ArtifactDigest.of(new ByteArrayInputStream(content))).build();
    }

    private static byte[] content(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void theArtifactItDescribesPasses() throws Exception {
        byte[] c = content(300_000);
        Manifest m = describing(c);
        ManifestVerifier.verifyArtifact(m, artifact(c));
        ManifestVerifier.verifyArtifact(m, new ByteArrayInputStream(c));
        assertEquals(300_000, m.size());
    }

    @Test
    void oneChangedByteIsAHashMismatch() throws Exception {
        byte[] c = content(300_000);
        Manifest m = describing(c);
        c[123_456] ^= 0x40;
        refused(Reason.HASH_MISMATCH, () -> ManifestVerifier.verifyArtifact(m, artifact(c)));
        refused(Reason.HASH_MISMATCH, () -> ManifestVerifier.verifyArtifact(m, new ByteArrayInputStream(c)));
    }

    @Test
    void aShorterArtifactIsTruncatedALongerOneASizeMismatch() throws Exception {
        byte[] c = content(100_000);
        Manifest m = describing(c);
        byte[] shorter = Arrays.copyOf(c, c.length - 1);
        byte[] longer = Arrays.copyOf(c, c.length + 1);
        refused(Reason.TRUNCATED, () -> ManifestVerifier.verifyArtifact(m, artifact(shorter)));
        refused(Reason.TRUNCATED, () -> ManifestVerifier.verifyArtifact(m, new ByteArrayInputStream(shorter)));
        refused(Reason.SIZE_MISMATCH, () -> ManifestVerifier.verifyArtifact(m, artifact(longer)));
        refused(Reason.SIZE_MISMATCH, () -> ManifestVerifier.verifyArtifact(m, new ByteArrayInputStream(longer)));
        refused(Reason.TRUNCATED, () -> ManifestVerifier.verifyArtifact(m, InputStream.nullInputStream()));
    }

    @Test
    void anEndlessStreamIsCutOffRightAfterTheManifestsSize() throws Exception {
        Manifest m = describing(content(1000));
        long[] read = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read[0]++;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                read[0] += len;
                return len;
            }
        };
        refused(Reason.SIZE_MISMATCH, () -> ManifestVerifier.verifyArtifact(m, endless));
        assertEquals(1001, read[0]);
    }
}
