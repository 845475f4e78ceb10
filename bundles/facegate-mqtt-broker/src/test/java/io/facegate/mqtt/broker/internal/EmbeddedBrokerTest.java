package io.facegate.mqtt.broker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker's life cycle, limits, persistence and retained wills, with the generated credentials. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedBrokerTest {

    @TempDir
    Path tmp;

    /** Starts a broker whose credentials live under the test's folder. */
    private EmbeddedBrokerComponent start(Object... keyValues) {
        Object[] kv = new Object[keyValues.length + 2];
        kv[0] = "credentials_dir";
        kv[1] = tmp.resolve("creds").toString();
        System.arraycopy(keyValues, 0, kv, 2, keyValues.length);
        return new EmbeddedBrokerComponent(null, BrokerConfigs.config(kv));
    }

    private String pw(String user) {
        return BrokerConfigs.password(tmp.resolve("creds"), user);
    }

    private TestClient gateway(int port, String id) throws MqttException {
        return new TestClient(port, id, "gateway", pw("gateway"));
    }

    private TestClient reader(int port, String id) throws MqttException {
        return new TestClient(port, id, "reader", pw("reader"));
    }

    @Test
    void startsPublishesAndReceivesThenFreesThePort() throws Exception {
        int port = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = start("port", port);
        try {
            assertEquals(port, broker.port());
            assertFalse(BrokerConfigs.portFree(port), "listening");
            try (TestClient sub = reader(port, "sub"); TestClient pub = gateway(port, "facegate-gw")) {
                assertEquals(1, sub.subscribe("facegate/+/events"));
                pub.publish1("facegate/gw/events", "{\"x\":1}");
                assertEquals("{\"x\":1}", sub.nextPayload());
                // a message bigger than Moquette's 8 KB default goes through (max_message_bytes = 8 MiB)
                byte[] big = new byte[100_000];
                pub.paho.publish("facegate/gw/events", big, 1, false);
                TestClient.Received m = sub.next();
                assertNotNull(m);
                assertArrayEquals(big, m.payload().getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            broker.deactivate();
        }
        assertTrue(BrokerConfigs.portFree(port), "deactivate frees the port");
    }

    @Test
    void defaults() throws Exception {
        BrokerSettings s = BrokerConfigs.settings();
        assertEquals("127.0.0.1", s.host());
        assertEquals(1883, s.port());
        assertFalse(s.persistence());
        assertFalse(s.allowAnonymous(), "authentication on by default");
        assertNull(s.tls(), "no TLS listener by default");
        assertEquals("facegate", s.topicPrefix());
        assertEquals("+", s.gatewayLevel());
        assertEquals("facegate-", s.gatewayClientIdPrefix());
        assertTrue(s.loopbackOnly());
        assertEquals("false", s.moquetteProperties().getProperty("telemetry_enabled"), "no phoning home");
        assertEquals("false", s.moquetteProperties().getProperty("persistence_enabled"));
        assertEquals("false", s.moquetteProperties().getProperty("allow_anonymous"));
        assertEquals("disabled", s.moquetteProperties().getProperty("websocket_port"));
        assertNull(s.moquetteProperties().getProperty("ssl_port"));
        assertEquals(Path.of("etc").toAbsolutePath(), s.credentialsDir(), "./etc outside Karaf");
        assertEquals(Path.of("/opt/gw/etc"), BrokerSettings.from(BrokerConfigs.config(), null, "/opt/gw/etc")
                .credentialsDir(), "${karaf.etc} in Karaf");
        assertEquals(Path.of("/opt/gw/data/facegate/broker"),
                BrokerSettings.from(BrokerConfigs.config(), "/opt/gw/data", null).dataDir());
        BrokerSettings users = BrokerConfigs.settings("operator_users", new String[] {"alice, bob", "carol"},
                "reader_users", new String[] {"dash"});
        assertEquals(List.of("alice", "bob", "carol"), users.operatorUsers(), "a .cfg list is one string");
        assertEquals(TopicPolicy.Role.READER, users.roles().get("dash"));
        assertEquals(TopicPolicy.Role.GATEWAY, users.roles().get("gateway"));
    }

    @Test
    void aTakenPortFailsActivationClearly() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> start("port", taken.getLocalPort()));
            assertTrue(e.getMessage().contains("cannot start on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void badConfigurationIsRefusedNamingTheKey() throws IOException {
        assertEquals("port must be within 1..65535 (0 = no plain listener), got 70000",
                assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("port", 70000))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("port", 0))
                .getMessage().startsWith("port=0 (no plain listener) needs ssl_port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("host", " "))
                .getMessage().startsWith("host is required"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigs.settings("max_message_bytes", 10)).getMessage().startsWith("max_message_bytes"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigs.settings("password_file", tmp.resolve("missing").toString())).getMessage()
                .startsWith("password_file"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> start("host", "no-such-host.invalid"))
                .getMessage().startsWith("host 'no-such-host.invalid'"));
        for (String prefix : new String[] {"a/+", "#", "/facegate", "facegate/", "a//b", "$SYS", "a/../b", ""}) {
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> BrokerConfigs.settings("topic_prefix", prefix)).getMessage().startsWith("topic_prefix"),
                    prefix);
        }
        for (String id : new String[] {"a/b", "+", "group", "-x"}) {
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> BrokerConfigs.settings("gateway_id", id)).getMessage().startsWith("gateway_id"), id);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("operator_users",
                new String[] {"../x"})).getMessage().startsWith("operator_users: user names are"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("reader_users",
                new String[] {"gateway"})).getMessage().startsWith("reader_users: 'gateway' is a built-in user"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("operator_users",
                new String[] {"alice"}, "reader_users", new String[] {"alice"})).getMessage()
                .startsWith("reader_users: user 'alice' is listed twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("ssl_port", 70000))
                .getMessage().startsWith("ssl_port must be within"));
        assertEquals("keystore_file is required when ssl_port is set", assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigs.settings("ssl_port", 8883)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("client_auth", true))
                .getMessage().contains("need ssl_port"));
    }

    @Test
    void anOldPasswordFileStillWorksNextToTheGeneratedUsers() throws Exception {
        String hash = HexFormat.of().formatHex(PasswordHash.sha256("s3cret".getBytes(StandardCharsets.UTF_8)));
        Path pwFile = Files.writeString(tmp.resolve("broker.passwd"), "# by hand\nalice:" + hash + "\n");
        Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
        int port = BrokerConfigs.freePort();

        IllegalArgumentException noRole = assertThrows(IllegalArgumentException.class,
                () -> start("port", port, "password_file", pwFile.toString()));
        assertTrue(noRole.getMessage().startsWith("user 'alice' of the password store has no role"),
                noRole.getMessage());

        EmbeddedBrokerComponent broker = start("port", port, "password_file", pwFile.toString(),
                "operator_users", new String[] {"alice"});
        try (TestClient alice = new TestClient(port, "alice", "alice", "s3cret"); TestClient gw = gateway(port, "g")) {
            assertTrue(alice.paho.isConnected());
            assertFalse(Files.exists(CredentialFiles.secretFile(tmp.resolve("creds"), "alice")),
                    "a user of password_file gets no generated password");
            assertEquals(1, gw.subscribe("facegate/gw1/cmd/#"));
            alice.publish1("facegate/gw1/cmd/status", "{}");
            assertEquals("{}", gw.nextPayload(), "alice has the operator's rights");
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void aLostClientsRetainedWillIsRetained() throws Exception {
        int port = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = start("port", port);
        try {
            MqttConnectOptions o = TestClient.login("gateway", pw("gateway"));
            o.setWill("facegate/gw/status", "{\"state\":\"offline\"}".getBytes(StandardCharsets.UTF_8), 1, true);
            TestClient gw = new TestClient("tcp://127.0.0.1:" + port, "gw", o);
            gw.paho.publish("facegate/gw/status", "{\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8), 1, true);
            try (TestClient live = reader(port, "live")) {
                live.subscribe("facegate/gw/status");
                assertEquals("{\"state\":\"online\"}", live.nextPayload());
                gw.paho.disconnectForcibly(0, 1000, false); // no DISCONNECT packet: the connection is just gone
                gw.paho.close(true);
                assertEquals("{\"state\":\"offline\"}", live.nextPayload(), "the will, live");
            }
            // a subscriber arriving later learns that the gateway is offline, not the stale online
            assertEquals("{\"state\":\"offline\"}", retained(port, "facegate/gw/status", "{\"state\":\"offline\"}"));

            // a clean disconnect discards the will: the retained state stays what the client last published
            MqttConnectOptions o2 = TestClient.login("gateway", pw("gateway"));
            o2.setWill("facegate/gw2/status", "offline".getBytes(StandardCharsets.UTF_8), 1, true);
            try (TestClient gw2 = new TestClient("tcp://127.0.0.1:" + port, "gw2", o2)) {
                gw2.paho.publish("facegate/gw2/status", "bye".getBytes(StandardCharsets.UTF_8), 1, true);
            }
            Thread.sleep(500);
            try (TestClient late = reader(port, "late2")) {
                late.subscribe("facegate/gw2/status");
                assertEquals("bye", late.nextPayload());
                assertNull(late.received.poll(500, TimeUnit.MILLISECONDS));
            }
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void aWillOnATopicItsClientMayNotPublishIsNeverDelivered() throws Exception {
        int port = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = start("port", port);
        try (TestClient live = reader(port, "live")) {
            try (TestClient gw = gateway(port, "gw")) {
                gw.paho.publish("facegate/gw1/status", "online".getBytes(StandardCharsets.UTF_8), 1, true);
            }
            live.subscribe("facegate/#");
            assertEquals("online", live.nextPayload());
            // readers and operators may not publish events or status; each drops its connection at once, the
            // moment a will is fired
            String[][] forgers = {{"reader", "facegate/gw1/events"}, {"reader", "facegate/gw1/status"},
                {"operator", "facegate/gw1/events"}, {"operator", "facegate/gw1/reply/x"}};
            for (int i = 0; i < 24; i++) {
                String[] f = forgers[i % forgers.length];
                MqttConnectOptions o = TestClient.login(f[0], pw(f[0]));
                o.setWill(f[1], ("{\"forged\":" + i + "}").getBytes(StandardCharsets.UTF_8), 1, i % 2 == 0);
                TestClient forger = new TestClient("tcp://127.0.0.1:" + port, "forger" + i, o);
                forger.paho.disconnectForcibly(0, 1000, false); // no DISCONNECT packet: the connection is just gone
                forger.paho.close(true);
            }
            TestClient.Received leaked = live.received.poll(1500, TimeUnit.MILLISECONDS);
            assertNull(leaked, () -> "a forbidden will was delivered: " + leaked);
            try (TestClient late = reader(port, "late")) {
                late.subscribe("facegate/gw1/status");
                assertEquals("online", late.nextPayload(), "the retained status is still the gateway's");
            }
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void anAnonymousClientsWillIsRemovedOnceItIsConnected() throws Exception {
        int port = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = start("port", port, "allow_anonymous", true);
        try (TestClient live = reader(port, "live")) {
            live.subscribe("facegate/#");
            MqttConnectOptions o = new MqttConnectOptions();
            o.setWill("facegate/gw1/events", "{\"forged\":true}".getBytes(StandardCharsets.UTF_8), 1, false);
            TestClient anonymous = new TestClient("tcp://127.0.0.1:" + port, "anon", o);
            Thread.sleep(500); // anonymous clients bypass the authenticator: their will is checked after the CONNACK
            anonymous.paho.disconnectForcibly(0, 1000, false);
            anonymous.paho.close(true);
            TestClient.Received leaked = live.received.poll(1500, TimeUnit.MILLISECONDS);
            assertNull(leaked, () -> "an anonymous will was delivered: " + leaked);
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void anOperatorsWillOnACommandTopicIsAllowed() throws Exception {
        int port = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = start("port", port);
        try (TestClient gw = gateway(port, "gw")) {
            assertEquals(1, gw.subscribe("facegate/gw1/cmd/#"));
            MqttConnectOptions o = TestClient.login("operator", pw("operator"));
            o.setWill("facegate/gw1/cmd/status", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            TestClient op = new TestClient("tcp://127.0.0.1:" + port, "op", o);
            op.paho.disconnectForcibly(0, 1000, false);
            op.paho.close(true);
            assertEquals("{}", gw.nextPayload(), "a will the operator may publish is fired as MQTT says");
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void persistenceKeepsRetainedMessagesAcrossARestart() throws Exception {
        int port = BrokerConfigs.freePort();
        Path data = tmp.resolve("store");
        Object[] cfg = {"port", port, "persistence", true, "data_dir", data.toString()};
        EmbeddedBrokerComponent first = start(cfg);
        try (TestClient c = gateway(port, "c")) {
            c.paho.publish("facegate/gw/status", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
        } finally {
            first.deactivate();
        }
        try (var files = Files.list(data)) {
            assertTrue(files.findAny().isPresent(), "store written under data_dir");
        }
        EmbeddedBrokerComponent second = start(cfg);
        try (TestClient c = reader(port, "c2")) {
            c.subscribe("facegate/gw/status");
            assertEquals("kept", c.nextPayload());
        } finally {
            second.deactivate();
        }
    }

    /** Polls with fresh subscribers until the retained message on {@code topic} is {@code expected}. */
    private String retained(int port, String topic, String expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String seen = null;
        while (System.nanoTime() < end && !expected.equals(seen)) {
            try (TestClient late = reader(port, "late")) {
                late.subscribe(topic);
                TestClient.Received m = late.received.poll(2, TimeUnit.SECONDS);
                seen = m == null ? null : m.payload();
            }
        }
        return seen;
    }
}
