package io.facegate.mqtt.broker.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that hold secrets: read only when no one but their owner can access them, written atomically (a temporary
 * file created 0600 in the same folder, flushed to disk, then renamed over the target) and never logged. On a file
 * system without POSIX permissions (not a gateway's) the permission rules are not checked.
 */
final class SecretFiles {
    static final Set<PosixFilePermission> OWNER_RW = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    static final Set<PosixFilePermission> OWNER_RWX = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFiles() {
    }

    /**
     * Refuses a secret file that group or others may access: its secret may already be known, and fixing the mode
     * quietly would hide that.
     *
     * @param what the configuration key or role of the file, for the message
     * @param file the file
     * @throws IllegalArgumentException if the file is accessible by group or others, or its mode cannot be read
     */
    static void requirePrivate(String what, Path file) {
        try {
            Set<PosixFilePermission> open = Files.getPosixFilePermissions(file);
            open.retainAll(GROUP_OR_OTHERS);
            if (!open.isEmpty()) {
                throw new IllegalArgumentException(what + " " + file + " is accessible by group or others "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                        + ": chmod 600 it (and consider the secret known: delete it to get a new one)");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: no mode to check
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @param what the configuration key or role of the file, for the message
     * @param file a file whose first line is the secret
     * @return that line without surrounding white space
     * @throws IllegalArgumentException if the file is missing, not private, unreadable or empty
     */
    static String read(String what, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        }
        requirePrivate(what, file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
        int end = text.indexOf('\n');
        String line = (end < 0 ? text : text.substring(0, end)).strip();
        if (line.isEmpty()) {
            throw new IllegalArgumentException(what + " " + file + " is empty");
        }
        return line;
    }

    /**
     * Creates a folder (and its parents) with mode 0700 if it is missing; an existing one is left as it is.
     *
     * @param dir the folder
     * @throws IOException if it cannot be created
     */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * Writes a file with mode 0600 so that it holds either its old or its new content, even across a power cut.
     *
     * @param file    the target
     * @param content the new content
     * @param replace whether an existing file may be replaced; if not and it exists, fails
     * @throws IOException on failure (the target is then unchanged)
     */
    static void writeAtomically(Path file, String content, boolean replace) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        FileAttribute<?>[] attrs = posix(dir)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (!replace && Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean posix(Path anyPath) throws IOException {
        Path p = anyPath.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p != null && Files.getFileStore(p).supportsFileAttributeView("posix");
    }

    /** Makes the rename durable: on Linux a folder opened for reading can be fsync'ed. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not possible on every OS or file system; the rename itself has happened
        }
    }
}
