package io.facegate.mqtt.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One segment file of the outbox and the in-memory index of its records (sequence number, offset, length,
 * whether acknowledged). The index is guarded by the outbox's lock; the channel may be used outside it (the
 * group commit forces it while others append), so opening and closing it are synchronized here.
 */
final class OutboxSegment {
    static final String SUFFIX = ".seg";

    /** One operation on the segment's channel. */
    interface ChannelCall<T> {
        T call(FileChannel channel) throws IOException;
    }

    private final Path file;
    private final long firstSeq;
    private final OutboxTuning tuning;
    private FileChannel channel; // guarded by this
    private volatile boolean retired;

    /** Bytes of the file: header, records and, in a damaged segment, unreadable bytes. */
    private long size;
    /** No record is appended any more: not the newest segment, damaged, or a write to it failed. */
    private boolean sealed;
    private long[] seqs = new long[16];
    private long[] offsets = new long[16];
    private int[] lengths = new int[16];
    private int count;
    private final BitSet acked = new BitSet();
    /** Records before this index are delivered. Only the oldest segment has a non-zero value. */
    private int headIndex;

    private OutboxSegment(Path file, long firstSeq, FileChannel channel, long size, OutboxTuning tuning) {
        this.file = file;
        this.firstSeq = firstSeq;
        this.channel = channel;
        this.size = size;
        this.tuning = tuning;
    }

    /**
     * @param firstSeq sequence number of the segment's first record
     * @return the file name, the number with 20 digits so that names sort like numbers
     */
    static String fileName(long firstSeq) {
        return String.format("%020d%s", firstSeq, SUFFIX);
    }

    /**
     * @param name a file name
     * @return the first sequence number it stands for, or -1 when it is not a segment's name
     */
    static long parseFileName(String name) {
        if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < 20; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(name, 0, 20, 10);
        } catch (NumberFormatException e) {
            return -1; // beyond Long.MAX_VALUE
        }
    }

    /**
     * Creates a new empty segment (mode 0600) with its header written, not yet forced.
     *
     * @param dir      the outbox directory
     * @param firstSeq sequence number of its first record
     * @param tuning   fault seam
     * @return the segment
     * @throws IOException if the file cannot be created or written; no file is left behind then
     */
    static OutboxSegment create(Path dir, long firstSeq, OutboxTuning tuning) throws IOException {
        Path file = dir.resolve(fileName(firstSeq));
        return OutboxFiles.uninterruptibly(() -> {
            FileChannel ch = null;
            try {
                tuning.faults().before("create", file);
                // an existing file of that name can only be a creation that failed half-way: no record in it
                ch = FileChannel.open(file, OutboxFiles.CREATE_READ_WRITE, OutboxFiles.fileAttributes(dir));
                writeFully(ch, OutboxFormat.segmentHeader(), 0);
                return new OutboxSegment(file, firstSeq, ch, OutboxFormat.SEGMENT_HEADER_BYTES, tuning);
            } catch (IOException | RuntimeException e) {
                try {
                    if (ch != null) {
                        ch.close();
                    }
                    Files.deleteIfExists(file);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        });
    }

    /**
     * Wraps a segment file found at open.
     *
     * @param file     the file
     * @param firstSeq the sequence number of its name
     * @param channel  its channel, open for reading and writing
     * @param size     its size
     * @param tuning   fault seam
     * @return the segment, with an empty index
     */
    static OutboxSegment existing(Path file, long firstSeq, FileChannel channel, long size, OutboxTuning tuning) {
        return new OutboxSegment(file, firstSeq, channel, size, tuning);
    }

    Path file() {
        return file;
    }

    long firstSeq() {
        return firstSeq;
    }

    long size() {
        return size;
    }

    /** @param size the file's size as found at open (where it keeps unreadable bytes) or cut to */
    void setSize(long size) {
        this.size = size;
    }

    boolean sealed() {
        return sealed;
    }

    void seal() {
        sealed = true;
    }

    int count() {
        return count;
    }

    int headIndex() {
        return headIndex;
    }

    long seqAt(int index) {
        return seqs[index];
    }

    /** @return sequence number of the last record, or {@code firstSeq - 1} when there is none */
    long lastSeq() {
        return count == 0 ? firstSeq - 1 : seqs[count - 1];
    }

    boolean acked(int index) {
        return acked.get(index);
    }

    void ack(int index) {
        acked.set(index);
    }

    /** @return whether every record is delivered */
    boolean fullyDelivered() {
        return headIndex == count;
    }

    /**
     * Moves the head over the acknowledged records at it.
     *
     * @return the sequence number of the last record passed, or -1 when none
     */
    long advanceHead() {
        long passed = -1;
        while (headIndex < count && acked.get(headIndex)) {
            passed = seqs[headIndex++];
        }
        return passed;
    }

    /** @return the records neither delivered nor acknowledged */
    int undelivered() {
        return count - headIndex - acked.get(headIndex, Math.max(headIndex, count)).cardinality();
    }

    /**
     * Adds a record to the index and grows the size over it.
     *
     * @param seq    its sequence number, greater than the last one
     * @param offset its position in the file
     * @param length its frame size
     */
    void addRecord(long seq, long offset, int length) {
        if (count == seqs.length) {
            int n = count * 2;
            seqs = Arrays.copyOf(seqs, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        seqs[count] = seq;
        offsets[count] = offset;
        lengths[count] = length;
        count++;
        size = Math.max(size, offset + length);
    }

    /**
     * Removes the records from an index on (a failed batch of appends) and gives the segment the size up to
     * its remaining records.
     *
     * @param from first index to remove
     */
    void removeFrom(int from) {
        if (from >= count) {
            return;
        }
        size = offsets[from];
        acked.clear(from, count);
        count = from;
        headIndex = Math.min(headIndex, count);
    }

    /**
     * @param seq a sequence number
     * @return the index of the record, or -1
     */
    int indexOf(long seq) {
        int i = Arrays.binarySearch(seqs, 0, count, seq);
        return i >= 0 ? i : -1;
    }

    /**
     * @param seq a sequence number
     * @return the index of the first record with a greater sequence number ({@link #count} when none)
     */
    int firstAfter(long seq) {
        int i = Arrays.binarySearch(seqs, 0, count, seq);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /**
     * Writes an encoded record at the end of the segment. The index is not changed (see {@link #addRecord}).
     *
     * @param frame the record's frame
     * @throws IOException if the write fails
     */
    void append(ByteBuffer frame) throws IOException {
        long at = size;
        io(ch -> {
            tuning.faults().before("write", file);
            writeFully(ch, frame.duplicate(), at);
            return null;
        });
    }

    /**
     * Forces the written records to the device.
     *
     * @throws IOException if it fails; {@link ClosedChannelException} if the segment was deleted meanwhile
     */
    void force() throws IOException {
        io(ch -> {
            tuning.faults().before("force", file);
            if (tuning.sync()) {
                ch.force(false); // fdatasync: the data and the file size, not the timestamps
            }
            return null;
        });
    }

    /**
     * Cuts the file to {@link #size} (after a failed write or an unreadable tail).
     *
     * @throws IOException if it fails
     */
    void truncateToSize() throws IOException {
        long to = size;
        io(ch -> {
            ch.truncate(to);
            if (tuning.sync()) {
                ch.force(false);
            }
            return null;
        });
    }

    /**
     * @param index a record's index
     * @return its frame bytes as stored now
     * @throws IOException if reading fails
     */
    ByteBuffer read(int index) throws IOException {
        long at = offsets[index];
        int length = lengths[index];
        return io(ch -> {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining()) {
                if (ch.read(b, at + b.position()) < 0) {
                    throw new EOFException(file + " ends inside the record at " + at);
                }
            }
            return b.flip();
        });
    }

    /** Closes the channel for good: the segment is deleted or the outbox closed. */
    synchronized void retire() throws IOException {
        retired = true;
        channel.close();
    }

    boolean retired() {
        return retired;
    }

    /**
     * Retires the segment and deletes its file.
     *
     * @throws IOException if the file cannot be deleted
     */
    void delete() throws IOException {
        retire();
        Files.deleteIfExists(file);
    }

    private synchronized FileChannel channel() throws IOException {
        if (retired) {
            throw new ClosedChannelException();
        }
        if (!channel.isOpen()) {
            // an interrupt of a thread inside a channel operation closes it; the file itself is fine
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /** Runs a repeatable channel operation, reopening the channel where an interrupt closed it. */
    private <T> T io(ChannelCall<T> call) throws IOException {
        return OutboxFiles.uninterruptibly(() -> {
            for (int attempt = 1;; attempt++) {
                try {
                    return call.call(channel());
                } catch (ClosedChannelException e) {
                    // closed by another thread's interrupt (ours is handled by uninterruptibly)
                    if (retired || attempt == 3 || e instanceof ClosedByInterruptException) {
                        throw e;
                    }
                }
            }
        });
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }
}
