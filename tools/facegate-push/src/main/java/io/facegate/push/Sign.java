package io.facegate.push;

import io.facegate.deploy.manifest.ArtifactDigest;
import io.facegate.deploy.manifest.Keys;
import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ManifestSigner;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * {@code sign}: the manifest of one artifact, signed, written as an envelope next to it; with {@code --uninstall},
 * the manifest that removes an installed bundle, which has no artifact.
 */
final class Sign {
    private Sign() {}

    static int run(String[] argv, PrintStream out) throws UsageException, IOException {
        Args a = Args.parse(argv, Set.of("--key", "--pub", "--name", "--version", "--kind", "--gateway", "--group",
                "--release", "--out"), Set.of("--rollback", "--uninstall"));
        boolean uninstall = a.flag("--uninstall");
        if (uninstall && a.flag("--rollback")) {
            throw new UsageException("--uninstall and --rollback exclude each other (to undo a removal, sign a"
                    + " rollback of the release it had)");
        }
        if (uninstall && a.hasOperands()) {
            throw new UsageException("--uninstall takes no ARTIFACT: it removes the installed bundle --name at"
                    + " --version");
        }
        Path artifact = uninstall ? null : Path.of(a.operands(1, "one ARTIFACT").get(0));
        Path keyFile = Path.of(a.required("--key"));
        Path pubFile = a.get("--pub") != null ? Path.of(a.get("--pub")) : publicKeyBeside(keyFile);
        Manifest.Builder b = Manifest.builder()
                .name(a.required("--name"))
                .version(a.required("--version"))
                .kind(kind(a.required("--kind")))
                .target(target(a))
                .release(release(a.required("--release")))
                .rollback(a.flag("--rollback"))
                .uninstall(uninstall)
                // milliseconds: a rollback must be created after the manifest it follows
                .created(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        if (artifact != null && !Files.isRegularFile(artifact)) {
            throw new IOException("no such artifact " + artifact);
        }

        PrivateKey key = Keys.readPrivate(keyFile);
        PublicKey pub = Keys.readPublic(pubFile);
        ManifestSigner signer;
        try {
            signer = new ManifestSigner(key, pub);
        } catch (InvalidKeyException e) {
            throw new IOException(keyFile + " and " + pubFile + ": " + e.getMessage());
        }
        ArtifactDigest digest = artifact == null ? null : ArtifactDigest.of(artifact);
        Manifest manifest;
        try {
            manifest = (digest == null ? b.noArtifact() : b.artifact(digest)).keyId(signer.keyId()).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option(e.getMessage()));
        }
        SignedManifest envelope = signer.sign(manifest);
        Path target = a.get("--out") != null ? Path.of(a.get("--out"))
                : artifact == null ? uninstallFile(manifest.name(), manifest.version())
                : artifact.resolveSibling(artifact.getFileName() + ".signed.json");
        Files.write(target, envelope.encode());
        out.println("key_id " + signer.keyId());
        if (digest == null) {
            out.println("uninstall " + manifest.name() + " " + manifest.version());
        } else {
            out.println("sha256 " + digest.sha256());
            out.println("size " + digest.size());
        }
        out.println("wrote " + target);
        return PushCli.OK;
    }

    /**
     * There is no artifact to name it after: {@code NAME-VERSION.uninstall.signed.json} in the current directory
     * (both are checked by then, and a symbolic name and a version are safe as a file name).
     */
    static Path uninstallFile(String name, String version) {
        return Path.of(name + "-" + version + ".uninstall.signed.json");
    }

    /** op.key -> op.pub, as keygen writes them; any other name gets .pub appended. */
    private static Path publicKeyBeside(Path keyFile) {
        String n = keyFile.getFileName().toString();
        String pub = n.endsWith(".key") ? n.substring(0, n.length() - 4) + ".pub" : n + ".pub";
        return keyFile.resolveSibling(pub);
    }

    private static Manifest.Kind kind(String s) throws UsageException {
        Manifest.Kind k;
        try {
            k = Manifest.Kind.ofCode(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kind must be bundle, model or feature");
        }
        return k;
    }

    private static Target target(Args a) throws UsageException {
        String gateway = a.get("--gateway");
        String group = a.get("--group");
        if ((gateway == null) == (group == null)) {
            throw new UsageException("give exactly one of --gateway ID or --group G");
        }
        try {
            return gateway != null ? Target.gateway(gateway) : Target.group(group);
        } catch (IllegalArgumentException e) {
            throw new UsageException((gateway != null ? "--gateway" : "--group")
                    + " must be 1-64 of A-Z a-z 0-9 . _ -");
        }
    }

    private static long release(String s) throws UsageException {
        try {
            long r = Long.parseLong(s);
            if (r >= 1) {
                return r;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new UsageException("--release must be a whole number >= 1, increasing with every release of --name");
    }

    /** The manifest names fields ('key_id'); the operator typed options. */
    private static String option(String message) {
        return message.replace("field 'name'", "--name").replace("field 'version'", "--version");
    }
}
