package io.facegate.push;

import io.facegate.deploy.manifest.Gateway;
import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ManifestVerifier;
import io.facegate.deploy.manifest.ReleaseLedger;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.TrustedKeys;
import io.facegate.deploy.manifest.VerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code verify}: an envelope and its artifact, checked exactly as a gateway checks them; nothing is recorded. */
final class Verify {
    private Verify() {}

    static int run(String[] argv, PrintStream out) throws UsageException, IOException {
        Args a = Args.parse(argv, Set.of("--keys", "--revoked", "--gateway", "--groups", "--ledger"), Set.of());
        List<String> files = a.operands(2, "ENVELOPE ARTIFACT");
        Gateway self;
        try {
            self = Gateway.of(a.required("--gateway"), a.list("--groups"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--gateway and --groups: " + e.getMessage());
        }
        TrustedKeys keys;
        try {
            keys = TrustedKeys.load(Path.of(a.required("--keys")), a.list("--revoked"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--revoked: " + e.getMessage());
        }
        ReleaseLedger ledger = a.get("--ledger") == null ? ReleaseLedger.inMemory()
                : ReleaseLedger.open(Path.of(a.get("--ledger")));
        byte[] envelope = readBounded(Path.of(files.get(0)));
        try {
            Manifest m = new ManifestVerifier(keys).verify(envelope, self, ledger);
            ManifestVerifier.verifyArtifact(m, Path.of(files.get(1)));
            out.println("ok");
            out.println(m);
            return PushCli.OK;
        } catch (VerificationException e) {
            out.println(e.reason().code() + ": " + e.getMessage());
            return PushCli.REJECTED;
        }
    }

    /** One byte more than an envelope may have is enough to refuse it; a huge file is never read whole. */
    private static byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(SignedManifest.MAX_BYTES + 1);
        }
    }
}
