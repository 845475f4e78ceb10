package io.facegate.mqtt.broker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's own credentials in {@code credentials_dir}: for every managed user a secret file
 * {@value #SECRET_PREFIX}{@code <user>}{@value #SECRET_SUFFIX} holding its password (the password only, no line
 * end, mode 0600) and one password store {@value #STORE_NAME} (0600) holding their hashes. Missing ones are made at
 * activation; existing ones are reused and never changed. For each user:
 * <ul>
 * <li>in the store, secret file present: both reused (a secret that does not match the store is reported);</li>
 * <li>in the store, no secret file: the store entry is kept (the secret may have been moved elsewhere);</li>
 * <li>not in the store, secret file present: the secret's hash is added to the store;</li>
 * <li>neither: a random password (256 bits, URL-safe Base64) is written to a new secret file, then its hash added.</li>
 * </ul>
 * The secret is written before the store, both atomically, so a power cut leaves at worst a secret whose hash the
 * next activation adds. Passwords are never logged.
 */
final class CredentialFiles {
    static final String STORE_NAME = "facegate-mqtt-broker.passwd";
    static final String SECRET_PREFIX = "facegate-mqtt-";
    static final String SECRET_SUFFIX = ".secret";
    private static final int PASSWORD_BYTES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(CredentialFiles.class);

    private CredentialFiles() {
    }

    /** @return the secret file of a user */
    static Path secretFile(Path dir, String user) {
        return dir.resolve(SECRET_PREFIX + user + SECRET_SUFFIX);
    }

    /**
     * @param random source of passwords
     * @return a new password: {@value #PASSWORD_BYTES} random bytes in unpadded URL-safe Base64 (43 characters)
     */
    static String newPassword(SecureRandom random) {
        byte[] bytes = new byte[PASSWORD_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Makes sure every user has credentials, as described above.
     *
     * @param dir    {@code credentials_dir}; created 0700 if missing
     * @param users  the managed users (valid user names)
     * @param random source of passwords and salts
     * @return the password store, with every user of {@code users} in it
     * @throws IllegalArgumentException if an existing file is malformed or accessible by group or others
     * @throws IllegalStateException    if a file cannot be written
     */
    static PasswordStore ensure(Path dir, Collection<String> users, SecureRandom random) {
        Path storeFile = dir.resolve(STORE_NAME);
        try {
            SecretFiles.createPrivateDirectory(dir);
        } catch (IOException e) {
            throw new IllegalStateException("credentials_dir " + dir + " cannot be created: " + e, e);
        }
        String existing = "";
        PasswordStore store;
        if (Files.exists(storeFile)) {
            store = PasswordStore.load("password store", storeFile);
            try {
                existing = Files.readString(storeFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("password store " + storeFile + " cannot be read: " + e, e);
            }
        } else {
            store = PasswordStore.parse("password store", storeFile, List.of());
        }

        StringBuilder added = new StringBuilder();
        List<String> addedUsers = new ArrayList<>();
        for (String user : users) {
            Path secret = secretFile(dir, user);
            PasswordHash known = store.users().get(user);
            if (known != null) {
                if (Files.exists(secret)) {
                    String password = SecretFiles.read("secret file", secret);
                    if (!known.verify(password.getBytes(StandardCharsets.UTF_8))) {
                        LOG.warn("MQTT broker: {} does not hold the password of user '{}' in {}; clients using that"
                                + " file will be refused", secret, user, storeFile);
                    }
                }
                continue;
            }
            String password;
            if (Files.exists(secret)) {
                password = SecretFiles.read("secret file", secret);
            } else {
                password = newPassword(random);
                write(secret, password, false);
                LOG.info("MQTT broker: created a password for user '{}' in {}", user, secret);
            }
            added.append(PasswordStore.line(user, PasswordHash.pbkdf2(password, random)));
            addedUsers.add(user);
        }
        if (addedUsers.isEmpty()) {
            return store;
        }
        String header = existing.isEmpty()
                ? "# facegate embedded MQTT broker: user:<hash> per line, see the bundle's README. The passwords are"
                + " in\n# facegate-mqtt-<user>.secret next to this file.\n"
                : existing.endsWith("\n") ? "" : "\n";
        write(storeFile, existing + header + added, true);
        LOG.info("MQTT broker: added users {} to {}", addedUsers, storeFile);
        return PasswordStore.load("password store", storeFile);
    }

    private static void write(Path file, String content, boolean replace) {
        try {
            SecretFiles.writeAtomically(file, content, replace);
        } catch (IOException e) {
            throw new IllegalStateException("credentials_dir: cannot write " + file + ": " + e, e);
        }
    }
}
