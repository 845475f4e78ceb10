package io.facegate.deploy.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 and length of an artifact, computed by streaming (artifacts may be tens of MB).
 *
 * @param sha256 64 lower-case hex
 * @param size   bytes
 */
public record ArtifactDigest(String sha256, long size) {
    static final int BUFFER = 64 * 1024;

    /**
     * @param in the artifact's bytes; read to the end, not closed
     * @return their digest
     * @throws IOException if reading fails
     */
    public static ArtifactDigest of(InputStream in) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[BUFFER];
        long size = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
            size += n;
        }
        return new ArtifactDigest(Syntax.HEX.formatHex(md.digest()), size);
    }

    /**
     * @param file an artifact
     * @return its digest
     * @throws IOException if it cannot be read
     */
    public static ArtifactDigest of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in);
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
