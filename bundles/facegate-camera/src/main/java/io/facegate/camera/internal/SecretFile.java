package io.facegate.camera.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a secret (a password, a URL with credentials) from the first line of a file only its owner
 * can access, as the MQTT bundle's password files. Read again on every connect attempt, so a rotated
 * secret needs no restart. The value is never logged.
 */
final class SecretFile {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** A secret is one short line; a bigger file is a mistake (or not the file meant). */
    private static final long MAX_BYTES = 64 * 1024;

    private SecretFile() {
    }

    /**
     * @param key  the configuration key naming the file, for the message
     * @param file the file
     * @return its first line, stripped
     * @throws IOException if it is missing, empty, too big, or accessible by group or others (use 0600 or 0400)
     */
    static String firstLine(String key, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(key + ": no such file " + file);
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            perms.retainAll(GROUP_OR_OTHERS);
            if (!perms.isEmpty()) {
                throw new IOException(key + ": " + file + " is accessible by group or others (" + perms
                        + "); chmod 600 it");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(key + ": " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = (end < 0 ? text : text.substring(0, end)).strip();
        if (line.isEmpty()) {
            throw new IOException(key + ": " + file + " is empty");
        }
        return line;
    }
}
