package io.facegate.mqtt.internal;

import io.facegate.api.RecognitionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes recognition events over MQTT without ever blocking or failing the pipeline.
 *
 * <ul>
 * <li>{@link #offer} puts the event into a bounded queue and returns; when the queue is full the oldest event
 * is dropped and counted.</li>
 * <li>One publisher thread turns events into JSON and publishes them asynchronously, with at most
 * {@code max_inflight} messages unacknowledged. An event whose turn comes while the client is disconnected is
 * dropped and counted (an offline buffer is a later feature).</li>
 * <li>One connector thread connects, and reconnects after every connection loss, with an exponential back-off
 * between {@code reconnect_min_delay_ms} and {@code reconnect_max_delay_ms}. It starts with the component, so
 * the component activates even while the broker is down.</li>
 * <li>The retained {@code status} topic carries {@code {"state":"online",...}} after every connect and the last
 * will {@code {"state":"offline","reason":"connection_lost",...}}; {@link #close} replaces it with
 * {@code {"state":"offline","reason":"shutdown",...}}.</li>
 * </ul>
 *
 * <p>Reconnection is done here rather than by Paho's {@code setAutomaticReconnect(true)}: Paho 1.2.5 only
 * reconnects after a first successful connect, keeps its back-off delay in a static field shared by every client
 * in the JVM, and its reconnect {@code Timer} cannot be cancelled when the client is closed while disconnected
 * (the timer thread outlives the bundle). One loop here covers the first connect and every reconnect, and stops
 * with the component.
 */
final class MqttEventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttEventPublisher.class);

    /** QoS of status messages and the last will: they must arrive. */
    private static final int STATUS_QOS = 1;
    /** How long {@link #close} keeps publishing queued events and waiting for acknowledgements. */
    private static final long DRAIN_MS = 1000;
    /** How long {@link #close} waits for the offline status and the disconnect. */
    private static final long SHUTDOWN_STEP_MS = 2000;
    /** At most one warning per this period for repeated problems (queue full, broker unreachable). */
    private static final long LOG_PERIOD_NS = TimeUnit.SECONDS.toNanos(60);

    private final PublisherSettings settings;
    private final String eventsTopic;
    private final String statusTopic;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ArrayBlockingQueue<RecognitionEvent> queue;
    private final Semaphore inflight;
    private final Thread publisherThread;
    private final Thread connectorThread;
    private final Object connectionMonitor = new Object();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    private volatile long drainDeadlineNs;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong droppedDisconnected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    /** Events lost since the connection was last lost, reported when it comes back. */
    private final AtomicLong lostInOutage = new AtomicLong();
    private volatile long outageStartNs;
    private final Throttle queueFullLog = new Throttle();
    private final Throttle connectFailLog = new Throttle();
    private final Throttle publishFailLog = new Throttle();

    /**
     * Creates the client; does no network I/O. Call {@link #start()} to connect.
     *
     * @param settings validated settings
     * @throws IllegalStateException if Paho refuses the settings
     */
    MqttEventPublisher(PublisherSettings settings) {
        this.settings = settings;
        this.eventsTopic = settings.eventsTopic();
        this.statusTopic = settings.statusTopic();
        try {
            // MemoryPersistence: Paho's default would write in-flight messages to files in the working directory
            this.client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalArgumentException("broker_url/client_id refused by the MQTT client: " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
        options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false); // see the class comment: the connector thread reconnects
        options.setConnectionTimeout(settings.connectTimeoutSeconds());
        options.setKeepAliveInterval(settings.keepAliveSeconds());
        options.setMaxInflight(settings.maxInflight() + 4); // room for status messages next to the events
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().toCharArray());
        }
        options.setWill(statusTopic, utf8(EventJson.status("offline", settings.gatewayId(), settings.clientId(),
                "connection_lost", null, null)), STATUS_QOS, true);
        queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        inflight = new Semaphore(settings.maxInflight());
        publisherThread = new Thread(this::publishLoop, "facegate-mqtt-publisher");
        publisherThread.setDaemon(true);
        connectorThread = new Thread(this::connectLoop, "facegate-mqtt-connector");
        connectorThread.setDaemon(true);
    }

    /** Starts the connector and publisher threads; returns at once. */
    void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        LOG.info("MQTT publisher for gateway '{}' starting: events to {}, status to {} ({})",
                settings.gatewayId(), eventsTopic, statusTopic, settings);
        connectorThread.start();
        publisherThread.start();
    }

    /**
     * Queues an event for publication. Never blocks, never throws.
     *
     * @param event the event
     */
    void offer(RecognitionEvent event) {
        if (event == null || closing) {
            return;
        }
        accepted.incrementAndGet();
        while (!queue.offer(event)) {
            if (queue.poll() != null) {
                droppedQueueFull.incrementAndGet();
                lostInOutage.incrementAndGet();
                long suppressed = queueFullLog.allow();
                if (suppressed >= 0) {
                    LOG.warn("MQTT event queue full ({} events): dropping the oldest; {} dropped so far (broker slow"
                            + " or unreachable){}", settings.queueCapacity(), droppedQueueFull.get(),
                            suppressed > 0 ? ", " + suppressed + " similar warnings suppressed" : "");
                }
            }
        }
    }

    /** @return current counters */
    PublisherStats stats() {
        return new PublisherStats(accepted.get(), published.get(), droppedQueueFull.get(), droppedDisconnected.get(),
                failed.get(), queue.size(), settings.maxInflight() - inflight.availablePermits(), connects.get(),
                client.isConnected());
    }

    /** @return the validated settings in use */
    PublisherSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- connection

    private void connectLoop() {
        long delay = settings.reconnectMinDelayMs();
        long failures = 0;
        while (!closing) {
            if (client.isConnected()) {
                synchronized (connectionMonitor) {
                    while (!closing && client.isConnected()) {
                        try {
                            connectionMonitor.wait(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                delay = settings.reconnectMinDelayMs();
                continue; // lost: the first reconnect attempt goes out at once
            }
            try {
                IMqttToken token = client.connect(options);
                token.waitForCompletion(settings.connectTimeoutSeconds() * 1000L + 2000);
                if (client.isConnected()) {
                    failures = 0;
                    delay = settings.reconnectMinDelayMs();
                    continue;
                }
            } catch (MqttException | RuntimeException e) {
                if (closing) {
                    return;
                }
                failures++;
                long suppressed = connectFailLog.allow();
                if (failures == 1 || suppressed >= 0) {
                    LOG.warn("MQTT connect to {} failed ({}), attempt {}; retrying with back-off up to {} ms;"
                            + " events are dropped meanwhile{}", settings.brokerUrl(), describe(e), failures,
                            settings.reconnectMaxDelayMs(), suppressed > 0 ? " (" + suppressed
                                    + " similar warnings suppressed)" : "");
                } else {
                    LOG.debug("MQTT connect attempt {} to {} failed: {}", failures, settings.brokerUrl(), describe(e));
                }
            }
            synchronized (connectionMonitor) {
                if (closing) {
                    return;
                }
                try {
                    connectionMonitor.wait(delay);
                } catch (InterruptedException e) {
                    return;
                }
            }
            delay = Math.min(delay * 2, settings.reconnectMaxDelayMs());
        }
    }

    private void onConnected() {
        long n = connects.incrementAndGet();
        long lost = lostInOutage.getAndSet(0);
        if (n == 1) {
            LOG.info("MQTT publisher connected to {} as '{}'{}", settings.brokerUrl(), settings.clientId(),
                    lost > 0 ? "; " + lost + " events were dropped before" : "");
        } else {
            long outageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartNs);
            LOG.info("MQTT publisher reconnected to {} after {} ms; {} events lost meanwhile ({} dropped in total)",
                    settings.brokerUrl(), outageMs, lost, stats().dropped());
        }
        connectFailLog.reset();
        publishStatus("online", null);
    }

    private void onConnectionLost(Throwable cause) {
        outageStartNs = System.nanoTime();
        if (!closing) {
            LOG.warn("MQTT connection to {} lost ({}); reconnecting, events are dropped until then",
                    settings.brokerUrl(), describe(cause));
        }
        synchronized (connectionMonitor) {
            connectionMonitor.notifyAll();
        }
    }

    /** Publishes a retained status message without waiting; never throws. */
    private IMqttToken publishStatus(String state, String reason) {
        String json = EventJson.status(state, settings.gatewayId(), settings.clientId(), reason, Instant.now(),
                stats());
        try {
            return client.publish(statusTopic, utf8(json), STATUS_QOS, true);
        } catch (MqttException | RuntimeException e) {
            LOG.warn("MQTT status '{}' not published: {}", state, describe(e));
            return null;
        }
    }

    // ---------------------------------------------------------------- publishing

    private void publishLoop() {
        try {
            while (true) {
                RecognitionEvent e;
                if (closing) {
                    e = queue.poll();
                    if (e == null || System.nanoTime() > drainDeadlineNs || !client.isConnected()) {
                        if (e != null) {
                            dropDisconnected(1);
                        }
                        break;
                    }
                } else {
                    e = queue.poll(250, TimeUnit.MILLISECONDS);
                    if (e == null) {
                        continue;
                    }
                }
                publishOne(e);
            }
        } catch (InterruptedException ie) {
            // close() ran out of patience
        } catch (Throwable t) {
            LOG.error("MQTT publisher thread died; events are no longer published", t);
        }
    }

    private void publishOne(RecognitionEvent e) throws InterruptedException {
        if (!client.isConnected()) {
            dropDisconnected(1);
            return;
        }
        byte[] payload;
        try {
            payload = utf8(EventJson.event(settings.gatewayId(), e));
        } catch (RuntimeException ex) {
            failed.incrementAndGet();
            LOG.error("MQTT event {}#{} could not be written as JSON; dropped", e.sourceId(), e.sequence(), ex);
            return;
        }
        while (!inflight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (!client.isConnected() || (closing && System.nanoTime() > drainDeadlineNs)) {
                dropDisconnected(1);
                return;
            }
        }
        Delivery delivery = new Delivery();
        try {
            client.publish(eventsTopic, payload, settings.qos(), false, null, delivery);
        } catch (MqttException | RuntimeException ex) {
            delivery.fail(ex);
        }
    }

    private void dropDisconnected(long n) {
        droppedDisconnected.addAndGet(n);
        lostInOutage.addAndGet(n);
    }

    /** Completion of one event message: releases its in-flight slot exactly once. */
    private final class Delivery implements IMqttActionListener {
        private final AtomicBoolean done = new AtomicBoolean();

        @Override
        public void onSuccess(IMqttToken token) {
            if (done.compareAndSet(false, true)) {
                published.incrementAndGet();
                inflight.release();
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable ex) {
            fail(ex);
        }

        void fail(Throwable ex) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            inflight.release();
            if (ex instanceof MqttException me && (me.getReasonCode() == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED
                    || me.getReasonCode() == MqttException.REASON_CODE_CLIENT_DISCONNECTING)) {
                dropDisconnected(1);
                return;
            }
            failed.incrementAndGet();
            lostInOutage.incrementAndGet();
            long suppressed = publishFailLog.allow();
            if (suppressed >= 0) {
                LOG.warn("MQTT event not delivered: {}{}", describe(ex),
                        suppressed > 0 ? " (" + suppressed + " similar warnings suppressed)" : "");
            }
        }
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            onConnected();
        }

        @Override
        public void connectionLost(Throwable cause) {
            onConnectionLost(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // no subscriptions
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // counted by Delivery
        }
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Publishes what is queued (for up to a second), replaces the retained status with
     * {@code offline}/{@code shutdown}, disconnects and closes the client. Idempotent; returns within a few
     * seconds even if the broker does not answer.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        drainDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
        closing = true;
        synchronized (connectionMonitor) {
            connectionMonitor.notifyAll();
        }
        connectorThread.interrupt();
        join(connectorThread, SHUTDOWN_STEP_MS);
        join(publisherThread, DRAIN_MS + SHUTDOWN_STEP_MS);
        if (publisherThread.isAlive()) {
            publisherThread.interrupt();
            join(publisherThread, 500);
        }
        try {
            // let the acknowledgements of what is in flight arrive
            if (inflight.tryAcquire(settings.maxInflight(), DRAIN_MS, TimeUnit.MILLISECONDS)) {
                inflight.release(settings.maxInflight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = queue.size();
        queue.clear();
        if (left > 0) {
            dropDisconnected(left);
            LOG.warn("MQTT publisher stopping: {} queued events not published", left);
        }
        boolean clean = false;
        if (client.isConnected()) {
            IMqttToken offline = publishStatus("offline", "shutdown");
            try {
                if (offline != null) {
                    offline.waitForCompletion(SHUTDOWN_STEP_MS);
                }
                client.disconnect(500).waitForCompletion(SHUTDOWN_STEP_MS);
                clean = !client.isConnected();
            } catch (MqttException | RuntimeException e) {
                LOG.debug("MQTT disconnect: {}", describe(e));
            }
        }
        if (!clean) {
            try {
                // also aborts a connect still in progress
                client.disconnectForcibly(0, 500, client.isConnected());
            } catch (MqttException | RuntimeException e) {
                LOG.debug("MQTT forced disconnect: {}", describe(e));
            }
        }
        try {
            client.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("MQTT client close: {}", describe(e));
        }
        PublisherStats s = stats();
        LOG.info("MQTT publisher for gateway '{}' stopped: {} events accepted, {} published, {} dropped ({} queue full,"
                + " {} not connected, {} failed)", settings.gatewayId(), s.accepted(), s.published(), s.dropped(),
                s.droppedQueueFull(), s.droppedDisconnected(), s.failed());
    }

    private static void join(Thread t, long ms) {
        try {
            t.join(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(Throwable e) {
        if (e == null) {
            return "no cause given";
        }
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        if (e instanceof MqttException me) {
            sb.append(" [").append(me.getReasonCode()).append(']');
        }
        Throwable c = e.getCause();
        if (c != null && c != e) {
            sb.append(": ").append(c.getClass().getSimpleName()).append(' ').append(c.getMessage());
        }
        return sb.toString();
    }

    /** Lets one message through per period and counts the ones held back. */
    private static final class Throttle {
        private long lastNs;
        private long suppressed;
        private boolean any;

        /** @return -1 to stay silent, else how many messages were suppressed since the last one let through */
        synchronized long allow() {
            long now = System.nanoTime();
            if (!any || now - lastNs >= LOG_PERIOD_NS) {
                any = true;
                lastNs = now;
                long s = suppressed;
                suppressed = 0;
                return s;
            }
            suppressed++;
            return -1;
        }

        synchronized void reset() {
            any = false;
            suppressed = 0;
        }
    }
}
