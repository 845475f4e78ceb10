package io.facegate.itests;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A real MQTT subscriber over TCP, recording every message of one topic filter in arrival order.
 *
 * <p>Two kinds: a plain one (clean session, gone with its connection) and a <em>durable</em> one (persistent
 * session, QoS 1): the broker keeps its subscription and queues what is published while it is disconnected, so
 * after {@link #reconnect} it receives everything published since it first subscribed, whoever reconnected first.
 * That is what lets an outage test tell a message the gateway never sent from one the subscriber was not there for.
 * The broker must keep sessions across its own restart for that (mosquitto and the embedded broker with
 * {@code persistence = true}).
 */
final class MqttRecorder implements AutoCloseable {
    private final MqttClient client;
    private final MqttConnectOptions options;
    private final List<String> messages = new ArrayList<>();

    /**
     * A plain subscriber of the embedded broker of the gateway this probe runs in, logged in as its {@code reader}.
     * Only inside the container.
     */
    MqttRecorder(String topicFilter) throws MqttException {
        this(EmbeddedBroker.localUrl(), EmbeddedBroker.READER, EmbeddedBroker.readerPassword(), topicFilter, false);
    }

    /**
     * @param brokerUrl   e.g. {@code tcp://127.0.0.1:1883}
     * @param username    user name, {@code null} for anonymous
     * @param password    its password, {@code null} for anonymous
     * @param topicFilter what to record
     * @param durable     persistent session (see the class comment) rather than a clean one
     */
    MqttRecorder(String brokerUrl, String username, char[] password, String topicFilter, boolean durable)
            throws MqttException {
        client = new MqttClient(brokerUrl, "itest-" + UUID.randomUUID().toString().substring(0, 13),
                new MemoryPersistence());
        options = new MqttConnectOptions();
        options.setCleanSession(!durable);
        options.setAutomaticReconnect(false); // a durable recorder reconnects when the test says so, see reconnect
        options.setConnectionTimeout(10);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // a test that needs the messages after an outage calls reconnect
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                synchronized (messages) {
                    messages.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                    messages.notifyAll();
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publishes nothing
            }
        });
        client.connect(options);
        client.subscribe(topicFilter, 1);
    }

    /**
     * Connects again after the broker came back, retrying until it accepts the connection.
     *
     * @throws IllegalStateException if the broker did not keep this durable recorder's session (messages
     *                               published while it was away would be missing through no fault of the gateway)
     * @throws MqttException         if the broker is not back within the timeout
     */
    void reconnect(long timeout, TimeUnit unit) throws MqttException, InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            try {
                boolean sessionPresent = client.connectWithResult(options).getSessionPresent();
                if (!options.isCleanSession() && !sessionPresent) {
                    throw new IllegalStateException("the broker lost the durable subscriber's session (does it"
                            + " keep sessions across restarts?)");
                }
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_CONNECTED) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** @return whether connected now */
    boolean isConnected() {
        return client.isConnected();
    }

    /** @return all messages so far, in arrival order */
    List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Waits until {@code count} messages match, or the timeout passes; returns the matches. */
    List<String> await(Predicate<String> match, int count, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (messages) {
            while (true) {
                List<String> hits = messages.stream().filter(match).toList();
                long left = deadline - System.nanoTime();
                if (hits.size() >= count || left <= 0) {
                    return hits;
                }
                messages.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (MqttException e) {
            client.disconnectForcibly(0, 0);
        }
        client.close();
    }
}
