package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The gateway's MQTT client against Debian's mosquitto, started by the test with a TLS listener that requires
 * client certificates from a private CA made by the test: the gateway connects with its client certificate and a
 * trust store holding only that CA, its retained status and its events reach a TLS subscriber; without the
 * certificate mosquitto refuses it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MqttTlsIT extends FacegateTestSupport {
    private static final String PID = "io.facegate.mqtt";
    private static final String STATUS = "facegate/" + GATEWAY_ID + "/status";
    private static final String EVENTS = "facegate/" + GATEWAY_ID + "/events";

    @Inject
    private ConfigurationAdmin configAdmin;

    @Override
    protected List<Option> extraOptions() {
        return MqttPeer.gatewayLogsIn();
    }

    @Test
    public void gatewayConnectsWithItsClientCertificateAndPublishesOverTls() throws Exception {
        try (TestCertificates certs = TestCertificates.create(tempRoot())) {
            connectsWithClientCertificate(certs);
        }
    }

    private void connectsWithClientCertificate(TestCertificates certs) throws Exception {
        certs.issueClient("itest-gateway");
        certs.issueClient("itest-subscriber");
        TestCertificates.Store trust = certs.trustStore();
        TestCertificates.Store keys = certs.keyStore("itest-gateway");
        for (Path secret : List.of(trust.passwordFile(), keys.passwordFile())) {
            assertEquals(secret.toString(), "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        }
        try (TlsMosquitto mosquitto = TlsMosquitto.start(certs, "mutual");
             MqttPeer subscriber = new MqttPeer(mosquitto.url(), null, null, certs.sslContext("itest-subscriber"))) {
            subscriber.subscribe(STATUS).subscribe(EVENTS);
            pointGatewayAt(mosquitto.url(), Map.of(
                    "trust_store_file", trust.file().toString(),
                    "trust_store_password_file", trust.passwordFile().toString(),
                    "key_store_file", keys.file().toString(),
                    "key_store_password_file", keys.passwordFile().toString()));

            List<MqttPeer.Message> online = subscriber.await(m -> m.topic().equals(STATUS)
                    && m.text().contains("\"state\":\"online\""), 1, 90, TimeUnit.SECONDS);
            assertEquals("the gateway's online status over TLS: " + subscriber.messages() + "\nmosquitto:\n"
                    + mosquitto.log(), 1, online.size());
            assertTrue("mosquitto took the gateway's certificate as its identity:\n" + mosquitto.log(),
                    mosquitto.log().contains("u'itest-gateway'"));

            SyntheticPhotos.drop("over-tls.jpg", 11);
            List<MqttPeer.Message> events = subscriber.await(m -> m.topic().equals(EVENTS)
                    && m.text().contains("\"origin\":\"over-tls.jpg\""), 1, 120, TimeUnit.SECONDS);
            assertEquals("the event over TLS: " + subscriber.messages(), 1, events.size());
        }
    }

    @Test
    public void gatewayWithoutAClientCertificateIsRefused() throws Exception {
        try (TestCertificates certs = TestCertificates.create(tempRoot())) {
            refusedWithoutClientCertificate(certs);
        }
    }

    private void refusedWithoutClientCertificate(TestCertificates certs) throws Exception {
        certs.issueClient("itest-subscriber");
        TestCertificates.Store trust = certs.trustStore();
        try (TlsMosquitto mosquitto = TlsMosquitto.start(certs, "no-client-cert");
             MqttPeer subscriber = new MqttPeer(mosquitto.url(), null, null, certs.sslContext("itest-subscriber"))) {
            subscriber.subscribe(STATUS).subscribe(EVENTS);
            pointGatewayAt(mosquitto.url(), Map.of(
                    "trust_store_file", trust.file().toString(),
                    "trust_store_password_file", trust.passwordFile().toString()));

            // the gateway tries (and keeps trying: reconnect_max_delay_ms=2000) and is turned away in the handshake
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (count(mosquitto.log(), "peer did not return a certificate") < 3 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue("mosquitto refused the gateway's connections for want of a certificate:\n" + mosquitto.log(),
                    count(mosquitto.log(), "peer did not return a certificate") >= 3);
            SyntheticPhotos.drop("refused.jpg", 12);
            Thread.sleep(3000);
            assertEquals("nothing of the gateway reached mosquitto:\n" + mosquitto.log(), List.of(),
                    subscriber.messages());
        }
    }

    /** Reconfigures the gateway's MQTT client (the component restarts) for a broker that takes no password. */
    private void pointGatewayAt(String url, Map<String, String> tls) throws Exception {
        Configuration c = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> old = c.getProperties();
        Hashtable<String, Object> props = new Hashtable<>();
        if (old != null) {
            for (Enumeration<String> keys = old.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                props.put(k, old.get(k));
            }
        }
        for (String k : List.of("username", "password", "password_file", "trust_store_file",
                "trust_store_password_file", "key_store_file", "key_store_password_file")) {
            props.remove(k);
        }
        props.put("broker_url", url);
        props.putAll(tls);
        c.update(props);
    }

    private static Path tempRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static int count(String text, String fragment) {
        int n = 0;
        for (int i = text.indexOf(fragment); i >= 0; i = text.indexOf(fragment, i + 1)) {
            n++;
        }
        return n;
    }
}
