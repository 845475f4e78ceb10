package io.facegate.mqtt.broker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A password file: one {@code user:<hash>} per line ({@link PasswordHash} forms), {@code #} comments and blank lines
 * ignored. A user name is everything before the first {@code :}. Read once at activation; a malformed file fails the
 * activation naming the file and the line, never repeating the line's content.
 */
final class PasswordStore {
    private final Path file;
    private final Map<String, PasswordHash> users;

    private PasswordStore(Path file, Map<String, PasswordHash> users) {
        this.file = file;
        this.users = Collections.unmodifiableMap(users);
    }

    /**
     * @param what the configuration key of the file, for messages
     * @param file the file; must be accessible by its owner only
     * @return its users
     * @throws IllegalArgumentException if it is missing, not private, unreadable or malformed
     */
    static PasswordStore load(String what, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        }
        SecretFiles.requirePrivate(what, file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(what, file, lines);
    }

    /**
     * @param what  the configuration key of the file, for messages
     * @param file  where the lines come from, for messages
     * @param lines the lines
     * @return the users they name
     * @throws IllegalArgumentException naming the first bad line
     */
    static PasswordStore parse(String what, Path file, List<String> lines) {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String user = colon > 0 ? line.substring(0, colon).strip() : "";
            if (user.isEmpty()) {
                throw new IllegalArgumentException(what + " " + file + " line " + (n + 1) + ": expected user:<hash>");
            }
            PasswordHash hash;
            try {
                hash = PasswordHash.parse(line.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " " + file + " line " + (n + 1) + ": " + e.getMessage());
            }
            if (users.put(user, hash) != null) {
                throw new IllegalArgumentException(what + " " + file + " line " + (n + 1) + ": user '" + user
                        + "' appears twice");
            }
        }
        return new PasswordStore(file, users);
    }

    /** @return one line of a password file, with its line end */
    static String line(String user, PasswordHash hash) {
        return user + ":" + hash.format() + "\n";
    }

    /** @return the file */
    Path file() {
        return file;
    }

    /** @return the users in file order, with their hashes */
    Map<String, PasswordHash> users() {
        return users;
    }
}
