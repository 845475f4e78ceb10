package io.facegate.push;

import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Who is in a group, and where each stands with the job: one {@code deploy/status} of the job on
 * {@code <prefix>/group/<group>/cmd/deploy/status}, answered by every connected member on its own
 * {@code <prefix>/<gw>/reply/<id>} (404 for a job it has not seen, the job for one it has). A gateway's status
 * does not name its groups, so this is the only way to hear from the group; it cannot hear a member that is
 * offline, which is why the operator also says whom to expect.
 */
final class RollCall {
    private RollCall() {
    }

    /**
     * @param windowMs how long answers are collected
     * @return each gateway that answered, in the order they did, with its reply
     */
    static Map<String, JsonObject> ask(BrokerLink link, String prefix, String group, String job, long windowMs)
            throws MqttException, InterruptedException {
        // new per run: the gateway answers a request id it has seen with the old reply
        String id = job.substring(0, Math.min(job.length(), 48)) + "-roll-"
                + UUID.randomUUID().toString().substring(0, 6);
        String suffix = "/reply/" + id;
        Map<String, JsonObject> answers = new LinkedHashMap<>();
        String filter = prefix + "/+" + suffix;
        link.subscribe(filter, (topic, reply) -> {
            String gateway = topic.substring(prefix.length() + 1, topic.length() - suffix.length());
            synchronized (answers) {
                answers.putIfAbsent(gateway, reply); // QoS 1 may deliver twice
            }
        });
        try {
            JsonObject r = new JsonObject();
            r.addProperty("request_id", id);
            r.addProperty("job_id", job);
            link.publish(prefix + "/group/" + group + "/cmd/deploy/status", r);
            Thread.sleep(windowMs); // a member may answer late; the window is the operator's to choose
        } finally {
            link.unsubscribe(filter);
        }
        synchronized (answers) {
            return new LinkedHashMap<>(answers);
        }
    }
}
