package io.facegate.mqtt.broker.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A connected Paho client over TCP that collects what it receives. */
final class TestClient implements AutoCloseable {
    /** A received message. */
    record Received(String topic, String payload, boolean retained) {
    }

    final MqttClient paho;
    final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();

    TestClient(String url, String id, MqttConnectOptions o) throws MqttException {
        paho = new MqttClient(url, id, new MemoryPersistence());
        paho.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                        message.isRetained()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        o.setConnectionTimeout(10);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // no retry with MQTT 3.1 after a refusal
        try {
            paho.connect(o);
        } catch (MqttException e) {
            paho.close(true);
            throw e;
        }
    }

    TestClient(int port, String id) throws MqttException {
        this("tcp://127.0.0.1:" + port, id, new MqttConnectOptions());
    }

    TestClient(int port, String id, String user, String password) throws MqttException {
        this("tcp://127.0.0.1:" + port, id, login(user, password));
    }

    static MqttConnectOptions login(String user, String password) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(user);
        o.setPassword(password.toCharArray());
        return o;
    }

    /** @return the next message within 20 s, or {@code null} */
    Received next() throws InterruptedException {
        return received.poll(20, TimeUnit.SECONDS);
    }

    /** @return the payload of the next message within 20 s, or {@code null} */
    String nextPayload() throws InterruptedException {
        Received r = next();
        return r == null ? null : r.payload();
    }

    /**
     * @param filter a topic filter
     * @return the QoS the broker granted, 128 (0x80) if it refused the subscription
     */
    int subscribe(String filter) throws MqttException {
        try {
            IMqttToken t = paho.subscribeWithResponse(filter, 1);
            return t.getGrantedQos()[0];
        } catch (MqttException e) {
            if (e.getReasonCode() == 128) {
                return 128;
            }
            throw e;
        }
    }

    /** Publishes at QoS 0 (fire and forget: Moquette drops a forbidden one without telling). */
    void publish0(String topic, String payload) throws MqttException {
        paho.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 0, false);
    }

    /** Publishes at QoS 1 and waits for the PUBACK. */
    void publish1(String topic, String payload) throws MqttException {
        paho.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    @Override
    public void close() throws MqttException {
        if (paho.isConnected()) {
            paho.disconnectForcibly(0, 1000, true);
        }
        paho.close(true);
    }
}
