package io.facegate.push;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The CLI's one MQTT connection: JSON out, JSON in. Every {@link GatewaySession} of a run and the group roll call
 * share it, so a group push is one client on the broker however many gateways it talks to.
 */
final class BrokerLink implements AutoCloseable {
    /** One publish per gateway may be waiting for its PUBACK at once; Paho's default of 10 would refuse more. */
    private static final int MAX_INFLIGHT = 1000;

    private final MqttClient client;

    private BrokerLink(MqttClient client) {
        this.client = client;
    }

    /**
     * Connects, with {@code --user} and {@code --password-file} from {@code a} when given.
     *
     * @param a      the command line
     * @param broker the broker URL
     */
    static BrokerLink connect(Args a, String broker) throws UsageException, IOException, MqttException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setMaxInflight(MAX_INFLIGHT);
        if (a.get("--user") != null) {
            o.setUserName(a.get("--user"));
            o.setPassword(password(Path.of(a.required("--password-file"))));
        }
        MqttClient client;
        try {
            // not "facegate-...": the embedded broker keeps those client ids for the gateway
            client = new MqttClient(broker, "push-" + UUID.randomUUID(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new UsageException("--broker " + broker + ": " + e.getMessage());
        }
        BrokerLink link = new BrokerLink(client);
        try {
            client.connect(o);
        } catch (MqttException e) {
            link.close();
            throw e;
        }
        return link;
    }

    /**
     * @param filter   a topic filter
     * @param listener gets the topic and the payload as JSON (an unreadable one as {@code {"state":"unreadable"}});
     *                 runs on Paho's thread, so it must only hand the message on
     */
    void subscribe(String filter, BiConsumer<String, JsonObject> listener) throws MqttException {
        client.subscribe(filter, 1, (t, m) -> listener.accept(t, parse(m.getPayload())));
    }

    void unsubscribe(String filter) {
        try {
            if (client.isConnected()) {
                client.unsubscribe(filter);
            }
        } catch (MqttException e) {
            // the connection is going anyway
        }
    }

    /**
     * Publishes at QoS 1, never retained (a retained command would run again at every reconnect).
     *
     * @return the payload's size in bytes
     */
    int publish(String topic, JsonObject message) throws MqttException {
        byte[] payload = message.toString().getBytes(StandardCharsets.UTF_8);
        client.publish(topic, payload, 1, false);
        return payload.length;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2000);
            }
            client.close();
        } catch (MqttException e) {
            // nothing more to free
        }
    }

    private static JsonObject parse(byte[] payload) {
        try {
            return JsonParser.parseString(new String(payload, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            JsonObject o = new JsonObject();
            o.addProperty("state", "unreadable");
            return o;
        }
    }

    /** The MQTT password, from a file only its owner can read (never from the command line). */
    private static char[] password(Path file) throws IOException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IOException(file + " is readable by group or others: chmod 600 it");
            }
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().toCharArray();
        }
    }
}
