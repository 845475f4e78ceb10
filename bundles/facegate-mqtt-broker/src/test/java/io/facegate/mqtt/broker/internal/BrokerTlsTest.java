package io.facegate.mqtt.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS listener with self-signed certificates made by the JDK's keytool: a client that trusts the broker's
 * certificate connects over ssl://, a plain MQTT client on the TLS port does not, and with client_auth only a client
 * with a trusted certificate gets in.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerTlsTest {
    private static final String STORE_PASSWORD = "changeit-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path pki;
    @TempDir
    Path tmp;

    private static Path brokerKeys;
    private static Path clientTrust;
    private static Path clientKeys;
    private static Path brokerTrust;
    private static Path passwordFile;

    @BeforeAll
    static void makeCertificates() throws Exception {
        brokerKeys = pki.resolve("broker.p12");
        clientTrust = pki.resolve("client-trust.p12");
        clientKeys = pki.resolve("client.p12");
        brokerTrust = pki.resolve("broker-trust.p12");
        passwordFile = Files.writeString(pki.resolve("store.password"), STORE_PASSWORD);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        // -storepass:file keeps the password out of the process list
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=facegate test broker", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", brokerKeys.toString(), "-storepass:file", passwordFile.toString());
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=facegate test client", "-storetype", "PKCS12", "-keystore", clientKeys.toString(),
                "-storepass:file", passwordFile.toString());
        // the trust stores hold only the other side's certificate (the JDK's KeyStore API, no more keytool runs)
        trustStore(brokerKeys, "broker", clientTrust);
        trustStore(clientKeys, "client", brokerTrust);
    }

    private static void trustStore(Path keys, String alias, Path out) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(alias, load(keys).getCertificate(alias));
        try (OutputStream o = Files.newOutputStream(out)) {
            trust.store(o, STORE_PASSWORD.toCharArray());
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), "keytool " + args[0] + ": " + out);
    }

    private EmbeddedBrokerComponent start(int port, int sslPort, Object... more) {
        List<Object> kv = new ArrayList<>(List.of("port", port, "ssl_port", sslPort,
                "credentials_dir", tmp.resolve("creds").toString(), "keystore_file", brokerKeys.toString(),
                "keystore_password_file", passwordFile.toString()));
        kv.addAll(List.of(more));
        return new EmbeddedBrokerComponent(null, BrokerConfigs.config(kv.toArray()));
    }

    private MqttConnectOptions tlsLogin(String user, boolean withClientCertificate) throws Exception {
        MqttConnectOptions o = TestClient.login(user, BrokerConfigs.password(tmp.resolve("creds"), user));
        SSLContext ctx = SSLContext.getInstance("TLS");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(clientTrust));
        KeyManagerFactory kmf = null;
        if (withClientCertificate) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(clientKeys), STORE_PASSWORD.toCharArray());
        }
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        o.setSocketFactory(ctx.getSocketFactory());
        o.setConnectionTimeout(5);
        return o;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        return ks;
    }

    @Test
    void aTrustingClientConnectsOverTlsAndPlainMqttOnTheTlsPortFails() throws Exception {
        int port = BrokerConfigs.freePort();
        int sslPort = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = start(port, sslPort);
        try {
            assertEquals(sslPort, broker.sslPort());
            try (TestClient tls = new TestClient("ssl://127.0.0.1:" + sslPort, "tls", tlsLogin("operator", false));
                 TestClient plain = new TestClient(port, "facegate-gw1", "gateway",
                         BrokerConfigs.password(tmp.resolve("creds"), "gateway"))) {
                assertEquals(1, plain.subscribe("facegate/gw1/cmd/#"));
                tls.publish1("facegate/gw1/cmd/status", "{}");
                assertEquals("{}", plain.nextPayload(), "TLS and plain clients share one broker");
            }
            MqttConnectOptions plainOnTls = TestClient.login("operator",
                    BrokerConfigs.password(tmp.resolve("creds"), "operator"));
            plainOnTls.setConnectionTimeout(5);
            assertThrows(MqttException.class, () -> new TestClient("tcp://127.0.0.1:" + sslPort, "plain",
                    plainOnTls).close());
            MqttConnectOptions noTrust = TestClient.login("operator",
                    BrokerConfigs.password(tmp.resolve("creds"), "operator"));
            noTrust.setConnectionTimeout(5);
            assertThrows(MqttException.class, () -> new TestClient("ssl://127.0.0.1:" + sslPort, "untrusting",
                    noTrust).close(), "the JVM's default trust store does not trust a self-signed broker");
        } finally {
            broker.deactivate();
        }
        assertTrue(BrokerConfigs.portFree(sslPort), "deactivate frees the TLS port");
    }

    @Test
    void clientAuthenticationNeedsATrustedCertificate() throws Exception {
        int port = BrokerConfigs.freePort();
        int sslPort = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = start(port, sslPort, "client_auth", true,
                "truststore_file", brokerTrust.toString(), "truststore_password_file", passwordFile.toString());
        try {
            try (TestClient ok = new TestClient("ssl://127.0.0.1:" + sslPort, "cert", tlsLogin("reader", true))) {
                assertTrue(ok.paho.isConnected());
            }
            assertThrows(MqttException.class, () -> new TestClient("ssl://127.0.0.1:" + sslPort, "nocert",
                    tlsLogin("reader", false)).close());
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void onlyTlsWhenThePlainPortIsOff() throws Exception {
        int sslPort = BrokerConfigs.freePort();
        EmbeddedBrokerComponent broker = start(0, sslPort);
        try (TestClient tls = new TestClient("ssl://127.0.0.1:" + sslPort, "tls", tlsLogin("reader", false))) {
            assertTrue(tls.paho.isConnected());
            assertEquals("disabled", broker.settings().moquetteProperties().getProperty("port"));
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void badTlsMaterialFailsActivationNamingTheKey() throws Exception {
        int port = BrokerConfigs.freePort();
        Path wrong = Files.writeString(tmp.resolve("wrong.password"), "not-the-password");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start(port,
                BrokerConfigs.freePort(), "keystore_password_file", wrong.toString()));
        assertTrue(e.getMessage().startsWith("keystore_file " + brokerKeys + " cannot be loaded"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"));

        Path open = Files.writeString(tmp.resolve("open.password"), STORE_PASSWORD);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        e = assertThrows(IllegalArgumentException.class, () -> start(port, BrokerConfigs.freePort(),
                "keystore_password_file", open.toString()));
        assertTrue(e.getMessage().startsWith("keystore_password_file " + open + " is accessible by group or others"),
                e.getMessage());
        assertFalse(e.getMessage().contains(STORE_PASSWORD));

        e = assertThrows(IllegalArgumentException.class, () -> start(port, BrokerConfigs.freePort(),
                "truststore_file", brokerTrust.toString()));
        assertTrue(e.getMessage().contains("only with client_auth=true"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> start(port, BrokerConfigs.freePort(),
                "client_auth", true));
        assertEquals("truststore_file is required when client_auth=true", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> start(port, port));
        assertEquals("ssl_port must differ from port, both are " + port, e.getMessage());
        assertTrue(BrokerConfigs.portFree(port), "nothing left listening");
    }
}
