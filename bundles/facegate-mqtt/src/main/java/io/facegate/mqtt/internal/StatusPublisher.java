package io.facegate.mqtt.internal;

import com.google.gson.JsonObject;
import io.facegate.api.PipelineStatus;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the retained status current: looks at the gateway's health every second, publishes it at once when its
 * state, reasons, model or gallery state change, after every connect, and at least every {@code heartbeat_s}.
 * Also tells when the pipeline is stalled (frames queued, none processed for {@code stall_s}).
 */
final class StatusPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);
    private static final long TICK_MS = 1000;

    /** Everything but the stall time, gathered by the component. */
    interface Snapshot {
        /**
         * @param stalledSeconds how long the pipeline has been stalled, 0 if not
         * @return the inputs of the report
         */
        HealthReport.Inputs take(long stalledSeconds);
    }

    private final MqttTransport transport;
    private final String topic;
    private final Snapshot snapshot;
    private final Supplier<PipelineStatus> pipeline;
    private final long heartbeatNs;
    private final long stallNs;
    private final Thread thread;
    private final Object monitor = new Object();
    private volatile boolean closing;
    private volatile boolean forced;
    private volatile JsonObject last;
    private String lastSignature;
    private long lastPublishNs;
    private long lastProcessed = -1;
    private long progressNs = System.nanoTime();

    /**
     * @param transport the connection
     * @param topic     the status topic
     * @param snapshot  gathers the inputs
     * @param pipeline  the pipeline's status, or {@code null} without a pipeline (for the stall check)
     * @param heartbeatSeconds republish at least this often
     * @param stallSeconds     queued frames without progress for this long make the pipeline stalled
     */
    StatusPublisher(MqttTransport transport, String topic, Snapshot snapshot, Supplier<PipelineStatus> pipeline,
                    int heartbeatSeconds, int stallSeconds) {
        this.transport = transport;
        this.topic = topic;
        this.snapshot = snapshot;
        this.pipeline = pipeline;
        this.heartbeatNs = TimeUnit.SECONDS.toNanos(heartbeatSeconds);
        this.stallNs = TimeUnit.SECONDS.toNanos(stallSeconds);
        thread = new Thread(this::run, "facegate-mqtt-status");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Publish at the next tick whatever changed (after a connect). */
    void publishSoon() {
        forced = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** @return the current status document (computed now) */
    JsonObject current() {
        return HealthReport.build(snapshot.take(stalledSeconds(System.nanoTime())), Instant.now());
    }

    /** @return the last status published, or {@code null} */
    JsonObject lastPublished() {
        return last;
    }

    private synchronized long stalledSeconds(long now) {
        PipelineStatus p = pipeline.get();
        if (p == null) {
            return 0;
        }
        if (p.framesProcessed() != lastProcessed || p.queueDepth() == 0) {
            lastProcessed = p.framesProcessed();
            progressNs = now;
            return 0;
        }
        long stalled = now - progressNs;
        return stalled >= stallNs ? TimeUnit.NANOSECONDS.toSeconds(stalled) : 0;
    }

    private void run() {
        while (!closing) {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warn("status not computed: {}", e.toString());
            }
            synchronized (monitor) {
                if (closing) {
                    return;
                }
                try {
                    monitor.wait(TICK_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void tick() {
        long now = System.nanoTime();
        JsonObject status = HealthReport.build(snapshot.take(stalledSeconds(now)), Instant.now());
        String signature = HealthReport.signature(status);
        boolean due = forced || !signature.equals(lastSignature) || now - lastPublishNs >= heartbeatNs;
        if (!due || !transport.isConnected()) {
            return;
        }
        forced = false;
        try {
            transport.publish(topic, Json.bytes(status), MqttTransport.CONTROL_QOS, true, null);
            if (!signature.equals(lastSignature)) {
                LOG.info("gateway status: {}{}", status.get("state").getAsString(),
                        status.getAsJsonArray("reasons").isEmpty() ? "" : " " + status.get("reasons"));
            }
            lastSignature = signature;
            lastPublishNs = now;
            last = status;
        } catch (MqttException | RuntimeException e) {
            forced = true; // try again at the next tick
            LOG.debug("status not published: {}", MqttTransport.describe(e));
        }
    }

    @Override
    public void close() {
        closing = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
