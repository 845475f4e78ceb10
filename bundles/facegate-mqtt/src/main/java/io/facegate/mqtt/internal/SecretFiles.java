package io.facegate.mqtt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Reads secrets (passwords) from files only their owner can read; the value is never logged. */
final class SecretFiles {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFiles() {
    }

    /**
     * @param key  the configuration key naming the file, for the message
     * @param file the file: its first line is the secret
     * @return the secret, without the line end
     * @throws IOException if it is missing, empty, or readable by group or others (mode must be 0600 or 0400)
     */
    static char[] read(String key, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(key + ": no such file " + file);
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            perms.retainAll(OTHERS);
            if (!perms.isEmpty()) {
                throw new IOException(key + ": " + file + " is accessible by group or others (" + perms
                        + "); chmod 600 it");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = (end < 0 ? text : text.substring(0, end)).strip();
        if (line.isEmpty()) {
            throw new IOException(key + ": " + file + " is empty");
        }
        return line.toCharArray();
    }
}
