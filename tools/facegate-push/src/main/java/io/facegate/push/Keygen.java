package io.facegate.push;

import io.facegate.deploy.manifest.Keys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code keygen}: a new Ed25519 operator key pair, NAME.key (0600) and NAME.pub. */
final class Keygen {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Keygen() {}

    static int run(String[] argv, PrintStream out) throws UsageException, IOException {
        Args a = Args.parse(argv, Set.of("--out", "--name"), Set.of());
        a.operands(0, "no operands");
        Path dir = Path.of(a.required("--out"));
        String name = a.get("--name") == null ? "operator" : a.get("--name");
        if (!NAME.matcher(name).matches()) {
            throw new UsageException("--name must be 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        Path key = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        for (Path p : new Path[] {key, pub}) {
            if (Files.exists(p)) {
                throw new IOException(p + " exists; refusing to replace a key (choose another --name or --out)");
            }
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        KeyPair pair = Keys.generate();
        Keys.writePrivate(key, pair.getPrivate());
        try {
            Keys.writePublic(pub, pair.getPublic());
        } catch (IOException e) {
            Files.deleteIfExists(key); // half a pair is of no use
            throw e;
        }
        out.println("key_id " + Keys.keyId(pair.getPublic()));
        out.println("wrote " + key + " (private, mode 0600: keep it on the operator's machine)");
        out.println("wrote " + pub + " (copy it into the gateways' etc/facegate-deploy-keys/)");
        return PushCli.OK;
    }
}
