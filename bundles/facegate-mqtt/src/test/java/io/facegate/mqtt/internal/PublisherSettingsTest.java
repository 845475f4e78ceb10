package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PublisherSettingsTest {
    /** A file every JDK has. */
    private static final String EXISTING_FILE = System.getProperty("java.home") + "/release";

    private static PublisherSettings settings(Object... kv) {
        return PublisherSettings.from(Configs.publisher(kv));
    }

    private static String refused(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> settings(kv)).getMessage();
    }

    @Test
    void defaults() {
        PublisherSettings s = settings();
        assertEquals("tcp://127.0.0.1:1883", s.brokerUrl());
        assertEquals("facegate", s.topicPrefix());
        assertTrue(PublisherSettings.GATEWAY_ID.matcher(s.gatewayId()).matches(), s.gatewayId());
        assertEquals("facegate-" + s.gatewayId(), s.clientId());
        assertEquals("facegate/" + s.gatewayId() + "/events", s.eventsTopic());
        assertEquals("facegate/" + s.gatewayId() + "/status", s.statusTopic());
        assertEquals(1, s.qos());
        assertEquals(64L << 20, s.outboxMaxBytes());
        assertEquals(EventOutbox.Overflow.DROP_OLDEST, s.outboxOverflow());
        assertEquals(List.of(), s.groups());
        assertEquals("facegate/" + s.gatewayId() + "/cmd/", s.commandTopicPrefix());
        assertEquals("facegate/" + s.gatewayId() + "/reply/", s.replyTopicPrefix());
        assertEquals(null, s.username());
        assertEquals(null, s.password());
    }

    @Test
    void groupsMayBeAListOrCommaSeparated() {
        assertEquals(List.of("site-a", "lobby", "b"), settings("groups", new String[] {"site-a, lobby", "b", "lobby"})
                .groups());
        assertEquals("facegate/group/lobby/cmd/", settings("groups", new String[] {"lobby"})
                .groupCommandTopicPrefix("lobby"));
    }

    @Test
    void explicitValues() {
        PublisherSettings s = settings("broker_url", " ssl://broker.example:8883 ", "username", "gw", "password", "s3cret",
                "gateway_id", "door-1", "client_id", "cid", "topic_prefix", "site/a", "qos", 2);
        assertEquals("ssl://broker.example:8883", s.brokerUrl());
        assertEquals("site/a/door-1/events", s.eventsTopic());
        assertEquals("cid", s.clientId());
        assertEquals(2, s.qos());
        assertFalse(s.toString().contains("s3cret"), "password must not be logged");
        assertEquals("ws://h:80/mqtt", settings("broker_url", "ws://h:80/mqtt").brokerUrl());
        assertEquals("tcp://h", settings("broker_url", "tcp://h/").brokerUrl());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertTrue(refused("broker_url", "http://h:1883").startsWith("broker_url must start with tcp://"));
        assertTrue(refused("broker_url", "mqtt://h:1883").startsWith("broker_url must start with tcp://"));
        assertTrue(refused("broker_url", "127.0.0.1:1883").startsWith("broker_url"));
        assertTrue(refused("broker_url", "").startsWith("broker_url is required"));
        assertTrue(refused("broker_url", "tcp://").startsWith("broker_url"));
        assertTrue(refused("broker_url", "tcp://h:0").startsWith("broker_url has an invalid port"));
        assertTrue(refused("broker_url", "tcp://h:70000").startsWith("broker_url has an invalid port"));
        assertTrue(refused("broker_url", "tcp://h:").startsWith("broker_url has an invalid port"));
        assertTrue(refused("broker_url", "tcp://user:pw@h:1883").startsWith("broker_url must not carry credentials"));
        assertTrue(refused("broker_url", "tcp://h:1883/x").startsWith("broker_url: only ws://"));
        assertTrue(refused("broker_url", "tcp://h:1883?x=1").startsWith("broker_url must not have a query"));
        assertTrue(refused("broker_url", "tcp://bad host").startsWith("broker_url is not a URL"));
        assertEquals("qos must be within 1..2, got 3", refused("qos", 3));
        assertEquals("qos must be within 1..2, got 0", refused("qos", 0), "QoS 0 has no acknowledgement to remove"
                + " an event from the outbox on");
        assertEquals("outbox_max_bytes must be within 65536..1099511627776, got 1000", refused("outbox_max_bytes",
                1000L));
        assertEquals("outbox_overflow must be drop_oldest or drop_newest, got 'block'", refused("outbox_overflow",
                "block"));
        assertTrue(refused("groups", new String[] {"site/a"}).startsWith("groups: each group must be"));
        assertTrue(refused("gateway_id", "group").startsWith("gateway_id must not be 'group'"));
        assertEquals("password and password_file are both set; keep one (password_file)", refused("username", "u",
                "password", "p", "password_file", EXISTING_FILE));
        assertTrue(refused("password_file", EXISTING_FILE).startsWith("password is set but username is empty"));
        assertEquals("trust_store_file: no such file /nonexistent/ca.p12", refused("broker_url", "ssl://h:8883",
                "trust_store_file", "/nonexistent/ca.p12"));
        assertTrue(refused("key_store_file", EXISTING_FILE).startsWith("key_store_file needs key_store_password_file"));
        assertTrue(refused("trust_store_file", EXISTING_FILE).startsWith("trust_store_file/key_store_file need an"
                + " ssl://"));
        assertEquals("max_inflight must be within 1..65000, got 0", refused("max_inflight", 0));
        assertEquals("keepalive_s must be within 0..65535, got -5", refused("keepalive_s", -5));
        assertEquals("connect_timeout_s must be within 1..300, got 0", refused("connect_timeout_s", 0));
        assertEquals("reconnect_max_delay_ms must be within 1000..3600000, got 500",
                refused("reconnect_max_delay_ms", 500L));
        assertTrue(refused("gateway_id", "a/b").startsWith("gateway_id must be"));
        assertTrue(refused("gateway_id", "gw+").startsWith("gateway_id must be"));
        assertTrue(refused("gateway_id", "#").startsWith("gateway_id must be"));
        assertTrue(refused("gateway_id", "x".repeat(65)).startsWith("gateway_id must be"));
        assertTrue(refused("topic_prefix", "a/+/b").startsWith("topic_prefix must not contain"));
        assertTrue(refused("topic_prefix", "a/#").startsWith("topic_prefix must not contain"));
        assertTrue(refused("topic_prefix", "/a").startsWith("topic_prefix must not start or end"));
        assertTrue(refused("topic_prefix", "a//b").startsWith("topic_prefix must not start or end"));
        assertTrue(refused("topic_prefix", "$SYS").startsWith("topic_prefix must not start with '$'"));
        assertTrue(refused("topic_prefix", " ").startsWith("topic_prefix is required"));
        assertTrue(refused("client_id", "has space").startsWith("client_id must be"));
        assertTrue(refused("password", "pw").startsWith("password is set but username is empty"));
    }

    @Test
    void hostNamesBecomeValidGatewayIds() {
        assertEquals("pi4-door.lan", PublisherSettings.sanitizeGatewayId("pi4-door.lan\n"));
        assertEquals("my-box", PublisherSettings.sanitizeGatewayId("my box"));
        assertEquals("box", PublisherSettings.sanitizeGatewayId("-_.box"));
        assertEquals("gateway", PublisherSettings.sanitizeGatewayId("..."));
        assertEquals("gateway", PublisherSettings.sanitizeGatewayId(null));
        assertEquals(64, PublisherSettings.sanitizeGatewayId("h".repeat(100)).length());
        assertTrue(PublisherSettings.GATEWAY_ID.matcher(PublisherSettings.defaultGatewayId()).matches());
    }
}
