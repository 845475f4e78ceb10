package io.facegate.push;

import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ManifestVerifier;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.Target;
import io.facegate.deploy.manifest.VerificationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the CLI can know of an envelope before anything is sent: that it parses, that it goes with this command
 * (install, rollback or uninstall), that it addresses the target given and, when the artifact is at hand, that it
 * signs that artifact. Every gateway addressed would refuse it otherwise; the signature and the release are left to
 * the gateways ({@code verify} checks them against a copy of a gateway's keys and ledger).
 */
final class EnvelopeCheck {
    /** The command an envelope goes with, from its manifest's flags. */
    enum Use {
        INSTALL("install", "push"),
        ROLLBACK("rollback", "rollback"),
        UNINSTALL("uninstall", "uninstall");

        private final String word;
        private final String command;

        Use(String word, String command) {
            this.word = word;
            this.command = command;
        }

        static Use of(Manifest m) {
            return m.uninstall() ? UNINSTALL : m.rollback() ? ROLLBACK : INSTALL;
        }
    }

    private EnvelopeCheck() {
    }

    /**
     * @param envelopeFile the envelope
     * @param use          the command it is sent with
     * @param gateway      the {@code --gateway}, or {@code null}
     * @param group        the {@code --group}, or {@code null}
     * @return its manifest
     * @throws UsageException for another command's envelope, or another target's
     * @throws IOException    if it cannot be read or is no envelope
     */
    static Manifest check(Path envelopeFile, Use use, String gateway, String group)
            throws UsageException, IOException {
        Manifest m;
        try {
            m = Manifest.parse(SignedManifest.parse(Files.readAllBytes(envelopeFile)).manifestBytes());
        } catch (VerificationException e) {
            throw new IOException(envelopeFile + ": " + e.getMessage());
        }
        if (group != null && !m.target().equals(Target.group(group))) {
            throw new UsageException(envelopeFile + " is signed for " + m.target() + ", not group " + group
                    + ": sign it with --group " + group);
        }
        // a group's envelope may go to one gateway: only the gateway knows its groups
        if (gateway != null && m.target().scope() == Target.Scope.GATEWAY && !m.target().value().equals(gateway)) {
            throw new UsageException(envelopeFile + " is signed for " + m.target() + ", not gateway " + gateway
                    + ": sign it with --gateway " + gateway);
        }
        Use is = Use.of(m);
        if (is != use && use == Use.INSTALL) {
            throw new UsageException(envelopeFile + " is " + (is == Use.UNINSTALL ? "an " : "a ") + is.word
                    + " manifest: send it with '" + is.command + "'");
        }
        if (is != use) {
            throw new UsageException(envelopeFile + " is no " + use.word + " manifest: sign it with --" + use.word);
        }
        return m;
    }

    /** A wrong artifact would fail on every gateway: say so before it is sent or fetched anywhere. */
    static void artifact(Manifest m, Path envelopeFile, Path artifact) throws IOException {
        try {
            ManifestVerifier.verifyArtifact(m, artifact);
        } catch (VerificationException e) {
            throw new IOException(artifact + " is not the artifact " + envelopeFile + " signs: "
                    + e.reason().code() + ": " + e.getMessage());
        }
    }
}
