package io.facegate.deploy.manifest;

import io.facegate.deploy.internal.OwnerOnly;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator keys a gateway accepts manifests from, by key id, and the key ids it no longer accepts. Immutable:
 * to take a changed folder or revocation list into account, load a new one.
 */
public final class TrustedKeys {
    /** Suggested folder name under {@code ${karaf.etc}}: one {@code *.pub} file per operator key. */
    public static final String DEFAULT_DIRECTORY = "facegate-deploy-keys";
    private static final int MAX_FILES = 1024;

    private final Map<String, PublicKey> keys;
    private final Set<String> revoked;

    private TrustedKeys(Map<String, PublicKey> keys, Set<String> revoked) {
        this.keys = Collections.unmodifiableMap(keys);
        this.revoked = Collections.unmodifiableSet(revoked);
    }

    /**
     * Loads every {@code *.pub} file of a folder (PEM Ed25519 public keys; the file names do not matter, each key's
     * id is computed from the key). Anyone who can add a file here can sign updates, so the folder and its keys must
     * not be writable by group or others.
     *
     * @param dir            the folder
     * @param revokedKeyIds  key ids refused even if their key is in the folder (16 hex characters each)
     * @return the keys
     * @throws IOException              if the folder is missing, writable by group or others, or a {@code *.pub}
     *                                  file is unreadable, writable by others, or no Ed25519 public key (the
     *                                  message names the file)
     * @throws IllegalArgumentException if a revoked key id is not 16 hex characters
     */
    public static TrustedKeys load(Path dir, Collection<String> revokedKeyIds) throws IOException {
        Set<String> revoked = revokedIds(revokedKeyIds);
        if (!Files.isDirectory(dir)) {
            throw new IOException("trusted keys folder " + dir + " does not exist");
        }
        refuseWritableByOthers(dir);
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        int files = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.pub")) {
            for (Path p : s) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                if (++files > MAX_FILES) {
                    throw new IOException("trusted keys folder " + dir + " has more than " + MAX_FILES + " keys");
                }
                refuseWritableByOthers(p);
                PublicKey key = Keys.readPublic(p);
                keys.put(Keys.keyId(key), key);
            }
        }
        return new TrustedKeys(keys, revoked);
    }

    /**
     * @param keys          trusted Ed25519 public keys
     * @param revokedKeyIds key ids refused even if their key is in {@code keys}
     * @return the keys
     * @throws IllegalArgumentException if a key is not Ed25519 or a revoked id not 16 hex characters
     */
    public static TrustedKeys of(Collection<? extends PublicKey> keys, Collection<String> revokedKeyIds) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey k : keys) {
            byId.put(Keys.keyId(k), k);
        }
        return new TrustedKeys(byId, revokedIds(revokedKeyIds));
    }

    private static Set<String> revokedIds(Collection<String> ids) {
        Set<String> out = new LinkedHashSet<>();
        for (String id : ids) {
            String normal = id.strip().toLowerCase(Locale.ROOT);
            if (!Syntax.keyId(normal)) {
                throw new IllegalArgumentException("revoked key id '" + id + "' is not 16 hex characters");
            }
            out.add(normal);
        }
        return out;
    }

    private static void refuseWritableByOthers(Path p) throws IOException {
        String mode = OwnerOnly.writableByOthers(p);
        if (mode != null) {
            throw new IOException(p + " is writable by group or others (" + mode + "); whoever can write there can "
                    + "sign updates: chmod go-w " + p);
        }
    }

    /**
     * @param keyId a manifest's {@code key_id}
     * @return the trusted key with that id (revoked or not: ask {@link #isRevoked(String)})
     */
    public Optional<PublicKey> lookup(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    /**
     * @param keyId a key id
     * @return whether it is revoked
     */
    public boolean isRevoked(String keyId) {
        return revoked.contains(keyId);
    }

    /** @return the ids of every key loaded, revoked ones included */
    public Set<String> keyIds() {
        return keys.keySet();
    }

    /** @return the revoked key ids */
    public Set<String> revokedKeyIds() {
        return revoked;
    }
}
