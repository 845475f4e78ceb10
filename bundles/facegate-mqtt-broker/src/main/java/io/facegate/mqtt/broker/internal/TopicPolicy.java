package io.facegate.mqtt.broker.internal;

import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.util.List;
import java.util.Map;

/**
 * The broker's ACL: what each role may publish and subscribe to, with {@code P} = {@code topic_prefix} and
 * {@code G} = {@code gateway_id} ({@code +}, one level, when not configured):
 *
 * <pre>
 * gateway   publish   P/G/events  P/G/status  P/G/reply/#  P/G/notify/#  P/G/last_recognised
 *                     P/G/person/+/last_seen  homeassistant/#
 *           subscribe P/G/cmd/#  P/group/+/cmd/#  homeassistant/status  homeassistant/sensor/+/+/config
 * operator  publish   P/+/cmd/#  P/group/+/cmd/#
 *           subscribe P/#  homeassistant/#
 * reader    subscribe P/#  homeassistant/#
 * anonymous subscribe P/#  homeassistant/#    (only when allow_anonymous=true)
 * </pre>
 *
 * Everything else is denied, {@code $}-topics included. A published topic must moreover have no empty level and
 * no {@code .} or {@code ..} level: harmless to MQTT, but a consumer that maps topics onto paths could be misled.
 * Moquette asks {@link #canWrite} for every PUBLISH and {@link #canRead} for every filter of a SUBSCRIBE.
 */
final class TopicPolicy implements IAuthorizatorPolicy {

    /** What a user may do. */
    enum Role {
        /** The gateway's own MQTT client. */
        GATEWAY,
        /** May send commands and read everything. */
        OPERATOR,
        /** May only subscribe. */
        READER
    }

    /** Publish and subscribe filters of one role. */
    private record Rules(List<String> publish, List<String> subscribe) {
    }

    private static final Rules NOTHING = new Rules(List.of(), List.of());

    private final Map<String, Role> roles;
    private final Map<Role, Rules> rules;
    private final Rules anonymous;

    /**
     * @param topicPrefix    the gateways' topic prefix, validated
     * @param gatewayLevel   the gateway id level of the gateway user's topics: an id, or {@code +} for any
     * @param roles          the role of each user; users not named may do nothing
     * @param allowAnonymous whether clients without user name get the reader's rights
     */
    TopicPolicy(String topicPrefix, String gatewayLevel, Map<String, Role> roles, boolean allowAnonymous) {
        String p = topicPrefix;
        String g = p + "/" + gatewayLevel;
        List<String> readAll = List.of(p + "/#", "homeassistant/#");
        this.rules = Map.of(
                Role.GATEWAY, new Rules(
                        List.of(g + "/events", g + "/status", g + "/reply/#", g + "/notify/#",
                                g + "/last_recognised", g + "/person/+/last_seen", "homeassistant/#"),
                        // its own retained discovery configs, read back to remove those of forgotten people
                        List.of(g + "/cmd/#", p + "/group/+/cmd/#", "homeassistant/status",
                                "homeassistant/sensor/+/+/config")),
                Role.OPERATOR, new Rules(List.of(p + "/+/cmd/#", p + "/group/+/cmd/#"), readAll),
                Role.READER, new Rules(List.of(), readAll));
        this.roles = Map.copyOf(roles);
        this.anonymous = allowAnonymous ? new Rules(List.of(), readAll) : NOTHING;
    }

    @Override
    public boolean canWrite(Topic topic, String user, String client) {
        return mayPublish(user, topic.toString());
    }

    @Override
    public boolean canRead(Topic topic, String user, String client) {
        return maySubscribe(user, topic.toString());
    }

    /**
     * @param user  the authenticated user name, {@code null} for an anonymous client
     * @param topic the topic name of a PUBLISH (or of a last will)
     * @return whether the user may publish there
     */
    boolean mayPublish(String user, String topic) {
        if (!TopicFilters.isValidName(topic) || hasSuspiciousLevel(topic)) {
            return false;
        }
        for (String filter : rulesOf(user).publish()) {
            if (TopicFilters.matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param user   the authenticated user name, {@code null} for an anonymous client
     * @param filter a topic filter of a SUBSCRIBE
     * @return whether one of the user's subscribe filters covers every topic that {@code filter} matches
     */
    boolean maySubscribe(String user, String filter) {
        for (String allowed : rulesOf(user).subscribe()) {
            if (TopicFilters.covers(allowed, filter)) {
                return true;
            }
        }
        return false;
    }

    private Rules rulesOf(String user) {
        if (user == null) {
            return anonymous;
        }
        Role role = roles.get(user);
        return role == null ? NOTHING : rules.get(role);
    }

    private static boolean hasSuspiciousLevel(String topic) {
        for (String level : TopicFilters.levels(topic)) {
            if (level.isEmpty() || level.equals(".") || level.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
