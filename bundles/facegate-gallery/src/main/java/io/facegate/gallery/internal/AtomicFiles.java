package io.facegate.gallery.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.OpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file replacement: the bytes go to a temporary file in the target's
 * directory, are forced to the device, and the temporary file is then renamed
 * over the target with {@link StandardCopyOption#ATOMIC_MOVE}; finally the
 * directory is forced so the rename itself is durable. A reader therefore sees
 * either the old or the new content, never a mix; a crash leaves at most a
 * stray {@code *.tmp} file, which {@link #isTemp(Path)} recognises. Files are
 * created readable by their owner only ({@link OwnerOnly}).
 */
class AtomicFiles {
    /** Suffix of temporary files; no committed file of the gallery ends with it. */
    static final String TEMP_SUFFIX = ".tmp";
    private static final Set<OpenOption> CREATE_NEW = Set.copyOf(EnumSet.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE));

    /** Test seam: called before each write, rename and deletion, may throw to simulate a full disk. */
    interface Hook {
        /**
         * @param target the file about to be written, renamed into place or deleted
         * @param stage  {@code "write"}, {@code "move"} or {@code "delete"}
         * @throws IOException to make the operation fail
         */
        void before(Path target, String stage) throws IOException;
    }

    private final Hook hook;
    private final boolean sync;

    /** Durable writes: data and directory entries are forced to the device. */
    AtomicFiles() {
        this((target, stage) -> { }, true);
    }

    /**
     * @param hook called before every write and rename
     * @param sync whether to force data and directories to the device; only tests turn it off
     *             (atomicity does not depend on it, durability across power loss does)
     */
    AtomicFiles(Hook hook, boolean sync) {
        this.hook = hook;
        this.sync = sync;
    }

    /**
     * Atomically replaces (or creates) {@code target} with {@code data}.
     *
     * @param target file to write; its directory must exist
     * @param data   the complete new content
     * @throws IOException if the write, the flush or the rename fails; the target is then unchanged
     *                     and the temporary file has been removed
     */
    void write(Path target, byte[] data) throws IOException {
        Path tmp = tempFor(target);
        try {
            hook.before(target, "write");
            try (FileChannel ch = FileChannel.open(tmp, CREATE_NEW, OwnerOnly.file(tmp))) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (sync) {
                    ch.force(true);
                }
            }
            move(tmp, target);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(target.getParent());
    }

    /**
     * Atomically replaces {@code target} like {@link #write(Path, byte[])}, but first
     * renames the current {@code target} (if any) to {@code backup}, so the previous
     * content survives as a fallback. A crash between the two renames leaves no
     * {@code target} and the previous content in {@code backup}: still the last good state.
     *
     * @param target file to write
     * @param backup where the previous content goes, same directory
     * @param data   the complete new content
     * @throws IOException if the update fails; {@code target} then holds the previous content,
     *                     or, if even restoring it failed, {@code backup} does
     */
    void writeKeepingBackup(Path target, Path backup, byte[] data) throws IOException {
        Path tmp = tempFor(target);
        boolean rotated = false;
        try {
            hook.before(target, "write");
            try (FileChannel ch = FileChannel.open(tmp, CREATE_NEW, OwnerOnly.file(tmp))) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (sync) {
                    ch.force(true);
                }
            }
            if (Files.exists(target)) {
                move(target, backup);
                rotated = true;
            }
            move(tmp, target);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
                if (rotated && !Files.exists(target)) {
                    Files.move(backup, target, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(target.getParent());
    }

    /**
     * Atomically renames {@code source} to {@code target}, replacing it.
     *
     * @param source an existing file
     * @param target its new name, in the same directory
     * @throws IOException if the rename fails; nothing changed then
     */
    void move(Path source, Path target) throws IOException {
        hook.before(target, "move");
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + target.getParent()
                    + " cannot rename atomically; the gallery needs a local POSIX-like file system", e);
        }
    }

    /**
     * Deletes a file or an empty directory (its directory entry is forced by the caller, once per batch).
     *
     * @param target a file or empty directory
     * @return whether it existed
     * @throws IOException if it could not be deleted
     */
    boolean delete(Path target) throws IOException {
        hook.before(target, "delete");
        return Files.deleteIfExists(target);
    }

    /**
     * Forces a directory's entries to the device, so renames and deletions in it are durable.
     * A file system that cannot sync directories is tolerated (the rename is still atomic).
     *
     * @param dir a directory
     */
    void syncDirectory(Path dir) {
        if (dir == null || !sync) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on every platform (e.g. Windows); the data itself was forced already
        }
    }

    /**
     * @param file a path
     * @return whether it is a temporary file left behind by an interrupted write
     */
    static boolean isTemp(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().startsWith(".") && name.toString().endsWith(TEMP_SUFFIX);
    }

    private static Path tempFor(Path target) {
        String rnd = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return target.resolveSibling("." + target.getFileName() + "." + rnd + TEMP_SUFFIX);
    }
}
