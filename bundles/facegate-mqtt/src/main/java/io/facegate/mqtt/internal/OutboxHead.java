package io.facegate.mqtt.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;

/**
 * The outbox's small head file: how far delivery got, the next sequence number and the total of dropped
 * records. It is replaced atomically (temporary file, force, rename, force of the directory), so a reader sees
 * the old or the new content, never a mix; a crash leaves at most {@link #TEMP_NAME}, removed at the next open.
 *
 * <pre>
 * magic "FGOH" (4 bytes), version (int32, 1), delivered (int64), nextSeq (int64), droppedTotal (int64),
 * CRC-32C of the 32 bytes before it (int32)
 * </pre>
 *
 * @param delivered    every record with a sequence number up to this one was acknowledged (or dropped)
 * @param nextSeq      the next sequence number to assign, at least
 * @param droppedTotal records dropped by the overflow policy over the directory's life
 */
record OutboxHead(long delivered, long nextSeq, long droppedTotal) {
    static final String NAME = "head";
    static final String TEMP_NAME = ".head.tmp";
    /** "FGOH": facegate outbox head. */
    private static final int MAGIC = 0x46474f48;
    private static final int SIZE = 36;

    /** What {@link #read} found: a head, or none with the reason. */
    record Read(OutboxHead head, String problem) {
    }

    /**
     * @param dir the outbox directory
     * @return the head, or no head and why: missing, or damaged (wrong size, magic, version or CRC)
     * @throws IOException if the file exists and cannot be read
     */
    static Read read(Path dir) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(NAME));
        } catch (NoSuchFileException e) {
            return new Read(null, "missing");
        }
        if (bytes.length != SIZE) {
            return new Read(null, "damaged (" + bytes.length + " bytes, expected " + SIZE + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        if (b.getInt(0) != MAGIC || b.getInt(SIZE - 4) != (int) crc.getValue()) {
            return new Read(null, "damaged (bad magic or CRC)");
        }
        if (b.getInt(4) != OutboxFormat.VERSION) {
            throw new IOException("outbox head file " + dir.resolve(NAME) + " has format version " + b.getInt(4)
                    + "; this version reads " + OutboxFormat.VERSION);
        }
        OutboxHead head = new OutboxHead(b.getLong(8), b.getLong(16), b.getLong(24));
        if (head.delivered < 0 || head.nextSeq < 1 || head.droppedTotal < 0) {
            return new Read(null, "damaged (impossible values " + head + ")");
        }
        return new Read(head, null);
    }

    /**
     * Atomically replaces the head file.
     *
     * @param dir    the outbox directory
     * @param tuning sync and fault seam
     * @throws IOException if writing, forcing or renaming fails; the previous head file is then unchanged
     */
    void write(Path dir, OutboxTuning tuning) throws IOException {
        Path target = dir.resolve(NAME);
        Path tmp = dir.resolve(TEMP_NAME);
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(MAGIC).putInt(OutboxFormat.VERSION).putLong(delivered).putLong(nextSeq).putLong(droppedTotal);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt((int) crc.getValue()).flip();
        OutboxFiles.uninterruptibly(() -> {
            tuning.faults().before("head", target);
            try (FileChannel ch = FileChannel.open(tmp, OutboxFiles.CREATE_WRITE, OutboxFiles.fileAttributes(dir))) {
                ByteBuffer view = b.duplicate();
                while (view.hasRemaining()) {
                    ch.write(view);
                }
                if (tuning.sync()) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically; the outbox needs"
                        + " a local POSIX-like file system", e);
            }
            return null;
        });
        OutboxFiles.syncDirectory(dir, tuning);
    }
}
