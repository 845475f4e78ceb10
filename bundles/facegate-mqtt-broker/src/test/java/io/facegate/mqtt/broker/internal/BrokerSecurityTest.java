package io.facegate.mqtt.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and ACLs through a real broker and real Paho clients over TCP: who may connect, who may publish
 * events and commands, who may subscribe to what. A message that must not arrive is checked by sending a control
 * message that must arrive after it and then waiting a little more.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerSecurityTest {
    private static final String EVENT = "{\"faces\":[{\"identity\":\"Obama\",\"known\":true}]}";

    /** Shared by the tests: starting and stopping a Moquette broker takes seconds. */
    @TempDir
    static Path shared;
    private static int port;
    private static EmbeddedBrokerComponent broker;
    private static int openPort;
    private static EmbeddedBrokerComponent openBroker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBrokers() {
        port = BrokerConfigs.freePort();
        broker = new EmbeddedBrokerComponent(null, BrokerConfigs.config("port", port,
                "credentials_dir", creds().toString()));
        openPort = BrokerConfigs.freePort();
        openBroker = new EmbeddedBrokerComponent(null, BrokerConfigs.config("port", openPort,
                "credentials_dir", creds().toString(), "allow_anonymous", true));
    }

    @AfterAll
    static void stopBrokers() {
        if (broker != null) {
            broker.deactivate();
        }
        if (openBroker != null) {
            openBroker.deactivate();
        }
    }

    private static Path creds() {
        return shared.resolve("creds");
    }

    private static TestClient login(int port, String id, String user) throws MqttException {
        return new TestClient(port, id, user, BrokerConfigs.password(creds(), user));
    }

    @Test
    void anonymousAndWrongPasswordsAreRefusedByDefault() throws Exception {
        MqttException anonymous = assertThrows(MqttSecurityException.class, () -> new TestClient(port, "anon"));
        assertTrue(anonymous.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                || anonymous.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED, anonymous.toString());
        assertThrows(MqttSecurityException.class, () -> new TestClient(port, "wrong", "gateway", "nope"));
        assertThrows(MqttSecurityException.class, () -> new TestClient(port, "who", "mallory", "x"));
        assertThrows(MqttSecurityException.class,
                () -> new TestClient(port, "swap", "operator", BrokerConfigs.password(creds(), "reader")));
        MqttConnectOptions noPassword = new MqttConnectOptions();
        noPassword.setUserName("gateway");
        assertThrows(MqttSecurityException.class, () -> new TestClient("tcp://127.0.0.1:" + port, "nopw",
                noPassword), "a user name without password");
        for (String user : new String[] {"gateway", "operator", "reader"}) {
            try (TestClient ok = login(port, "ok-" + user, user)) {
                assertTrue(ok.paho.isConnected(), user);
            }
        }
    }

    @Test
    void readersAndAnonymousClientsCanForgeNeitherEventsNorCommands() throws Exception {
        try (TestClient operator = login(openPort, "op", "operator");
             TestClient gateway = login(openPort, "facegate-gw1", "gateway");
             TestClient reader = login(openPort, "rd", "reader");
             TestClient anonymous = new TestClient(openPort, "anon")) {
            assertEquals(1, operator.subscribe("facegate/#"));
            assertEquals(1, gateway.subscribe("facegate/gw1/cmd/#"));
            assertEquals(1, anonymous.subscribe("facegate/#"), "anonymous may read when allowed");

            for (TestClient forger : List.of(reader, anonymous)) {
                forger.publish0("facegate/gw1/events", EVENT);
                forger.publish0("facegate/gw1/cmd/people", "{\"request_id\":\"x\"}");
                forger.publish0("facegate/gw1/status", "{\"state\":\"online\"}");
                forger.publish0("facegate/group/site/cmd/forget", "{}");
                // QoS 1: Moquette drops it and sends no PUBACK, so the publish never completes
                forger.paho.setTimeToWait(1000);
                MqttException noAck = assertThrows(MqttException.class,
                        () -> forger.publish1("facegate/gw1/events", EVENT));
                assertEquals(MqttException.REASON_CODE_CLIENT_TIMEOUT, noAck.getReasonCode());
            }
            gateway.publish1("facegate/gw1/status", "control");
            assertEquals(new TestClient.Received("facegate/gw1/status", "control", false), operator.next(),
                    "the control message comes first: nothing forged before it");
            assertNull(operator.received.poll(1, TimeUnit.SECONDS), "and nothing forged after it");
            assertNull(gateway.received.poll(100, TimeUnit.MILLISECONDS), "no forged command reached the gateway");
            assertEquals("control", anonymous.nextPayload(), "the anonymous subscriber got the control message only");
            assertNull(anonymous.received.poll(100, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void theOperatorCommandsAndTheGatewayAnswersButNotTheOtherWayRound() throws Exception {
        try (TestClient operator = login(port, "op", "operator");
             TestClient gateway = login(port, "facegate-gw1", "gateway")) {
            assertEquals(1, gateway.subscribe("facegate/gw1/cmd/#"));
            assertEquals(1, gateway.subscribe("facegate/group/+/cmd/#"));
            assertEquals(1, operator.subscribe("facegate/+/reply/#"));
            assertEquals(1, operator.subscribe("facegate/+/events"));

            operator.publish1("facegate/gw1/cmd/people", "{\"request_id\":\"r1\"}");
            assertEquals(new TestClient.Received("facegate/gw1/cmd/people", "{\"request_id\":\"r1\"}", false),
                    gateway.next());
            operator.publish1("facegate/group/site/cmd/status", "{\"request_id\":\"r2\"}");
            assertEquals("facegate/group/site/cmd/status", gateway.next().topic());
            gateway.publish1("facegate/gw1/reply/r1", "{\"status\":200}");
            assertEquals(new TestClient.Received("facegate/gw1/reply/r1", "{\"status\":200}", false), operator.next());

            // the gateway user cannot command (itself or another gateway), nor publish replies as the operator
            gateway.publish0("facegate/gw1/cmd/forget", "{}");
            gateway.publish0("facegate/gw2/cmd/forget", "{}");
            gateway.publish0("facegate/x/cmd/../../gw1/events", EVENT);
            operator.publish0("facegate/gw1/events", EVENT);
            operator.publish0("facegate/gw1/reply/r1", "{\"status\":500}");
            operator.publish0("facegate/x/cmd/../..", "{}");
            gateway.publish1("facegate/gw1/events", "control");
            assertEquals("control", operator.nextPayload(), "nothing forged came before the control message");
            assertNull(operator.received.poll(1, TimeUnit.SECONDS));
            assertNull(gateway.received.poll(100, TimeUnit.MILLISECONDS), "no command from the gateway user");
        }
    }

    @Test
    void subscriptionsBeyondARolesFiltersAreRefused() throws Exception {
        try (TestClient reader = login(port, "rd", "reader");
             TestClient gateway = login(port, "facegate-gw1", "gateway")) {
            assertEquals(128, reader.subscribe("#"));
            assertEquals(128, reader.subscribe("$SYS/#"));
            assertEquals(128, reader.subscribe("+/gw1/events"));
            assertEquals(1, reader.subscribe("facegate/+/events"));
            assertEquals(1, reader.subscribe("homeassistant/#"));
            assertEquals(128, gateway.subscribe("facegate/#"), "the gateway does not read other gateways");
            assertEquals(128, gateway.subscribe("facegate/gw2/events"));
            assertEquals(1, gateway.subscribe("homeassistant/status"));
        }
    }

    @Test
    void onlyTheGatewayUserMayUseTheGatewaysClientIds() throws Exception {
        try (TestClient gateway = login(port, "facegate-gw1", "gateway")) {
            assertThrows(MqttSecurityException.class, () -> login(port, "facegate-gw1", "reader"),
                    "a reader cannot take the gateway's session over");
            assertThrows(MqttSecurityException.class, () -> login(port, "facegate-anything", "operator"));
            assertTrue(gateway.paho.isConnected(), "the gateway stays connected");
        }
    }

    @Test
    void credentialsAreMadeOnceAndReusedAcrossRestarts() throws Exception {
        int port = BrokerConfigs.freePort();
        Path dir = tmp.resolve("etc");
        Object[] config = {"port", port, "credentials_dir", dir.toString()};
        new EmbeddedBrokerComponent(null, BrokerConfigs.config(config)).deactivate();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        List<String> first = new ArrayList<>();
        for (String user : new String[] {"gateway", "operator", "reader"}) {
            Path secret = CredentialFiles.secretFile(dir, user);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
            first.add(Files.readString(secret));
        }
        String store = Files.readString(dir.resolve(CredentialFiles.STORE_NAME));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve(CredentialFiles.STORE_NAME))));
        first.forEach(pw -> assertFalse(store.contains(pw), "no plain password in the store"));

        EmbeddedBrokerComponent again = new EmbeddedBrokerComponent(null, BrokerConfigs.config(config));
        try (TestClient gw = new TestClient(port, "facegate-gw1", "gateway", first.get(0))) {
            assertTrue(gw.paho.isConnected(), "the password of the first start still works");
            List<String> second = new ArrayList<>();
            for (String user : new String[] {"gateway", "operator", "reader"}) {
                second.add(Files.readString(CredentialFiles.secretFile(dir, user)));
            }
            assertEquals(first, second);
            assertEquals(store, Files.readString(dir.resolve(CredentialFiles.STORE_NAME)));
            assertNotEquals(first.get(0), first.get(1));
        } finally {
            again.deactivate();
        }
    }
}
