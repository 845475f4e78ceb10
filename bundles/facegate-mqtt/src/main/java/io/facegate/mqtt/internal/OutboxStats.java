package io.facegate.mqtt.internal;

/**
 * A snapshot of the {@link EventOutbox}'s state and counters. Counters named "since open" start at 0 with
 * every {@link EventOutbox#open}.
 *
 * @param depth        undelivered records stored now (appended, neither acknowledged nor dropped nor lost)
 * @param oldestSeq    sequence number of the oldest undelivered record, -1 when there is none
 * @param bytes        bytes of the segment files on disk now (what {@code maxBytes} bounds)
 * @param maxBytes     the bound
 * @param segments     segment files now
 * @param appended     records appended since open (each returned a sequence number)
 * @param delivered    records acknowledged since open
 * @param dropped      records dropped by the overflow policy since open: undelivered records of dropped oldest
 *                     segments ({@code DROP_OLDEST}) or refused appends ({@code DROP_NEWEST})
 * @param droppedTotal the same over the life of the directory (kept in the head file; refusals of
 *                     {@code DROP_NEWEST} in the last second before a crash may be missing from it)
 * @param lost         undelivered records found damaged (CRC mismatch in the middle of the journal) at open or
 *                     when read since; each was logged at ERROR and is skipped
 * @param failed       appends that threw an {@code IOException} since open (nothing was stored for them)
 */
record OutboxStats(long depth, long oldestSeq, long bytes, long maxBytes, int segments, long appended,
                   long delivered, long dropped, long droppedTotal, long lost, long failed) {
}
