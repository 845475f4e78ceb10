package io.facegate.mqtt.internal;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File helpers of the outbox: private permissions, directory sync, I/O that an interrupt cannot break. */
final class OutboxFiles {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxFiles.class);

    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<OpenOption> CREATE_WRITE = Set.of(StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    static final Set<OpenOption> CREATE_READ_WRITE = Set.of(StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE);

    /** One file operation. */
    interface IoCall<T> {
        T call() throws IOException;
    }

    private OutboxFiles() {
    }

    /**
     * Runs a file operation with the thread's interrupt status cleared, and restores it afterwards. A
     * {@link FileChannel} is closed for good by an interrupt of a thread using it: an appending thread that
     * happens to be interrupted must neither lose its record nor break the outbox for everyone else.
     *
     * @param call the operation; called again (at most twice) when an interrupt during it closed its channel,
     *             so it must be repeatable (positional writes, force, reads, whole-file replacement)
     * @param <T>  its result
     * @return its result
     * @throws IOException what the operation threw
     */
    static <T> T uninterruptibly(IoCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1;; attempt++) {
                try {
                    return call.call();
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @param dir a directory on the outbox's file system
     * @return the attributes that create a file with mode 0600, none where the file system is not POSIX
     */
    static FileAttribute<?>[] fileAttributes(Path dir) {
        return isPosix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
    }

    /**
     * Creates the directory with mode 0700 where missing, and removes group and other permissions from an
     * existing one.
     *
     * @param dir the outbox directory
     * @throws IOException if it cannot be created or is not a directory
     */
    static void ensurePrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (isPosix(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                // createDirectories is subject to the umask, which only removes bits; still set it explicitly
                Files.setPosixFilePermissions(dir, DIR_MODE);
            } else {
                Files.createDirectories(dir);
            }
            return;
        }
        restrict(dir, DIR_MODE);
    }

    /**
     * Gives a file or directory the mode, logging where it had more permissions.
     *
     * @param path a file or directory of the outbox
     * @param mode {@link #FILE_MODE} or {@link #DIR_MODE}
     */
    static void restrict(Path path, Set<PosixFilePermission> mode) {
        if (!isPosix(path)) {
            return;
        }
        try {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(path);
            if (!now.equals(mode)) {
                Files.setPosixFilePermissions(path, mode);
                LOG.info("outbox: {} had mode {}, set to {}", path, PosixFilePermissions.toString(now),
                        PosixFilePermissions.toString(mode));
            }
        } catch (IOException e) {
            LOG.warn("outbox: cannot restrict the permissions of {}: {}", path, e.toString());
        }
    }

    /**
     * Forces a directory's entries to the device, so creations and renames in it are durable. A platform that
     * cannot open directories (Windows) is tolerated.
     *
     * @param dir    the directory
     * @param tuning sync switch and fault seam
     * @throws IOException if the force fails
     */
    static void syncDirectory(Path dir, OutboxTuning tuning) throws IOException {
        if (!tuning.sync()) {
            tuning.faults().before("force", dir);
            return;
        }
        uninterruptibly(() -> {
            tuning.faults().before("force", dir);
            FileChannel ch;
            try {
                ch = FileChannel.open(dir, StandardOpenOption.READ);
            } catch (IOException | UnsupportedOperationException e) {
                return null; // directories cannot be opened here; the files themselves are forced
            }
            try (ch) {
                ch.force(true);
            }
            return null;
        });
    }

    private static boolean isPosix(Path path) {
        return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
