package io.facegate.push;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * One deployment job's conversation with a gateway over MQTT: commands to {@code <base>/cmd/deploy/<verb>} with
 * request ids {@code <job>-<run>-<n>}, their replies from {@code <base>/reply/#}, and the job's progress from
 * {@code <base>/notify/deploy/<job>}. Several sessions (a group push) share one {@link BrokerLink}.
 */
final class GatewaySession implements AutoCloseable {
    /** Request ids are one topic level of at most 64 characters; the job's part is cut to leave room. */
    private static final int JOB_PART = 48;

    private final BrokerLink link;
    private final boolean ownsLink;
    private final String base;
    private final String job;
    private final String idPrefix;
    private final BlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonObject> notes = new LinkedBlockingQueue<>();
    private int requests;
    private long sentBytes;

    private GatewaySession(BrokerLink link, boolean ownsLink, String base, String job) {
        this.link = link;
        this.ownsLink = ownsLink;
        this.base = base;
        this.job = job;
        // new per run: a gateway answers a request id it has seen with its stored reply, so a second run of the
        // same --job must not reuse the first run's ids (it would get that run's stale answers)
        String run = UUID.randomUUID().toString().substring(0, 6);
        this.idPrefix = job.substring(0, Math.min(job.length(), JOB_PART)) + "-" + run + "-";
    }

    /**
     * Connects, with {@code --user} and {@code --password-file} from {@code a} when given, and subscribes; the
     * connection is closed with the session.
     *
     * @param a      the command line
     * @param broker the broker URL
     * @param base   {@code <prefix>/<gateway>}
     * @param job    the job id
     */
    static GatewaySession open(Args a, String broker, String base, String job)
            throws UsageException, IOException, MqttException {
        BrokerLink link = BrokerLink.connect(a, broker);
        try {
            return open(link, true, base, job);
        } catch (MqttException e) {
            link.close();
            throw e;
        }
    }

    /**
     * Subscribes over a connection that others share; closing the session leaves it open.
     *
     * @param link the connection
     * @param base {@code <prefix>/<gateway>}
     * @param job  the job id
     */
    static GatewaySession open(BrokerLink link, String base, String job) throws MqttException {
        return open(link, false, base, job);
    }

    private static GatewaySession open(BrokerLink link, boolean owns, String base, String job) throws MqttException {
        GatewaySession s = new GatewaySession(link, owns, base, job);
        try {
            link.subscribe(base + "/reply/#", (t, m) -> s.replies.add(m));
            link.subscribe(base + "/notify/deploy/" + job, (t, m) -> s.notes.add(m));
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
        String id = idPrefix + (requests++);
        r.addProperty("request_id", id);
        r.addProperty("job_id", job);
        fields.entrySet().forEach(e -> r.add(e.getKey(), e.getValue()));
        sentBytes += link.publish(base + "/cmd/deploy/" + verb, r);
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
        return awaitEnd(last, timeoutMs, job -> { });
    }

    /**
     * As {@link #awaitEnd(JsonObject, long)}, telling {@code seen} every state of the job heard meanwhile.
     *
     * @param seen gets each notice and status, on the calling thread (a download's progress)
     */
    JsonObject awaitEnd(JsonObject last, long timeoutMs, Consumer<JsonObject> seen)
            throws MqttException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonObject state = last;
        while (!finished(state) && System.currentTimeMillis() < deadline) {
            JsonObject note = notes.poll(5, TimeUnit.SECONDS);
            if (note != null) {
                state = note;
                seen.accept(state);
                continue;
            }
            JsonObject reply = request("status", new JsonObject(), 10_000);
            if (reply != null && reply.get("code").getAsInt() == 200) {
                state = reply.getAsJsonObject("result");
                seen.accept(state);
            }
        }
        return state;
    }

    @Override
    public void close() {
        link.unsubscribe(base + "/reply/#");
        link.unsubscribe(base + "/notify/deploy/" + job);
        if (ownsLink) {
            link.close();
        }
    }

    /** @return whether the job reached one of its end states */
    static boolean finished(JsonObject job) {
        String s = job.get("state").getAsString();
        return s.equals("done") || s.equals("failed") || s.equals("rolled_back");
    }
}
