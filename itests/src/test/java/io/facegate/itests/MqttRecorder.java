package io.facegate.itests;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A real MQTT subscriber over TCP, recording every message of one topic filter. */
final class MqttRecorder implements AutoCloseable {
    private final MqttClient client;
    private final List<String> messages = new ArrayList<>();

    MqttRecorder(String topicFilter) throws MqttException {
        client = new MqttClient("tcp://127.0.0.1:" + System.getProperty(FacegateTestSupport.MQTT_PORT),
                "itest-" + System.nanoTime() % 100000, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        client.subscribe(topicFilter, 1, (topic, message) -> {
            synchronized (messages) {
                messages.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                messages.notifyAll();
            }
        });
    }

    /** @return all messages so far */
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
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
