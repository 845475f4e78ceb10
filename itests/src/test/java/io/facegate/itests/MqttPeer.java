package io.facegate.itests;

import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.ops4j.pax.exam.Option;

/**
 * A real MQTT client over TCP or TLS, logged in as a user (or anonymous), that records every message of the
 * filters it subscribes to, in arrival order, and publishes. Its client ids never start with {@code facegate-}
 * (the broker keeps those for the gateway).
 */
final class MqttPeer implements AutoCloseable {
    /** One received message. */
    record Message(String topic, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String t = text();
            return topic + " " + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
        }
    }

    private static final AtomicLong IDS = new AtomicLong();

    /** Plain sockets without Nagle's algorithm: small messages leave at once instead of waiting for an ACK. */
    private static final class NoDelaySockets extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket s = createSocket();
            s.connect(new InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            Socket s = createSocket();
            s.bind(new InetSocketAddress(local, localPort));
            s.connect(new InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket s = createSocket();
            s.connect(new InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            Socket s = createSocket();
            s.bind(new InetSocketAddress(local, localPort));
            s.connect(new InetSocketAddress(host, port));
            return s;
        }
    }

    private final MqttClient client;
    private final List<Message> messages = new ArrayList<>();

    /**
     * Connects.
     *
     * @param url      broker URL
     * @param user     user name, or {@code null} for an anonymous client
     * @param password password, or {@code null}
     * @param tls      TLS context for ssl:// URLs, or {@code null}
     * @throws MqttException if the broker refuses the connection
     */
    MqttPeer(String url, String user, char[] password, SSLContext tls) throws MqttException {
        client = new MqttClient(url, "itest-peer-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet(),
                new MemoryPersistence());
        client.setTimeToWait(20_000);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        options.setMaxInflight(100);
        if (user != null) {
            options.setUserName(user);
        }
        if (password != null) {
            options.setPassword(password);
        }
        if (tls != null) {
            options.setSocketFactory(tls.getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true);
        } else {
            options.setSocketFactory(new NoDelaySockets());
        }
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
    }

    /**
     * @return options (for the test's {@code extraOptions}) that log the gateway in to its embedded broker as the
     *         generated user {@code gateway}, and retry fast while the broker is starting
     */
    static List<Option> gatewayLogsIn() {
        String cfg = "etc/io.facegate.mqtt.cfg";
        return List.of(editConfigurationFilePut(cfg, "username", "gateway"),
                editConfigurationFilePut(cfg, "password_file", "${karaf.etc}/facegate-mqtt-gateway.secret"),
                editConfigurationFilePut(cfg, "reconnect_min_delay_ms", "200"),
                editConfigurationFilePut(cfg, "reconnect_max_delay_ms", "2000"));
    }

    /** @return the embedded broker's plain URL of the gateway under test (inside the probe) */
    static String embeddedBroker() {
        return "tcp://127.0.0.1:" + System.getProperty(FacegateTestSupport.MQTT_PORT);
    }

    /**
     * @param user a user of the embedded broker: gateway, operator or reader
     * @return its generated secret file in the container's etc folder
     */
    static Path secretFile(String user) {
        return Path.of(System.getProperty("karaf.etc"), "facegate-mqtt-" + user + ".secret");
    }

    /**
     * Connects to the embedded broker as one of its generated users, waiting (up to 60 s) for the broker to have
     * written the user's secret.
     */
    static MqttPeer embeddedAs(String user) throws MqttException, IOException, InterruptedException {
        return new MqttPeer(embeddedBroker(), user, secretOf(user), null);
    }

    /** @return the password the embedded broker generated for a user */
    static char[] secretOf(String user) throws IOException, InterruptedException {
        Path file = secretFile(user);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.isRegularFile(file) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
    }

    /** Subscribes with QoS 1; returns once the broker acknowledged the subscription. */
    MqttPeer subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1, (topic, message) -> {
            synchronized (messages) {
                messages.add(new Message(topic, message.getPayload()));
                messages.notifyAll();
            }
        });
        return this;
    }

    /** Publishes, not retained; with QoS 1 it returns once the broker acknowledged it. */
    void publish(String topic, byte[] payload, int qos) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        client.publish(topic, m);
    }

    /** Publishes without waiting; the token tells when the broker acknowledged it (QoS 1). */
    IMqttDeliveryToken publishAsync(String topic, byte[] payload, int qos) throws MqttException {
        return client.getTopic(topic).publish(payload, qos, false);
    }

    /** Publishes without waiting for any acknowledgement (a broker may drop a refused QoS 1 message silently). */
    void publishNoWait(String topic, byte[] payload, int qos) throws MqttException {
        client.getTopic(topic).publish(payload, qos, false);
    }

    /**
     * Sends a command to a gateway and waits for its reply; this peer must have subscribed to
     * {@code <gatewayTopic>/reply/#}.
     *
     * @param gatewayTopic {@code <prefix>/<gateway id>}
     * @param command      the command, e.g. {@code deploy/status}
     * @param request      the request fields; {@code request_id} is added
     * @param requestId    the request id
     * @param timeoutSeconds how long to wait for the reply
     * @return the reply, or {@code null} if none came in time
     */
    JsonObject command(String gatewayTopic, String command, JsonObject request, String requestId, int timeoutSeconds)
            throws MqttException, InterruptedException {
        JsonObject o = new JsonObject();
        o.addProperty("request_id", requestId);
        request.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        publish(gatewayTopic + "/cmd/" + command, o.toString().getBytes(StandardCharsets.UTF_8), 1);
        List<Message> replies = await(m -> m.topic().equals(gatewayTopic + "/reply/" + requestId), 1,
                timeoutSeconds, TimeUnit.SECONDS);
        return replies.isEmpty() ? null
                : JsonParser.parseString(new String(replies.get(0).payload(), StandardCharsets.UTF_8))
                        .getAsJsonObject();
    }

    /** @return whether the client is connected now */
    boolean isConnected() {
        return client.isConnected();
    }

    /** @return every message so far */
    List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** @return how many messages arrived so far */
    int count() {
        synchronized (messages) {
            return messages.size();
        }
    }

    /**
     * Waits for the message with this arrival index.
     *
     * @return it, or {@code null} if it did not arrive in time
     */
    Message awaitAt(int index, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (messages) {
            while (messages.size() <= index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                messages.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return messages.get(index);
        }
    }

    /** Waits until {@code count} messages match, or the timeout passes; returns the matches. */
    List<Message> await(Predicate<Message> match, int count, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (messages) {
            while (true) {
                List<Message> hits = messages.stream().filter(match).toList();
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
            try {
                client.disconnect(1000);
            } catch (MqttException e) {
                client.disconnectForcibly(100, 1000);
            }
        }
        client.close();
    }
}
