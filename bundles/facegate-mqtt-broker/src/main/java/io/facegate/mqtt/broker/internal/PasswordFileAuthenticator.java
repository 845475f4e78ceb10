package io.facegate.mqtt.broker.internal;

import io.moquette.broker.security.IAuthenticator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks MQTT credentials against a password file in Moquette's format: one {@code user:sha256hex} per line (the
 * hex SHA-256 of the UTF-8 password, e.g. {@code printf %s 'secret' | sha256sum}), {@code #} comments and blank
 * lines ignored. Read once at activation; a malformed file fails the activation, naming the line.
 */
final class PasswordFileAuthenticator implements IAuthenticator {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    private final Map<String, byte[]> sha256ByUser;

    private PasswordFileAuthenticator(Map<String, byte[]> sha256ByUser) {
        this.sha256ByUser = sha256ByUser;
    }

    /**
     * @param file the password file
     * @return the authenticator
     * @throws IllegalArgumentException if the file cannot be read, is malformed or names no user
     */
    static PasswordFileAuthenticator load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("password_file " + file + " cannot be read: " + e.getMessage(), e);
        }
        Map<String, byte[]> users = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.lastIndexOf(':');
            String user = colon > 0 ? line.substring(0, colon).strip() : "";
            String hash = colon > 0 ? line.substring(colon + 1).strip() : "";
            if (user.isEmpty() || !HEX64.matcher(hash).matches()) {
                throw new IllegalArgumentException("password_file " + file + " line " + (n + 1)
                        + ": expected user:<64 hex digits of SHA-256(password)>");
            }
            if (users.put(user, HexFormat.of().parseHex(hash)) != null) {
                throw new IllegalArgumentException("password_file " + file + " line " + (n + 1) + ": user '" + user
                        + "' appears twice");
            }
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("password_file " + file + " names no user");
        }
        return new PasswordFileAuthenticator(Map.copyOf(users));
    }

    /** @return how many users the file names */
    int users() {
        return sha256ByUser.size();
    }

    @Override
    public boolean checkValid(String clientId, String username, byte[] password) {
        if (username == null || password == null) {
            return false;
        }
        byte[] expected = sha256ByUser.get(username);
        if (expected == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(password));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
