package io.facegate.mqtt.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's housekeeper: one thread that, while the transport is connected, publishes the outbox's records in
 * order with at most {@code max_inflight} unacknowledged, and removes each one from the outbox only when the broker
 * acknowledged it (QoS 1 PUBACK or QoS 2 PUBCOMP). After a connection loss it starts again from the oldest record
 * not acknowledged, so nothing is skipped; a record whose acknowledgement was lost with the connection is sent again
 * (at-least-once; every event carries its {@code event_id}).
 */
final class EventForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventForwarder.class);
    private static final int BATCH = 64;
    private static final long IDLE_WAIT_MS = 500;

    private final EventOutbox outbox;
    private final MqttTransport transport;
    private final String topic;
    private final int qos;
    private final int maxInflight;
    private final Thread thread;
    private final Object monitor = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    /** Bumped on every connection loss: the next pass starts again from the outbox's head. */
    private final AtomicLong generation = new AtomicLong();
    /** In-flight slots of the current connection; replaced on every connection loss. */
    private volatile Semaphore inflight;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Throttle failureLog = new Throttle(TimeUnit.SECONDS.toNanos(60));

    /**
     * @param outbox      the store
     * @param transport   the connection
     * @param topic       the events topic
     * @param qos         1 or 2
     * @param maxInflight most records sent and not yet acknowledged
     */
    EventForwarder(EventOutbox outbox, MqttTransport transport, String topic, int qos, int maxInflight) {
        this.outbox = outbox;
        this.transport = transport;
        this.topic = topic;
        this.qos = qos;
        this.maxInflight = maxInflight;
        this.inflight = new Semaphore(maxInflight);
        thread = new Thread(this::run, "facegate-mqtt-forwarder");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Something changed: a record was appended or the connection came up. */
    void wake() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** The connection was lost: what is in flight will not be acknowledged; start again from the head. */
    void connectionLost() {
        generation.incrementAndGet();
        inflight = new Semaphore(maxInflight);
        wake();
    }

    /** @return records the broker acknowledged since start */
    long published() {
        return published.get();
    }

    /** @return records in flight now */
    int inflight() {
        return maxInflight - inflight.availablePermits();
    }

    private void run() {
        long seenGeneration = -1;
        long lastSent = -1;
        while (!closing) {
            try {
                if (!transport.isConnected()) {
                    idle();
                    continue;
                }
                long gen = generation.get();
                if (gen != seenGeneration) {
                    seenGeneration = gen;
                    lastSent = -1; // from the oldest record not acknowledged
                }
                Semaphore slots = inflight;
                int room = Math.min(BATCH, Math.max(1, slots.availablePermits()));
                List<OutboxRecord> batch = outbox.peek(lastSent, room);
                if (batch.isEmpty()) {
                    idle();
                    continue;
                }
                for (OutboxRecord r : batch) {
                    if (!acquire(slots, gen)) {
                        break;
                    }
                    Delivery d = new Delivery(r.seq(), slots);
                    try {
                        transport.publish(topic, r.payload(), qos, false, d);
                        lastSent = r.seq();
                    } catch (MqttException | RuntimeException e) {
                        d.release();
                        noteFailure(e);
                        // not sent: it stays in the outbox; try again after a pause or on the next connection
                        pause();
                        break;
                    }
                }
            } catch (IOException e) {
                noteFailure(e);
                pause();
            }
        }
    }

    /** Waits for an in-flight slot of this connection; false when the connection went away or we are closing. */
    private boolean acquire(Semaphore slots, long gen) {
        try {
            while (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (closing || generation.get() != gen || !transport.isConnected()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            closing = true;
            return false;
        }
    }

    private void idle() {
        synchronized (monitor) {
            if (!closing) {
                try {
                    monitor.wait(IDLE_WAIT_MS);
                } catch (InterruptedException e) {
                    closing = true;
                }
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            closing = true;
        }
    }

    private void noteFailure(Exception e) {
        failures.incrementAndGet();
        long suppressed = failureLog.allow();
        if (suppressed >= 0) {
            LOG.warn("MQTT event not sent, it stays in the outbox: {}{}", MqttTransport.describe(e),
                    suppressed > 0 ? " (" + suppressed + " similar warnings suppressed)" : "");
        }
    }

    /** The broker's acknowledgement of one record: removes it from the outbox; releases its slot exactly once. */
    private final class Delivery implements IMqttActionListener {
        private final long seq;
        private final Semaphore slots;
        private final AtomicBoolean done = new AtomicBoolean();

        Delivery(long seq, Semaphore slots) {
            this.seq = seq;
            this.slots = slots;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            slots.release();
            try {
                outbox.acknowledge(seq);
                published.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                // still in the outbox: it will be sent again (a duplicate, never a loss)
                noteFailure(e);
            }
            wake();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
            if (release()) {
                LOG.debug("MQTT event {} not acknowledged ({}); it stays in the outbox", seq, MqttTransport.describe(e));
                if (transport.isConnected()) {
                    // refused without a connection loss: send again from the oldest record not acknowledged
                    generation.incrementAndGet();
                    wake();
                }
            }
        }

        boolean release() {
            if (done.compareAndSet(false, true)) {
                slots.release();
                return true;
            }
            return false;
        }
    }

    /**
     * Stops sending, then waits up to {@code drainMs} for the acknowledgements of what is in flight. What is not
     * acknowledged stays in the outbox for the next start. Idempotent.
     *
     * @param drainMs how long to wait for acknowledgements
     */
    void close(long drainMs) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        wake();
        try {
            thread.join(2000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(500);
            }
            Semaphore slots = inflight;
            if (slots.tryAcquire(maxInflight, drainMs, TimeUnit.MILLISECONDS)) {
                slots.release(maxInflight);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(1000);
    }
}
