package io.facegate.mqtt.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads one segment file at open and fills the segment's index with every valid record.
 *
 * <p>A record is valid when its length fits in the file, its CRC matches, and its sequence number is the next
 * one expected or later. Within a segment sequence numbers are consecutive (a gap would only come from a
 * damaged record), so a record at byte offset {@code p} has a sequence number of at most
 * {@code firstSeq + (p - 8) / 18}: this bound lets the scan look for the next valid record after a damaged
 * one byte by byte without computing a CRC at almost every offset, so even a large damaged region costs about a
 * read of it, never a hang.
 *
 * @param validEnd     end of the last valid record (or of the header)
 * @param lostInside   records missing between valid records of this segment (damaged in the middle)
 * @param skippedBytes unreadable bytes between valid records
 * @param tailBytes    unreadable bytes after the last valid record (a torn write, or damage at the end)
 * @param badHeader    the segment header is damaged (the records after it are still read)
 * @param tooShort     the file is shorter than a header: a creation interrupted by a crash
 */
record OutboxScan(long validEnd, long lostInside, long skippedBytes, long tailBytes, boolean badHeader,
                  boolean tooShort) {
    private static final int WINDOW = 256 * 1024;

    /** @return whether anything in the segment could not be read */
    boolean damaged() {
        return badHeader || lostInside > 0 || skippedBytes > 0 || tailBytes > 0;
    }

    /**
     * @param segment  the segment, with an empty index; its records are added to it
     * @param channel  the segment's channel
     * @param minSeq   the smallest sequence number a record may have (after the previous segment's last)
     * @param limitSeq sequence numbers must be below this (the next segment's first), or {@link Long#MAX_VALUE}
     * @return what was found
     * @throws IOException if the file cannot be read, or it is a segment of a format version this code does not
     *                     know (it must not be mistaken for damage and cut)
     */
    static OutboxScan scan(OutboxSegment segment, FileChannel channel, long minSeq, long limitSeq)
            throws IOException {
        long size = channel.size();
        if (size < OutboxFormat.SEGMENT_HEADER_BYTES) {
            return new OutboxScan(0, 0, 0, size, false, true);
        }
        Window w = new Window(channel, size);
        ByteBuffer header = w.get(0, OutboxFormat.SEGMENT_HEADER_BYTES);
        boolean badHeader = header.getInt(0) != OutboxFormat.SEGMENT_MAGIC;
        if (!badHeader && header.getInt(4) != OutboxFormat.VERSION) {
            throw new IOException("outbox segment " + segment.file() + " has format version " + header.getInt(4)
                    + "; this version reads " + OutboxFormat.VERSION);
        }
        Scanner s = new Scanner(w, size, segment.firstSeq(), limitSeq);
        long expected = Math.max(segment.firstSeq(), minSeq);
        long pos = OutboxFormat.SEGMENT_HEADER_BYTES;
        long validEnd = pos;
        long lostInside = 0;
        long skipped = 0;
        long tail = 0;
        while (pos < size) {
            int length = s.frameAt(pos, expected);
            if (length < 0) {
                long found = -1;
                for (long q = pos + 1; q + OutboxFormat.FRAME_OVERHEAD <= size; q++) {
                    if (s.frameAt(q, expected) > 0) {
                        found = q;
                        break;
                    }
                }
                if (found < 0) {
                    tail = size - pos;
                    break;
                }
                skipped += found - pos;
                pos = found;
                length = s.frameAt(pos, expected);
            }
            lostInside += s.seq - expected;
            segment.addRecord(s.seq, pos, length);
            expected = s.seq + 1;
            pos += length;
            validEnd = pos;
        }
        return new OutboxScan(validEnd, lostInside, skipped, tail, badHeader, false);
    }

    /** Checks candidate frames; remembers the sequence number of the last valid one. */
    private static final class Scanner {
        private final Window window;
        private final long size;
        private final long firstSeq;
        private final long limitSeq;
        long seq;

        Scanner(Window window, long size, long firstSeq, long limitSeq) {
            this.window = window;
            this.size = size;
            this.firstSeq = firstSeq;
            this.limitSeq = limitSeq;
        }

        /** @return the size of the valid frame at {@code p} with a sequence number of at least {@code expected}, or -1 */
        int frameAt(long p, long expected) throws IOException {
            if (p + OutboxFormat.FRAME_OVERHEAD > size) {
                return -1;
            }
            ByteBuffer h = window.get(p, OutboxFormat.FRAME_OVERHEAD);
            int body = h.getInt(0);
            if (body < OutboxFormat.MIN_BODY || body > size - p - OutboxFormat.FRAME_PREFIX
                    || body > Integer.MAX_VALUE - OutboxFormat.FRAME_PREFIX) {
                return -1;
            }
            long candidate = h.getLong(OutboxFormat.FRAME_PREFIX);
            long highest = firstSeq + (p - OutboxFormat.SEGMENT_HEADER_BYTES) / OutboxFormat.FRAME_OVERHEAD;
            if (candidate < expected || candidate > highest || candidate >= limitSeq) {
                return -1;
            }
            if ((h.getShort(16) & 0xFFFF) > body - OutboxFormat.MIN_BODY) {
                return -1;
            }
            int length = OutboxFormat.FRAME_PREFIX + body;
            ByteBuffer frame = window.get(p, length);
            if (OutboxFormat.crc(frame, 0, length) != h.getInt(4)) {
                return -1;
            }
            seq = candidate;
            return length;
        }
    }

    /** A read-ahead window over the file, so that a byte-by-byte search costs about one read of the region. */
    private static final class Window {
        private final FileChannel channel;
        private final long size;
        private final ByteBuffer buffer = ByteBuffer.allocate(WINDOW);
        private long start;
        private int length;

        Window(FileChannel channel, long size) {
            this.channel = channel;
            this.size = size;
        }

        /** @return the bytes {@code [pos, pos + n)} as a buffer with position 0 and limit n */
        ByteBuffer get(long pos, int n) throws IOException {
            if (n > WINDOW) {
                ByteBuffer big = ByteBuffer.allocate(n);
                readFully(big, pos);
                return big.flip();
            }
            if (pos < start || pos + n > start + length) {
                buffer.clear().limit((int) Math.min(WINDOW, size - pos));
                readFully(buffer, pos);
                start = pos;
                length = buffer.limit();
            }
            ByteBuffer view = buffer.duplicate();
            int from = (int) (pos - start);
            view.limit(from + n).position(from);
            return view.slice();
        }

        private void readFully(ByteBuffer b, long pos) throws IOException {
            while (b.hasRemaining()) {
                if (channel.read(b, pos + b.position()) < 0) {
                    throw new IOException("segment shrank while being read at open");
                }
            }
        }
    }
}
