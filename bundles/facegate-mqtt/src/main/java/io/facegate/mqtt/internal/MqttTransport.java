package io.facegate.mqtt.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
 * The connection to the broker, and nothing else (Eclipse Kura's DataTransportService to the outbox's
 * DataService): connects in the background, reconnects after every loss with an exponential back-off, renews the
 * command subscriptions on every connect, and publishes what it is given. It keeps no message of its own: what must
 * survive an outage lives in the {@link EventOutbox}.
 *
 * <p>Credentials and TLS material are read from their files on every connect attempt, so a password file that the
 * embedded broker writes at its first start, or a renewed certificate, is picked up without a restart.
 *
 * <p>Reconnection is done here rather than by Paho's {@code setAutomaticReconnect(true)}: Paho 1.2.5 only
 * reconnects after a first successful connect, keeps its back-off delay in a static field shared by every client
 * in the JVM, and its reconnect {@code Timer} cannot be cancelled when the client is closed while disconnected.
 */
final class MqttTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttTransport.class);

    /** QoS of status messages, replies and the last will: they must arrive. */
    static final int CONTROL_QOS = 1;
    /** Room in Paho's in-flight window for status messages and replies next to the events. */
    private static final int CONTROL_INFLIGHT = 16;
    private static final long SHUTDOWN_STEP_MS = 2000;

    /** What the transport tells its users. Called on Paho's or the connector's thread: return quickly. */
    interface Listener {
        /** The connection is up (first connect or reconnect); subscriptions are being renewed. */
        void connected();

        /** The connection is lost; the transport reconnects by itself. */
        void connectionLost();

        /**
         * A message on a subscribed topic.
         *
         * @param topic   its topic
         * @param message the message
         */
        void messageArrived(String topic, MqttMessage message);
    }

    private final PublisherSettings settings;
    private final MqttAsyncClient client;
    private final byte[] will;
    private final List<String> subscriptions;
    private final Listener listener;
    private final Thread connector;
    private final Object monitor = new Object();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    private final AtomicLong connects = new AtomicLong();
    private volatile String lastError;
    private volatile long outageStartNs = System.nanoTime();
    private final Throttle connectFailLog = new Throttle(TimeUnit.SECONDS.toNanos(60));

    /**
     * Creates the client; does no network I/O.
     *
     * @param settings      validated settings
     * @param will          retained last will payload for the status topic
     * @param subscriptions topic filters to subscribe to on every connect (QoS 1)
     * @param listener      told of connects, losses and messages
     * @throws IllegalArgumentException if Paho refuses the broker URL or client id
     */
    MqttTransport(PublisherSettings settings, byte[] will, List<String> subscriptions, Listener listener) {
        this.settings = settings;
        this.will = will.clone();
        this.subscriptions = List.copyOf(subscriptions);
        this.listener = listener;
        try {
            // MemoryPersistence: Paho's default would write in-flight messages to files in the working directory
            this.client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalArgumentException("broker_url/client_id refused by the MQTT client: " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
        connector = new Thread(this::connectLoop, "facegate-mqtt-connector");
        connector.setDaemon(true);
    }

    /** Starts connecting in the background; returns at once. */
    void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        connector.start();
    }

    /** @return whether the client is connected now */
    boolean isConnected() {
        return client.isConnected();
    }

    /** @return successful connects so far */
    long connects() {
        return connects.get();
    }

    /** @return the last connection problem, or {@code null} */
    String lastError() {
        return lastError;
    }

    /**
     * Publishes without waiting.
     *
     * @param topic    topic
     * @param payload  payload
     * @param qos      QoS
     * @param retained retain flag
     * @param callback told of the broker's acknowledgement or the failure; may be {@code null}
     * @return the delivery token
     * @throws MqttException if the client refuses at once (not connected, too many in flight)
     */
    IMqttDeliveryToken publish(String topic, byte[] payload, int qos, boolean retained, IMqttActionListener callback)
            throws MqttException {
        return client.publish(topic, payload, qos, retained, null, callback);
    }

    // ---------------------------------------------------------------- connection

    private MqttConnectOptions options() throws IOException, GeneralSecurityException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setAutomaticReconnect(false); // see the class comment: the connector thread reconnects
        o.setConnectionTimeout(settings.connectTimeoutSeconds());
        o.setKeepAliveInterval(settings.keepAliveSeconds());
        o.setMaxInflight(settings.maxInflight() + CONTROL_INFLIGHT);
        if (settings.username() != null) {
            o.setUserName(settings.username());
        }
        if (settings.passwordFile() != null) {
            o.setPassword(SecretFiles.read("password_file", settings.passwordFile()));
        } else if (settings.password() != null) {
            o.setPassword(settings.password().toCharArray());
        }
        if (settings.tls().configured()) {
            o.setSocketFactory(sslContext(settings.tls()).getSocketFactory());
            o.setHttpsHostnameVerificationEnabled(true);
        }
        o.setWill(settings.statusTopic(), will, CONTROL_QOS, true);
        return o;
    }

    /** A TLS context from the configured stores: the broker's CA, and this gateway's certificate for mutual TLS. */
    static SSLContext sslContext(PublisherSettings.TlsSettings tls) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = null;
        if (tls.trustStore() != null) {
            char[] pw = tls.trustStorePasswordFile() == null ? null
                    : SecretFiles.read("trust_store_password_file", tls.trustStorePasswordFile());
            KeyStore trust = KeyStore.getInstance(tls.trustStore().toFile(), pw);
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            wipe(pw);
        }
        KeyManagerFactory kmf = null;
        if (tls.keyStore() != null) {
            char[] pw = SecretFiles.read("key_store_password_file", tls.keyStorePasswordFile());
            try {
                KeyStore keys = KeyStore.getInstance(tls.keyStore().toFile(), pw);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, pw);
            } finally {
                wipe(pw);
            }
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void wipe(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }

    private void connectLoop() {
        long delay = settings.reconnectMinDelayMs();
        long failures = 0;
        while (!closing) {
            if (client.isConnected()) {
                synchronized (monitor) {
                    while (!closing && client.isConnected()) {
                        try {
                            monitor.wait(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                delay = settings.reconnectMinDelayMs();
                continue; // lost: the first reconnect attempt goes out at once
            }
            try {
                MqttConnectOptions o = options();
                IMqttToken token = client.connect(o);
                token.waitForCompletion(settings.connectTimeoutSeconds() * 1000L + 2000);
                if (client.isConnected()) {
                    failures = 0;
                    delay = settings.reconnectMinDelayMs();
                    continue;
                }
            } catch (MqttException | IOException | GeneralSecurityException | RuntimeException e) {
                if (closing) {
                    return;
                }
                failures++;
                lastError = describe(e);
                long suppressed = connectFailLog.allow();
                if (failures == 1 || suppressed >= 0) {
                    LOG.warn("MQTT connect to {} failed ({}), attempt {}; retrying with back-off up to {} ms; events"
                            + " wait in the outbox{}", settings.brokerUrl(), lastError, failures,
                            settings.reconnectMaxDelayMs(), suppressed > 0 ? " (" + suppressed
                                    + " similar warnings suppressed)" : "");
                } else {
                    LOG.debug("MQTT connect attempt {} to {} failed: {}", failures, settings.brokerUrl(), lastError);
                }
            }
            synchronized (monitor) {
                if (closing) {
                    return;
                }
                try {
                    monitor.wait(delay);
                } catch (InterruptedException e) {
                    return;
                }
            }
            delay = Math.min(delay * 2, settings.reconnectMaxDelayMs());
        }
    }

    private void onConnected() {
        long n = connects.incrementAndGet();
        lastError = null;
        connectFailLog.reset();
        if (n == 1) {
            LOG.info("MQTT connected to {} as '{}'", settings.brokerUrl(), settings.clientId());
        } else {
            LOG.info("MQTT reconnected to {} after {} ms", settings.brokerUrl(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartNs));
        }
        if (!subscriptions.isEmpty()) {
            String[] filters = subscriptions.toArray(String[]::new);
            int[] qos = new int[filters.length];
            Arrays.fill(qos, CONTROL_QOS);
            try {
                client.subscribe(filters, qos, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        int[] granted = token.getGrantedQos();
                        for (int i = 0; granted != null && i < granted.length; i++) {
                            if (granted[i] == 0x80) {
                                LOG.warn("MQTT broker refused the subscription to {} (not authorised?); commands on it"
                                        + " are not received", filters[i]);
                            }
                        }
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        LOG.warn("MQTT subscription to the command topics failed: {}", describe(e));
                    }
                });
            } catch (MqttException | RuntimeException e) {
                LOG.warn("MQTT subscription to the command topics failed: {}", describe(e));
            }
        }
        listener.connected();
    }

    private void onConnectionLost(Throwable cause) {
        outageStartNs = System.nanoTime();
        lastError = describe(cause);
        if (!closing) {
            LOG.warn("MQTT connection to {} lost ({}); reconnecting, events wait in the outbox", settings.brokerUrl(),
                    lastError);
        }
        listener.connectionLost();
        synchronized (monitor) {
            monitor.notifyAll();
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
            listener.messageArrived(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // each publisher passes its own callback
        }
    }

    // ---------------------------------------------------------------- shutdown

    /** Same as {@link #close(byte[])} without a last status. */
    @Override
    public void close() {
        close(null);
    }

    /**
     * Publishes a last retained status if connected, disconnects and closes the client. Idempotent; returns within a
     * few seconds even if the broker does not answer.
     *
     * @param lastStatus retained payload for the status topic, or {@code null}
     */
    void close(byte[] lastStatus) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        connector.interrupt();
        try {
            connector.join(SHUTDOWN_STEP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean clean = false;
        if (client.isConnected()) {
            try {
                if (lastStatus != null) {
                    client.publish(settings.statusTopic(), lastStatus, CONTROL_QOS, true)
                            .waitForCompletion(SHUTDOWN_STEP_MS);
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
    }

    /**
     * @param e a failure, may be {@code null}
     * @return its message, reason code and cause on one line
     */
    static String describe(Throwable e) {
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
}
