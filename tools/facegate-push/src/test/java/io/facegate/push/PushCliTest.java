package io.facegate.push;

import static io.facegate.push.CliRun.assertLine;
import static io.facegate.push.CliRun.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.deploy.manifest.Gateway;
import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ManifestVerifier;
import io.facegate.deploy.manifest.ReleaseLedger;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushCliTest {
    @TempDir Path dir;
    private Path operator;
    private Path trust;
    private Path artifact;
    private String keyId;


    @BeforeEach
    void operatorAndGateway() throws Exception {
        operator = dir.resolve("operator-keys");
        CliRun keygen = cli("keygen", "--out", operator, "--name", "alice");
        assertEquals(0, keygen.code(), keygen.err());
        Matcher m = Pattern.compile("key_id ([0-9a-f]{16})\n").matcher(keygen.out());
        assertTrue(m.find(), keygen.out());
        keyId = m.group(1);
        // the gateway side: only the public key is copied over
        trust = Files.createDirectory(dir.resolve("facegate-deploy-keys"));
        Files.copy(operator.resolve("alice.pub"), trust.resolve("alice.pub"));
        artifact = dir.resolve("io.facegate.model.mobilefacenet-112-1.1.0.jar");
        byte[] content = new byte[200_000];
        new java.util.Random(7).nextBytes(content);
        Files.write(artifact, content);
    }

    private CliRun sign(Object... extra) {
        Object[] base = {"sign", "--key", operator.resolve("alice.key"), "--name", "io.facegate.model.mobilefacenet-112",
                "--version", "1.1.0", "--kind", "model", "--release", "3"};
        Object[] all = Arrays.copyOf(base, base.length + extra.length + 1);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        all[all.length - 1] = artifact;
        return cli(all);
    }

    private Path envelope() {
        return artifact.resolveSibling(artifact.getFileName() + ".signed.json");
    }

    @Test
    void keygenSignVerifyRoundTrip() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(operator.resolve("alice.key"))));
        CliRun sign = sign("--gateway", "pi4-door");
        assertEquals(0, sign.code(), sign.err());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(artifact)));
        assertTrue(sign.out().contains("key_id " + keyId + "\n"), sign.out());
        assertTrue(sign.out().contains("sha256 " + sha + "\n"), sign.out());
        assertTrue(sign.out().contains("size 200000\n"), sign.out());
        Manifest m = Manifest.parse(SignedManifest.parse(Files.readAllBytes(envelope())).manifestBytes());
        assertEquals(sha, m.sha256());
        assertEquals(keyId, m.keyId());
        assertEquals(3, m.release());

        CliRun verify = cli("verify", "--keys", trust, "--gateway", "pi4-door", envelope(), artifact);
        assertEquals(0, verify.code(), verify.out() + verify.err());
        assertTrue(verify.out().startsWith("ok\n"), verify.out());
    }

    @Test
    void aTamperedArtifactExitsTwoWithHashMismatch() throws Exception {
        assertEquals(0, sign("--gateway", "pi4-door").code());
        byte[] b = Files.readAllBytes(artifact);
        b[100_000] ^= 1;
        Files.write(artifact, b);
        CliRun verify = cli("verify", "--keys", trust, "--gateway", "pi4-door", envelope(), artifact);
        assertEquals(2, verify.code());
        assertTrue(verify.out().startsWith("hash_mismatch: "), verify.out());
        Files.write(artifact, Arrays.copyOf(b, 1000));
        verify = cli("verify", "--keys", trust, "--gateway", "pi4-door", envelope(), artifact);
        assertEquals(2, verify.code());
        assertTrue(verify.out().startsWith("truncated: "), verify.out());
    }

    @Test
    void aTamperedEnvelopeWrongTargetAndRevokedKeyExitTwo() throws Exception {
        assertEquals(0, sign("--group", "floor-1", "--out", dir.resolve("group.json")).code());
        Path env = dir.resolve("group.json");
        assertEquals(0, cli("verify", "--keys", trust, "--gateway", "pi4-door", "--groups", "entrance,floor-1", env,
                artifact).code());
        CliRun wrong = cli("verify", "--keys", trust, "--gateway", "pi4-door", "--groups", "entrance", env, artifact);
        assertEquals(2, wrong.code());
        assertTrue(wrong.out().startsWith("wrong_target: "), wrong.out());
        CliRun revoked = cli("verify", "--keys", trust, "--revoked", keyId, "--gateway", "pi4-door", "--groups", "floor-1",
                env, artifact);
        assertEquals(2, revoked.code());
        assertTrue(revoked.out().startsWith("revoked_key: "), revoked.out());
        CliRun unknown = cli("verify", "--keys", Files.createDirectory(dir.resolve("empty")), "--gateway", "pi4-door",
                "--groups", "floor-1", env, artifact);
        assertTrue(unknown.out().startsWith("unknown_key: "), unknown.out());

        String text = Files.readString(env);
        Files.writeString(env, text.replace("\"signature\":\"", "\"signature\":\"A"));
        CliRun bad = cli("verify", "--keys", trust, "--gateway", "pi4-door", "--groups", "floor-1", env, artifact);
        assertEquals(2, bad.code());
        assertTrue(bad.out().startsWith("malformed: ") || bad.out().startsWith("bad_signature: "), bad.out());
    }

    @Test
    void aReleaseTheLedgerHasSeenIsStaleAndARollbackToItIsNot() throws Exception {
        assertEquals(0, sign("--gateway", "pi4-door").code());
        Manifest m = Manifest.parse(SignedManifest.parse(Files.readAllBytes(envelope())).manifestBytes());
        Path ledgerFile = dir.resolve("data/releases.json");
        ReleaseLedger ledger = ReleaseLedger.open(ledgerFile);
        ledger.record(m);
        ledger.record(m.toBuilder().release(4).sha256("ab".repeat(32)).build());
        CliRun stale = cli("verify", "--keys", trust, "--gateway", "pi4-door", "--ledger", ledgerFile, envelope(), artifact);
        assertEquals(2, stale.code());
        assertTrue(stale.out().startsWith("stale_release: "), stale.out());

        Thread.sleep(5); // the rollback must be created after what the ledger holds
        assertEquals(0, sign("--gateway", "pi4-door", "--rollback").code());
        CliRun rollback = cli("verify", "--keys", trust, "--gateway", "pi4-door", "--ledger", ledgerFile, envelope(),
                artifact);
        assertEquals(0, rollback.code(), rollback.out());
        assertEquals(4, ReleaseLedger.open(ledgerFile).highestRelease(m.name()).getAsLong(), "verify records nothing");
    }

    @Test
    void signUninstallWritesAnUninstallManifestWithoutArtifact() throws Exception {
        Path out = dir.resolve("remove.json");
        CliRun sign = cli("sign", "--uninstall", "--key", operator.resolve("alice.key"), "--name",
                "io.facegate.model.mobilefacenet-112", "--version", "1.1.0", "--kind", "model", "--gateway", "pi4-door",
                "--release", "4", "--out", out);
        assertEquals(0, sign.code(), sign.err());
        assertEquals("key_id " + keyId + "\nuninstall io.facegate.model.mobilefacenet-112 1.1.0\nwrote " + out + "\n",
                sign.out());
        Manifest m = new ManifestVerifier(TrustedKeys.load(trust, List.of()))
                .verify(Files.readAllBytes(out), Gateway.of("pi4-door", List.of()), ReleaseLedger.inMemory());
        assertTrue(m.uninstall());
        assertFalse(m.rollback());
        assertEquals(0, m.size());
        assertEquals(Manifest.NO_ARTIFACT_SHA256, m.sha256());
        assertEquals("1.1.0", m.version());
        assertEquals(4, m.release());
        assertEquals(Path.of("io.x-1.0.uninstall.signed.json"), Sign.uninstallFile("io.x", "1.0"), "the default --out");

        Path featureOut = out.resolveSibling("feature-removal.json");
        CliRun feature = cli("sign", "--uninstall", "--key", operator.resolve("alice.key"), "--name", "f", "--version",
                "1", "--kind", "feature", "--gateway", "pi4-door", "--release", "5", "--out", featureOut);
        assertEquals(0, feature.code(), feature.err());
        Manifest removal = Manifest.parse(SignedManifest.parse(Files.readAllBytes(featureOut)).manifestBytes());
        assertTrue(removal.uninstall());
        assertEquals(Manifest.Kind.FEATURE, removal.kind(), "a feature archive is removed the same way");
    }

    @Test
    void aPrivateKeyOthersCanReadIsRefused() throws Exception {
        Files.setPosixFilePermissions(operator.resolve("alice.key"), PosixFilePermissions.fromString("rw-r--r--"));
        CliRun sign = sign("--gateway", "pi4-door");
        assertEquals(1, sign.code());
        assertTrue(sign.err().contains("accessible by group or others"), sign.err());
        assertFalse(Files.exists(envelope()));
    }

    @Test
    void keygenNeverReplacesAKey() throws Exception {
        byte[] before = Files.readAllBytes(operator.resolve("alice.key"));
        CliRun again = cli("keygen", "--out", operator, "--name", "alice");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("refusing to replace"), again.err());
        assertArrayEquals(before, Files.readAllBytes(operator.resolve("alice.key")));
        assertEquals(0, cli("keygen", "--out", operator).code());
        assertTrue(Files.exists(operator.resolve("operator.pub")));
    }

    @Test
    void badCommandLinesExitSixtyFourAndSayWhy() {
        assertEquals(64, cli().code());
        assertEquals(0, cli("--help").code());
        String[][] cases = {
                {"pull", "x"}, {"unknown command 'pull'"}, {"push", "x"}, {"--broker is required"},
                {"push", "--broker", "tcp://127.0.0.1:1", "--gateway", "g", "--chunk-kib", "0", "x"},
                {"--chunk-kib must be a positive integer"},
                {"sign", "--kind", "model", "--release", "1", "--gateway", "a", "--group", "b"}, {"exactly one of --gateway ID or --group G"},
                {"sign", "--kind", "jar", "--gateway", "a"}, {"--kind must be bundle, model or feature"},
                {"sign", "--kind", "model", "--gateway", "a", "--release", "0"}, {"--release must be a whole number"},
                {"sign", "--kind", "model", "--gateway", "a/b", "--release", "1"}, {"--gateway must be 1-64"},
                {"sign", "--version", "one", "--kind", "model", "--gateway", "a", "--release", "1"}, {"--version must be"},
                {"sign", "--uninstall", "--kind", "model", "--gateway", "a", "--release", "1"},
                {"--uninstall takes no ARTIFACT"},
                {"sign", "--uninstall", "--rollback", "--kind", "model", "--gateway", "a", "--release", "1"},
                {"--uninstall and --rollback exclude each other"},
                {"uninstall", "--gateway", "g", "e.json"}, {"--broker is required"},
                {"uninstall", "--broker", "tcp://127.0.0.1:1", "--gateway", "g", "--members", "a", "e.json"},
                {"--members goes with --group"},
                {"verify", "--keys", "k", "--gateway", "g", "only-one"}, {"expected ENVELOPE ARTIFACT"},
                {"verify", "--keys", "k", "--gateway", "g", "--revoked", "xyz", "a", "b"}, {"--revoked"},
                {"keygen", "--out"}, {"--out needs a value"},
                {"keygen", "--out", "d", "--name", "../x"}, {"--name must be"},
                {"keygen", "--out", "d", "--password", "x"}, {"unknown option --password"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            String[] args = cases[i];
            String[] full = args;
            if (args[0].equals("sign")) {
                full = concat(new String[] {"sign", "--key", operator.resolve("alice.key").toString(), "--name", "n"},
                        Arrays.copyOfRange(args, 1, args.length), new String[] {artifact.toString()});
                if (!Arrays.asList(args).contains("--version")) {
                    full = concat(full, new String[] {"--version", "1"});
                }
            }
            if (args[0].equals("verify")) {
                full = Arrays.stream(args).map(s -> s.equals("k") ? trust.toString() : s).toArray(String[]::new);
            }
            CliRun r = cli((Object[]) full);
            assertEquals(64, r.code(), Arrays.toString(full) + ": " + r.err());
            assertTrue(r.err().contains(cases[i + 1][0]), Arrays.toString(full) + ": " + r.err());
        }
    }

    private static String[] concat(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }
}
