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
import java.util.HexFormat;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedBrokerTest {

    @TempDir
    Path tmp;

    /** A connected Paho client that collects what it receives. */
    private static final class Client implements AutoCloseable {
        final MqttClient paho;
        final LinkedBlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();

        Client(int port, String id, MqttConnectOptions o) throws MqttException {
            paho = new MqttClient("tcp://127.0.0.1:" + port, id, new MemoryPersistence());
            paho.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(message);
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            o.setConnectionTimeout(10);
            paho.connect(o);
        }

        Client(int port, String id) throws MqttException {
            this(port, id, new MqttConnectOptions());
        }

        String next() throws InterruptedException {
            MqttMessage m = received.poll(20, TimeUnit.SECONDS);
            return m == null ? null : new String(m.getPayload(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws MqttException {
            if (paho.isConnected()) {
                paho.disconnect(1000);
            }
            paho.close(true);
        }
    }

    @Test
    void startsPublishesAndReceivesThenFreesThePort() throws Exception {
        int port = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = new EmbeddedBrokerComponent(null, BrokerConfigs.config("port", port));
        try {
            assertEquals(port, broker.port());
            assertFalse(BrokerConfigs.portFree(port), "listening");
            try (Client sub = new Client(port, "sub"); Client pub = new Client(port, "pub")) {
                sub.paho.subscribe("facegate/+/events", 1);
                pub.paho.publish("facegate/gw/events", "{\"x\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
                assertEquals("{\"x\":1}", sub.next());
                // a message bigger than Moquette's 8 KB default goes through (max_message_bytes = 256 KiB)
                byte[] big = new byte[100_000];
                pub.paho.publish("facegate/gw/events", big, 1, false);
                MqttMessage m = sub.received.poll(20, TimeUnit.SECONDS);
                assertNotNull(m);
                assertArrayEquals(big, m.getPayload());
            }
        } finally {
            broker.deactivate();
        }
        assertTrue(BrokerConfigs.portFree(port), "deactivate frees the port");
    }

    @Test
    void listensOnLoopbackOnlyByDefault() throws Exception {
        BrokerSettings s = BrokerConfigs.settings();
        assertEquals("127.0.0.1", s.host());
        assertEquals(1883, s.port());
        assertFalse(s.persistence());
        assertTrue(s.allowAnonymous());
        assertTrue(s.loopbackOnly());
        assertEquals("false", s.moquetteProperties().getProperty("telemetry_enabled"), "no phoning home");
        assertEquals("false", s.moquetteProperties().getProperty("persistence_enabled"));
        assertEquals("disabled", s.moquetteProperties().getProperty("websocket_port"));
        assertEquals(Path.of("/opt/gw/data/facegate/broker"),
                BrokerSettings.from(BrokerConfigs.config(), "/opt/gw/data").dataDir());
    }

    @Test
    void aTakenPortFailsActivationClearly() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new EmbeddedBrokerComponent(null, BrokerConfigs.config("port", taken.getLocalPort())));
            assertTrue(e.getMessage().contains("cannot start on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void badConfigurationIsRefused() throws IOException {
        assertEquals("port must be within 1..65535, got 0", assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigs.settings("port", 0)).getMessage());
        assertEquals("port must be within 1..65535, got 70000", assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigs.settings("port", 70000)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrokerConfigs.settings("host", " "))
                .getMessage().startsWith("host is required"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigs.settings("max_message_bytes", 10)).getMessage().startsWith("max_message_bytes"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigs.settings("allow_anonymous", false)).getMessage().contains("password_file"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BrokerConfigs.settings("password_file", tmp.resolve("missing").toString())).getMessage()
                .contains("does not exist"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new EmbeddedBrokerComponent(null, BrokerConfigs.config("host", "no-such-host.invalid")))
                .getMessage().startsWith("host 'no-such-host.invalid'"));
        Path bad = Files.writeString(tmp.resolve("bad.passwd"), "# users\nalice:not-a-hash\n");
        assertEquals("password_file " + bad + " line 2: expected user:<64 hex digits of SHA-256(password)>",
                assertThrows(IllegalArgumentException.class, () -> PasswordFileAuthenticator.load(bad)).getMessage());
    }

    @Test
    void passwordsWhenAnonymousIsOff() throws Exception {
        String hash = HexFormat.of().formatHex(PasswordFileAuthenticator.sha256("s3cret".getBytes(StandardCharsets.UTF_8)));
        Path pw = Files.writeString(tmp.resolve("broker.passwd"), "# facegate\ngateway:" + hash + "\n");
        int port = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = new EmbeddedBrokerComponent(null, BrokerConfigs.config("port", port,
                "allow_anonymous", false, "password_file", pw.toString()));
        try {
            MqttException anonymous = assertThrows(MqttSecurityException.class, () -> new Client(port, "anon").close());
            assertTrue(anonymous.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                    || anonymous.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED, anonymous.toString());
            MqttConnectOptions wrong = new MqttConnectOptions();
            wrong.setUserName("gateway");
            wrong.setPassword("nope".toCharArray());
            assertThrows(MqttSecurityException.class, () -> new Client(port, "wrong", wrong).close());
            MqttConnectOptions right = new MqttConnectOptions();
            right.setUserName("gateway");
            right.setPassword("s3cret".toCharArray());
            try (Client ok = new Client(port, "ok", right)) {
                assertTrue(ok.paho.isConnected());
            }
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void aLostClientsRetainedWillIsRetained() throws Exception {
        int port = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = new EmbeddedBrokerComponent(null, BrokerConfigs.config("port", port));
        try {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setWill("facegate/gw/status", "{\"state\":\"offline\"}".getBytes(StandardCharsets.UTF_8), 1, true);
            Client gw = new Client(port, "gw", o);
            gw.paho.publish("facegate/gw/status", "{\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8), 1, true);
            try (Client live = new Client(port, "live")) {
                live.paho.subscribe("facegate/gw/status", 1);
                assertEquals("{\"state\":\"online\"}", live.next());
                gw.paho.disconnectForcibly(0, 1000, false); // no DISCONNECT packet: the connection is just gone
                gw.paho.close(true);
                assertEquals("{\"state\":\"offline\"}", live.next(), "the will, live");
            }
            // a subscriber arriving later learns that the gateway is offline, not the stale online
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String seen = null;
            while (System.nanoTime() < end && !"{\"state\":\"offline\"}".equals(seen)) {
                try (Client late = new Client(port, "late")) {
                    late.paho.subscribe("facegate/gw/status", 0);
                    MqttMessage m = late.received.poll(2, TimeUnit.SECONDS);
                    seen = m == null ? null : new String(m.getPayload(), StandardCharsets.UTF_8);
                    if (m != null && seen.equals("{\"state\":\"offline\"}")) {
                        assertTrue(m.isRetained());
                    }
                }
            }
            assertEquals("{\"state\":\"offline\"}", seen);

            // a clean disconnect discards the will: the retained state stays what the client last published
            MqttConnectOptions o2 = new MqttConnectOptions();
            o2.setWill("facegate/gw2/status", "offline".getBytes(StandardCharsets.UTF_8), 1, true);
            try (Client gw2 = new Client(port, "gw2", o2)) {
                gw2.paho.publish("facegate/gw2/status", "bye".getBytes(StandardCharsets.UTF_8), 1, true);
            }
            Thread.sleep(500);
            try (Client late = new Client(port, "late2")) {
                late.paho.subscribe("facegate/gw2/status", 0);
                assertEquals("bye", late.next());
                assertNull(late.received.poll(500, TimeUnit.MILLISECONDS));
            }
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void persistenceKeepsRetainedMessagesAcrossARestart() throws Exception {
        int port = BrokerConfigs.freePort();
        Path data = tmp.resolve("store");
        Object[] cfg = {"port", port, "persistence", true, "data_dir", data.toString()};
        EmbeddedBrokerComponent first = new EmbeddedBrokerComponent(null, BrokerConfigs.config(cfg));
        try (Client c = new Client(port, "c")) {
            c.paho.publish("facegate/gw/status", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
        } finally {
            first.deactivate();
        }
        assertTrue(Files.list(data).findAny().isPresent(), "store written under data_dir");
        EmbeddedBrokerComponent second = new EmbeddedBrokerComponent(null, BrokerConfigs.config(cfg));
        try (Client c = new Client(port, "c2")) {
            c.paho.subscribe("facegate/gw/status", 1);
            assertEquals("kept", c.next());
        } finally {
            second.deactivate();
        }
    }
}
