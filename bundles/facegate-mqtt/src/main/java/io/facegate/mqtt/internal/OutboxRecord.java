package io.facegate.mqtt.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored event of the {@link EventOutbox}.
 *
 * @param seq     sequence number: unique and increasing over the life of the outbox directory (gaps possible)
 * @param eventId the event's id, which subscribers use to drop the duplicates of at-least-once delivery
 * @param payload the message body; the record owns the array, callers must not change it
 */
record OutboxRecord(long seq, String eventId, byte[] payload) {
    OutboxRecord {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(payload, "payload");
    }

    // a record compares arrays by identity; two records holding the same bytes are the same record
    @Override
    public boolean equals(Object o) {
        return o instanceof OutboxRecord r && r.seq == seq && r.eventId.equals(eventId)
                && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, eventId, Arrays.hashCode(payload));
    }

    /** Leaves the payload out: it may carry names of people. */
    @Override
    public String toString() {
        return "OutboxRecord[seq=" + seq + ", eventId=" + eventId + ", payload=" + payload.length + " bytes]";
    }
}
