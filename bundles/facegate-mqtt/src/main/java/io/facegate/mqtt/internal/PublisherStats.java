package io.facegate.mqtt.internal;

/**
 * A snapshot of the publisher's counters. Every accepted event ends up in exactly one of
 * {@code published}, {@code droppedQueueFull}, {@code droppedDisconnected}, {@code failed}, or is still
 * {@code queued} or {@code inflight}.
 *
 * @param accepted            events handed over by the pipeline
 * @param published           events the broker acknowledged (QoS 1/2) or that were written to the socket (QoS 0)
 * @param droppedQueueFull    oldest events discarded because the queue was full (broker too slow)
 * @param droppedDisconnected events discarded because there was no broker connection when their turn came
 * @param failed              events whose publish failed or that were in flight when the connection broke
 * @param queued              events waiting in the queue now
 * @param inflight            events sent and not yet acknowledged now
 * @param connects            successful connects so far (the first one plus reconnects)
 * @param connected           whether the client is connected now
 */
public record PublisherStats(long accepted, long published, long droppedQueueFull, long droppedDisconnected,
                             long failed, int queued, int inflight, long connects, boolean connected) {
    /** @return every event that will never reach the broker: queue overflow, no connection, failures */
    public long dropped() {
        return droppedQueueFull + droppedDisconnected + failed;
    }
}
