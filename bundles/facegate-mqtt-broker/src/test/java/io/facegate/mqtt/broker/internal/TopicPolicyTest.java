package io.facegate.mqtt.broker.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.mqtt.broker.internal.TopicPolicy.Role;
import io.moquette.broker.subscriptions.Topic;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicPolicyTest {
    private static final Map<String, Role> ROLES = Map.of("gateway", Role.GATEWAY, "operator", Role.OPERATOR,
            "reader", Role.READER, "alice", Role.OPERATOR);
    private final TopicPolicy policy = new TopicPolicy("facegate", "+", ROLES, false);

    @Test
    void gatewayPublishesItsOwnTopicsAndReceivesCommands() {
        for (String t : new String[] {"facegate/gw1/events", "facegate/gw1/status", "facegate/gw1/reply/r-1",
            "facegate/gw1/reply/a/b", "facegate/gw1/notify/person/x", "homeassistant/sensor/gw1/state/config",
            "facegate/gw1/last_recognised", "facegate/gw1/person/person_alice_0123456789/last_seen"}) {
            assertTrue(policy.mayPublish("gateway", t), t);
        }
        for (String t : new String[] {"facegate/gw1/cmd/people", "facegate/group/site/cmd/enroll",
            "facegate/gw1/events/x", "facegate/gw1/statusx", "facegate/gw1/replies/x", "facegate/a/b/events",
            "facegate/events", "other/gw1/events", "$SYS/x", "facegate/gw1/x", "facegate/gw1/person/a/b/last_seen"}) {
            assertFalse(policy.mayPublish("gateway", t), t);
        }
        assertTrue(policy.maySubscribe("gateway", "facegate/gw1/cmd/#"));
        assertTrue(policy.maySubscribe("gateway", "facegate/+/cmd/#"));
        assertTrue(policy.maySubscribe("gateway", "facegate/group/site/cmd/#"));
        assertTrue(policy.maySubscribe("gateway", "facegate/group/+/cmd/#"));
        assertTrue(policy.maySubscribe("gateway", "homeassistant/status"));
        assertTrue(policy.maySubscribe("gateway", "homeassistant/sensor/gw1/+/config"));
        assertFalse(policy.maySubscribe("gateway", "homeassistant/light/+/+/config"));
        assertFalse(policy.maySubscribe("gateway", "facegate/#"), "other gateways' events");
        assertFalse(policy.maySubscribe("gateway", "facegate/gw1/events"));
        assertFalse(policy.maySubscribe("gateway", "#"));
        assertFalse(policy.maySubscribe("gateway", "homeassistant/#"));
    }

    @Test
    void operatorCommandsAndReads() {
        assertTrue(policy.mayPublish("operator", "facegate/gw1/cmd/people"));
        assertTrue(policy.mayPublish("operator", "facegate/gw1/cmd/config/set"));
        assertTrue(policy.mayPublish("operator", "facegate/group/site/cmd/enroll"));
        assertTrue(policy.mayPublish("alice", "facegate/gw1/cmd/people"), "a configured operator");
        assertFalse(policy.mayPublish("operator", "facegate/gw1/events"), "no forged events");
        assertFalse(policy.mayPublish("operator", "facegate/gw1/status"));
        assertFalse(policy.mayPublish("operator", "facegate/gw1/reply/r-1"));
        assertFalse(policy.mayPublish("operator", "homeassistant/sensor/x/config"));
        assertTrue(policy.maySubscribe("operator", "facegate/#"));
        assertTrue(policy.maySubscribe("operator", "facegate/+/reply/#"));
        assertTrue(policy.maySubscribe("operator", "homeassistant/#"));
        assertFalse(policy.maySubscribe("operator", "#"));
        assertFalse(policy.maySubscribe("operator", "$SYS/#"));
    }

    @Test
    void readerAndStrangersPublishNothing() {
        for (String user : new String[] {"reader", "mallory", null}) {
            assertFalse(policy.mayPublish(user, "facegate/gw1/events"), String.valueOf(user));
            assertFalse(policy.mayPublish(user, "facegate/gw1/cmd/people"), String.valueOf(user));
            assertFalse(policy.mayPublish(user, "anything"), String.valueOf(user));
        }
        assertTrue(policy.maySubscribe("reader", "facegate/#"));
        assertTrue(policy.maySubscribe("reader", "homeassistant/+/+/config"));
        assertFalse(policy.maySubscribe("reader", "#"));
        assertFalse(policy.maySubscribe("mallory", "facegate/#"), "a user without role");
        assertFalse(policy.maySubscribe(null, "facegate/#"), "anonymous, allow_anonymous=false");
        TopicPolicy open = new TopicPolicy("facegate", "+", ROLES, true);
        assertTrue(open.maySubscribe(null, "facegate/#"), "anonymous reads when allowed");
        assertFalse(open.mayPublish(null, "facegate/gw1/events"), "but never publishes");
    }

    @Test
    void suspiciousTopicsAreRefusedToEveryone() {
        assertFalse(policy.mayPublish("operator", "facegate/x/cmd/../.."));
        assertFalse(policy.mayPublish("operator", "facegate/x/cmd/./people"));
        assertFalse(policy.mayPublish("operator", "facegate//cmd/people"), "empty gateway level");
        assertFalse(policy.mayPublish("operator", "facegate/gw1/cmd/"), "empty command");
        assertFalse(policy.mayPublish("gateway", "facegate/gw1/reply/../../gw2/cmd/x"));
        assertFalse(policy.mayPublish("operator", "facegate/+/cmd/people"), "wildcards are not topic names");
        assertFalse(policy.mayPublish("operator", "facegate/gw1/cmd/#"));
    }

    @Test
    void prefixAndGatewayIdAreConfigurable() {
        TopicPolicy p = new TopicPolicy("site/fg", "gw1", ROLES, false);
        assertTrue(p.mayPublish("gateway", "site/fg/gw1/events"));
        assertFalse(p.mayPublish("gateway", "site/fg/gw2/events"), "only its own id");
        assertFalse(p.mayPublish("gateway", "facegate/gw1/events"));
        assertTrue(p.maySubscribe("gateway", "site/fg/gw1/cmd/#"));
        assertFalse(p.maySubscribe("gateway", "site/fg/+/cmd/#"));
        assertTrue(p.mayPublish("operator", "site/fg/gw2/cmd/people"));
        assertTrue(p.maySubscribe("reader", "site/fg/#"));
        assertFalse(p.maySubscribe("reader", "site/#"));
    }

    @Test
    void moquettesCallsAreAnswered() {
        assertTrue(policy.canWrite(new Topic("facegate/gw1/events"), "gateway", "facegate-gw1"));
        assertFalse(policy.canWrite(new Topic("facegate/gw1/events"), "reader", "r"));
        assertTrue(policy.canRead(new Topic("facegate/#"), "reader", "r"));
        assertFalse(policy.canRead(new Topic("#"), "reader", "r"));
    }
}
