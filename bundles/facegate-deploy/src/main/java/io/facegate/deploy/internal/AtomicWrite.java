package io.facegate.deploy.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/**
 * Replaces a file all at once: the new content goes to {@code <name>.tmp} in the same folder (0600), is forced to
 * disk, and is renamed over the old file; then the folder is forced so the rename survives a power cut. A crash at
 * any point leaves the old file or the new one, never a mix; a leftover {@code .tmp} was never committed.
 */
public final class AtomicWrite {
    /** Test hook: called at each step before the rename; throwing there simulates a failure at that step. */
    public interface Fault {
        void at(String step) throws IOException;
    }

    public static final Fault NONE = step -> {
    };

    private AtomicWrite() {
    }

    public static Path temp(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    public static void replace(Path target, byte[] bytes, Fault fault) throws IOException {
        Path tmp = temp(target);
        Files.deleteIfExists(tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), OwnerOnly.file(tmp))) {
                int half = bytes.length / 2;
                writeFully(ch, ByteBuffer.wrap(bytes, 0, half));
                fault.at("half-written");
                writeFully(ch, ByteBuffer.wrap(bytes, half, bytes.length - half));
                fault.at("written");
                ch.force(true);
            }
            fault.at("synced");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        forceDirectory(target.toAbsolutePath().getParent());
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open or force a folder; the rename itself is still atomic
        }
    }
}
