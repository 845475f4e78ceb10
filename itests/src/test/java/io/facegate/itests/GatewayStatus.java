package io.facegate.itests;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reads the gateway's retained status ({@code facegate/<gw>/status}, schema_version 2) from a broker. */
final class GatewayStatus {
    private GatewayStatus() {
    }

    /** @return the status topic of a gateway */
    static String topic(String gatewayId) {
        return "facegate/" + gatewayId + "/status";
    }

    /** @return the events topic of a gateway */
    static String eventsTopic(String gatewayId) {
        return "facegate/" + gatewayId + "/events";
    }

    /**
     * Subscribes until a status message matches (the retained one, or one published later).
     *
     * @return the first match
     * @throws AssertionError if none matches within the timeout; the message lists what came
     */
    static String await(Broker broker, String gatewayId, Predicate<String> match, long timeout, TimeUnit unit)
            throws Exception {
        try (MqttRecorder status = new MqttRecorder(broker.url(), broker.subscriberUser(),
                broker.subscriberPassword(), topic(gatewayId), false)) {
            List<String> hits = status.await(match, 1, timeout, unit);
            if (hits.isEmpty()) {
                throw new AssertionError("no matching status of gateway " + gatewayId + " on " + broker.url()
                        + " within " + timeout + " " + unit + "; got: " + status.messages());
            }
            return hits.get(0);
        }
    }

    /** @return whether a status message says the gateway is online */
    static boolean online(String json) {
        return json.contains("\"state\":\"online\"");
    }
}
