package io.facegate.mqtt.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The byte layout of the outbox's segment files (big-endian throughout).
 *
 * <pre>
 * segment  = header frame*
 * header   = magic "FGOS" (4 bytes), format version (int32, 1)
 * frame    = length   int32   bytes after the crc field: 8 + 2 + idLength + payload length
 *            crc      int32   CRC-32C of the 4 length bytes followed by the length bytes after the crc
 *            seq      int64   sequence number, increasing across the whole outbox
 *            idLength uint16  length of the event id in bytes
 *            eventId  UTF-8
 *            payload  the rest of the frame
 * </pre>
 *
 * The CRC covers the length too, so a damaged length field is detected rather than followed.
 */
final class OutboxFormat {
    /** "FGOS": facegate outbox segment. */
    static final int SEGMENT_MAGIC = 0x46474f53;
    static final int VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 8;
    /** Length, CRC, sequence number and event id length. */
    static final int FRAME_OVERHEAD = 18;
    /** Bytes of a frame before its length-counted body. */
    static final int FRAME_PREFIX = 8;
    /** The smallest valid value of the length field: sequence number and event id length. */
    static final int MIN_BODY = 10;
    static final int MAX_EVENT_ID_BYTES = 0xFFFF;

    private OutboxFormat() {
    }

    /**
     * @param idBytes      event id length in bytes
     * @param payloadBytes payload length
     * @return the size of the frame on disk
     */
    static long frameSize(int idBytes, int payloadBytes) {
        return (long) FRAME_OVERHEAD + idBytes + payloadBytes;
    }

    /** @return a fresh segment header, ready to write */
    static ByteBuffer segmentHeader() {
        ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
        b.putInt(SEGMENT_MAGIC).putInt(VERSION).flip();
        return b;
    }

    /**
     * Encodes a frame with a placeholder sequence number; {@link #seal} writes the real one and the CRC.
     *
     * @param id      the event id, UTF-8
     * @param payload the payload
     * @return the frame, position 0, limit its size
     */
    static ByteBuffer encode(byte[] id, byte[] payload) {
        int body = MIN_BODY + id.length + payload.length;
        ByteBuffer b = ByteBuffer.allocate(FRAME_PREFIX + body);
        b.putInt(body).putInt(0).putLong(0).putShort((short) id.length).put(id).put(payload).flip();
        return b;
    }

    /**
     * Puts the sequence number into an encoded frame and computes its CRC.
     *
     * @param frame a frame from {@link #encode}
     * @param seq   its sequence number
     */
    static void seal(ByteBuffer frame, long seq) {
        frame.putLong(FRAME_PREFIX, seq);
        frame.putInt(4, crc(frame, 0, frame.limit()));
    }

    /**
     * Decodes one frame.
     *
     * @param frame exactly one frame's bytes (position 0)
     * @return the record, or {@code null} when the bytes are not a valid frame (wrong length, CRC mismatch)
     */
    static OutboxRecord decode(ByteBuffer frame) {
        if (frame.remaining() < FRAME_PREFIX + MIN_BODY) {
            return null;
        }
        int p = frame.position();
        int body = frame.getInt(p);
        if (body < MIN_BODY || body != frame.remaining() - FRAME_PREFIX) {
            return null;
        }
        int idLength = frame.getShort(p + 16) & 0xFFFF;
        if (idLength > body - MIN_BODY || frame.getInt(p + 4) != crc(frame, p, frame.remaining())) {
            return null;
        }
        long seq = frame.getLong(p + FRAME_PREFIX);
        byte[] id = new byte[idLength];
        frame.get(p + FRAME_OVERHEAD, id);
        byte[] payload = new byte[body - MIN_BODY - idLength];
        frame.get(p + FRAME_OVERHEAD + idLength, payload);
        return new OutboxRecord(seq, new String(id, StandardCharsets.UTF_8), payload);
    }

    /**
     * CRC-32C of a frame: its length field followed by everything after the CRC field.
     *
     * @param b      buffer holding the frame
     * @param start  index of the frame's first byte
     * @param length the frame's size
     * @return the CRC
     */
    static int crc(ByteBuffer b, int start, int length) {
        CRC32C c = new CRC32C();
        ByteBuffer view = b.duplicate();
        view.limit(start + 4).position(start);
        c.update(view);
        view.limit(start + length).position(start + FRAME_PREFIX);
        c.update(view);
        return (int) c.getValue();
    }
}
