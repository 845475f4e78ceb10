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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * One deployment job's conversation with a gateway over MQTT: commands to {@code <base>/cmd/deploy/<verb>} with
 * request ids {@code <job>-<n>}, their replies from {@code <base>/reply/#}, and the job's progress from
 * {@code <base>/notify/deploy/<job>}.
 */
final class GatewaySession implements AutoCloseable {
    private final MqttClient client;
    private final String base;
    private final String job;
    private final BlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonObject> notes = new LinkedBlockingQueue<>();
    private int requests;
    private long sentBytes;

    private GatewaySession(MqttClient client, String base, String job) {
        this.client = client;
        this.base = base;
        this.job = job;
    }

    /**
     * Connects, with {@code --user} and {@code --password-file} from {@code a} when given, and subscribes.
     *
     * @param a      the command line
     * @param broker the broker URL
     * @param base   {@code <prefix>/<gateway>}
     * @param job    the job id
     */
    static GatewaySession open(Args a, String broker, String base, String job)
            throws UsageException, IOException, MqttException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
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
        GatewaySession s = new GatewaySession(client, base, job);
        try {
            client.connect(o);
            client.subscribe(base + "/reply/#", 1, (t, m) -> s.replies.add(parse(m.getPayload())));
            client.subscribe(base + "/notify/deploy/" + job, 1, (t, m) -> s.notes.add(parse(m.getPayload())));
        } catch (MqttException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Sends {@code deploy/<verb>} with the job id and {@code fields}, and waits for its reply.
     *
     * @return the reply, or {@code null} if none came within {@code timeoutMs}
     */
    JsonObject request(String verb, JsonObject fields, long timeoutMs) throws MqttException, InterruptedException {
        JsonObject r = new JsonObject();
        String id = job + "-" + (requests++);
        r.addProperty("request_id", id);
        r.addProperty("job_id", job);
        fields.entrySet().forEach(e -> r.add(e.getKey(), e.getValue()));
        byte[] payload = r.toString().getBytes(StandardCharsets.UTF_8);
        client.publish(base + "/cmd/deploy/" + verb, payload, 1, false);
        sentBytes += payload.length;
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            JsonObject reply = replies.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if (reply != null && reply.has("request_id") && id.equals(reply.get("request_id").getAsString())) {
                return reply;
            }
        }
        return null;
    }

    /** @return the requests sent so far */
    int requests() {
        return requests;
    }

    /** @return the MQTT payload bytes sent so far */
    long sentBytes() {
        return sentBytes;
    }

    /**
     * Waits for the notify topic to tell the end; asks {@code deploy/status} every 5 s in case a notice is lost.
     *
     * @param last the job as the last reply had it
     * @return the job once it ended, or as it stood at the timeout
     */
    JsonObject awaitEnd(JsonObject last, long timeoutMs) throws MqttException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonObject state = last;
        while (!finished(state) && System.currentTimeMillis() < deadline) {
            JsonObject note = notes.poll(5, TimeUnit.SECONDS);
            if (note != null) {
                state = note;
                continue;
            }
            JsonObject reply = request("status", new JsonObject(), 10_000);
            if (reply != null && reply.get("code").getAsInt() == 200) {
                state = reply.getAsJsonObject("result");
            }
        }
        return state;
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

    private static boolean finished(JsonObject job) {
        String s = job.get("state").getAsString();
        return s.equals("done") || s.equals("failed") || s.equals("rolled_back");
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
