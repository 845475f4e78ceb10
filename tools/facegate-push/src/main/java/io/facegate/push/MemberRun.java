package io.facegate.push;

import com.google.gson.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * One gateway's part of a group push, rollback or uninstall: sends what the {@link Delivery} asks for, one request
 * in flight, each reply awaited for a bounded time and the request sent again when none comes; when the gateway
 * refuses a chunk as out of order it is asked where it stands and the delivery resumes there. Then waits for its
 * final report.
 */
final class MemberRun {
    /** Out-of-order refusals in a row that are resolved by asking the gateway; more means it is stuck. */
    private static final int MAX_RESYNCS = 3;

    /**
     * @param replyMs how long one reply is awaited
     * @param retries how often a request without reply is sent again
     * @param endMs   how long the final report is awaited
     */
    record Limits(long replyMs, int retries, long endMs) {
    }

    private final String gateway;
    private final GatewaySession session;
    private final Delivery delivery;
    private final Limits limits;
    private final GroupProgress progress;

    MemberRun(String gateway, GatewaySession session, Delivery delivery, Limits limits, GroupProgress progress) {
        this.gateway = gateway;
        this.session = session;
        this.delivery = delivery;
        this.limits = limits;
        this.progress = progress;
    }

    /**
     * @param known the job as the gateway reported it before the run (the roll call), or {@code null}
     * @return how the job ended
     */
    Outcome run(JsonObject known) throws InterruptedException {
        try {
            return deliverAndWait(known);
        } catch (MqttException e) {
            return new Outcome(gateway, Outcome.State.ERROR, "MQTT " + e.getMessage() + " (" + e.getReasonCode() + ")");
        } catch (IllegalStateException e) {
            return new Outcome(gateway, Outcome.State.ERROR, e.getMessage());
        } catch (RuntimeException e) {
            // a reply without the fields of the protocol: this gateway's end is unknown, the others' are not
            return new Outcome(gateway, Outcome.State.ERROR, "unreadable reply: " + e);
        }
    }

    private Outcome deliverAndWait(JsonObject known) throws MqttException, InterruptedException {
        JsonObject job = known;
        if (job != null) {
            progress.update(gateway, delivery.done(job), delivery.label(job));
            if (delivery.next(job) != null && job.get("received").getAsLong() > 0) {
                progress.note(gateway, "resuming at " + delivery.describe(delivery.next(job)));
            }
        }
        int resyncs = 0;
        for (JsonObject request = delivery.next(job); request != null; request = delivery.next(job)) {
            String what = delivery.describe(request);
            JsonObject reply = send(delivery.verb(), request, what);
            if (reply == null) {
                return noAnswer(what);
            }
            int code = reply.get("code").getAsInt();
            if (code == 200) {
                job = reply.getAsJsonObject("result");
                resyncs = 0;
                progress.update(gateway, delivery.done(job), delivery.label(job));
                continue;
            }
            if (!delivery.resumes() || (code != 409 && code != 404) || ++resyncs > MAX_RESYNCS) {
                return Outcome.ofReply(gateway, reply, delivery::refuses);
            }
            // a chunk out of order (409) or for a job it does not have (404): go on from where the gateway is
            JsonObject status = send("status", new JsonObject(), "the status request");
            if (status == null) {
                return noAnswer("the status request");
            }
            int statusCode = status.get("code").getAsInt();
            if (statusCode != 200 && statusCode != 404) {
                return Outcome.ofReply(gateway, status, delivery::refuses);
            }
            JsonObject there = statusCode == 200 ? status.getAsJsonObject("result") : null;
            JsonObject again = delivery.next(there);
            if (again != null && delivery.describe(again).equals(what)) {
                // it wants what it just refused: not a matter of order
                return Outcome.ofReply(gateway, reply, delivery::refuses);
            }
            job = there;
            progress.note(gateway, reply.get("message").getAsString() + "; resuming at "
                    + (again == null ? "its end" : delivery.describe(again)));
        }
        // a download's bytes, or a rollback's states, go on showing while the gateway works
        JsonObject end = session.awaitEnd(job, limits.endMs(),
                j -> progress.update(gateway, delivery.done(j), delivery.label(j)));
        return Outcome.ofJob(gateway, end, limits.endMs());
    }

    /** @return the reply, or {@code null} if none came in 1 + retries tries; a 503 (busy) is tried again too */
    private JsonObject send(String verb, JsonObject request, String what) throws MqttException, InterruptedException {
        JsonObject reply = null;
        for (int attempt = 0; attempt <= limits.retries(); attempt++) {
            if (attempt > 0) {
                progress.note(gateway, (reply == null ? "no reply to " + what + " within " + seconds(limits.replyMs())
                        : what + ": " + reply.get("code").getAsInt() + " " + reply.get("message").getAsString())
                        + "; sending it again (" + attempt + " of " + limits.retries() + ")");
            }
            // a new request id each time: the gateway answers a chunk it already took with where it stands
            reply = session.request(verb, request, limits.replyMs());
            if (reply != null && reply.get("code").getAsInt() != 503) {
                return reply;
            }
        }
        return reply;
    }

    private Outcome noAnswer(String what) {
        return new Outcome(gateway, Outcome.State.NO_ANSWER, "no reply to " + what + " in " + (1 + limits.retries())
                + " tries of " + seconds(limits.replyMs()));
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
    }
}
