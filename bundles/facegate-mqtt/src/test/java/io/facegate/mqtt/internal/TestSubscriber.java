package io.facegate.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A real Paho client subscribed to a topic filter, collecting what arrives. */
final class TestSubscriber implements AutoCloseable {
    /** One received message. */
    record Msg(String topic, String payload, int qos, boolean retained) {
    }

    private final MqttClient client;
    private final LinkedBlockingQueue<Msg> received = new LinkedBlockingQueue<>();

    /** Subscribes with QoS 2. */
    TestSubscriber(String brokerUrl, String filter) {
        this(brokerUrl, filter, 2);
    }

    /**
     * Subscribes with the given QoS. Moquette 0.17 sets the retain flag only on retained messages it delivers at
     * QoS 0 (at QoS 1/2 it delivers them with the flag cleared), so tests that check the flag subscribe with 0.
     */
    TestSubscriber(String brokerUrl, String filter, int qos) {
        try {
            client = new MqttClient(brokerUrl, "test-sub-" + System.nanoTime(), new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    received.add(new Msg(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(),
                            m.isRetained()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setConnectionTimeout(5);
            client.connect(o);
            client.subscribe(filter, qos);
        } catch (MqttException e) {
            throw new IllegalStateException("test subscriber: " + e, e);
        }
    }

    /**
     * @param timeoutMs how long to wait
     * @param match     which message
     * @return the first message matching, skipping others; null on timeout
     */
    Msg await(long timeoutMs, Predicate<Msg> match) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Msg m = received.poll(left, TimeUnit.NANOSECONDS);
            if (m != null && match.test(m)) {
                return m;
            }
        }
    }

    /**
     * Publishes as this client (QoS 1, not retained), e.g. a command.
     *
     * @param topic   topic
     * @param payload UTF-8 payload
     */
    void publish(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /**
     * Publishes a retained message as this client (QoS 1).
     *
     * @param topic   topic
     * @param payload UTF-8 payload; empty removes the retained message
     */
    void publishRetained(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true);
    }

    /** @return and forget everything received so far */
    List<Msg> drain() {
        List<Msg> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (MqttException e) {
            // ignore
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // ignore
        }
    }
}
