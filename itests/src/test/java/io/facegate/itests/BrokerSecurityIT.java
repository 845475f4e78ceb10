package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.facegate.api.Gallery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * The embedded broker of the distribution as shipped: only its generated users get in, each with its role's
 * rights; a local process without credentials, or with the reader's, can neither forge an event nor command the
 * gateway. Secrets and biometric data are readable by the gateway's user only.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BrokerSecurityIT extends FacegateTestSupport {
    private static final String PREFIX = "facegate/" + GATEWAY_ID;
    private static final String EVENTS = PREFIX + "/events";
    private static final String STATUS = PREFIX + "/status";
    private static final byte[] FORGED_EVENT = "{\"faces\":[{\"identity\":\"Obama\",\"known\":true}],\"forged\":true}"
            .getBytes(StandardCharsets.UTF_8);
    /** MQTT 3.1.1 CONNACK return codes 4 (bad user name or password) and 5 (not authorised). */
    private static final Set<Integer> REFUSED = Set.of((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION,
            (int) MqttException.REASON_CODE_NOT_AUTHORIZED);

    @Inject
    @Filter(timeout = 60_000)
    private Gallery gallery;

    @Override
    protected List<Option> extraOptions() {
        return MqttPeer.gatewayLogsIn();
    }

    @Test
    public void anonymousClientsAndWrongPasswordsAreRefusedAtConnect() throws Exception {
        MqttPeer.secretOf("operator"); // the broker is up and has made its users
        assertRefused("anonymous", null, null);
        assertRefused("operator with a wrong password", "operator", "not-the-password".toCharArray());
        assertRefused("an unknown user", "mallory", "whatever".toCharArray());
    }

    @Test
    public void aReaderCanPublishNeitherAForgedEventNorACommand() throws Exception {
        enrol("Obama", 1);
        try (MqttPeer operator = MqttPeer.embeddedAs("operator");
             MqttPeer reader = MqttPeer.embeddedAs("reader")) {
            operator.subscribe(PREFIX + "/reply/#");
            awaitCommandsAnswered(operator); // else a forged command could go unheard for want of the gateway
            operator.subscribe(EVENTS).subscribe(PREFIX + "/cmd/#").subscribe("facegate/group/#");
            int before = operator.count();
            reader.subscribe("facegate/#"); // a reader may subscribe

            byte[] forget = "{\"request_id\":\"forged-forget\",\"name\":\"Obama\"}".getBytes(StandardCharsets.UTF_8);
            for (int qos = 0; qos <= 1; qos++) {
                reader.publishNoWait(EVENTS, FORGED_EVENT, qos);
                reader.publishNoWait(PREFIX + "/cmd/forget", forget, qos);
                reader.publishNoWait("facegate/group/everyone/cmd/forget", forget, qos);
                reader.publishNoWait(STATUS, "{\"state\":\"offline\",\"forged\":true}".getBytes(StandardCharsets.UTF_8),
                        qos);
            }

            // after the forgeries: a real command and a real frame, which the operator must see
            operator.publish(PREFIX + "/cmd/people", "{\"request_id\":\"control-people\"}"
                    .getBytes(StandardCharsets.UTF_8), 1);
            List<MqttPeer.Message> replies = operator.await(m -> m.topic().endsWith("/reply/control-people"), 1, 60,
                    TimeUnit.SECONDS);
            assertEquals("the operator's own command is answered: " + operator.messages(), 1, replies.size());
            assertTrue(replies.get(0).text(), replies.get(0).text().contains("\"code\":200"));
            SyntheticPhotos.drop("after-forgery.jpg", 1);
            assertEquals("the gateway's real event reaches the operator: " + operator.messages(), 1,
                    operator.await(m -> m.topic().equals(EVENTS) && m.text().contains("after-forgery.jpg"), 1, 120,
                            TimeUnit.SECONDS).size());

            for (MqttPeer.Message m : operator.messages().subList(before, operator.count())) {
                assertFalse("a reader's forgery reached the operator: " + m, m.text().contains("forged"));
                if (m.topic().contains("/reply/")) {
                    assertTrue("only the operator's commands are answered: " + m,
                            m.topic().equals(PREFIX + "/reply/control-people")
                                    || m.topic().startsWith(PREFIX + "/reply/ready-"));
                }
            }
            for (MqttPeer.Message m : reader.messages()) {
                assertFalse("a reader's forgery reached a subscriber: " + m, m.text().contains("forged"));
            }
        }
        assertTrue("the reader's forget command changed the gallery: " + gallery.people(),
                gallery.people().contains("Obama"));
    }

    @Test
    public void theOperatorCanCommand() throws Exception {
        enrol("Operator Check", 2);
        try (MqttPeer operator = MqttPeer.embeddedAs("operator")) {
            operator.subscribe(PREFIX + "/reply/#");
            awaitCommandsAnswered(operator);
            operator.publish(PREFIX + "/cmd/people", "{\"request_id\":\"op-people-1\"}".getBytes(StandardCharsets.UTF_8),
                    1);
            List<MqttPeer.Message> replies = operator.await(m -> m.topic().equals(PREFIX + "/reply/op-people-1"), 1,
                    60, TimeUnit.SECONDS);
            assertEquals("reply to people: " + operator.messages(), 1, replies.size());
            String reply = replies.get(0).text();
            assertTrue(reply, reply.contains("\"code\":200"));
            assertTrue(reply, reply.contains("\"status\":\"ok\""));
            assertTrue(reply, reply.contains("\"name\":\"Operator Check\""));
        }
    }

    @Test
    public void theGeneratedSecretsAreReadableByTheGatewaysUserOnly() throws Exception {
        MqttPeer.secretOf("reader");
        Path etc = Path.of(System.getProperty("karaf.etc"));
        List<Path> files = new ArrayList<>();
        for (String user : List.of("gateway", "operator", "reader")) {
            files.add(MqttPeer.secretFile(user));
        }
        files.add(etc.resolve("facegate-mqtt-broker.passwd"));
        for (Path f : files) {
            assertTrue(f + " exists", Files.isRegularFile(f));
            assertEquals(f.toString(), "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        }
    }

    @Test
    public void galleryAndOutboxFilesAreReadableByTheGatewaysUserOnly() throws Exception {
        enrol("Private Person", 3);
        try (MqttPeer reader = MqttPeer.embeddedAs("reader")) {
            reader.subscribe(EVENTS);
            SyntheticPhotos.drop("private-frame.jpg", 3);
            assertEquals("event: " + reader.messages(), 1, reader.await(m -> m.text().contains("private-frame.jpg"),
                    1, 120, TimeUnit.SECONDS).size());
        }
        Path data = Path.of(System.getProperty("karaf.data"), "facegate");
        List<String> open = new ArrayList<>();
        int files = 0;
        for (Path root : List.of(data.resolve("gallery"), data.resolve("outbox"))) {
            assertTrue(root + " exists", Files.isDirectory(root));
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
                    if (!Files.isDirectory(p)) {
                        files++;
                    }
                    if (!PosixFilePermissions.toString(perms).equals(expected)) {
                        open.add(data.relativize(p) + " " + PosixFilePermissions.toString(perms));
                    }
                }
            }
        }
        assertTrue("the gallery holds files to check", files > 0);
        assertEquals("files and folders that others than the owner may access", List.of(), open);
    }

    /**
     * Commands published before the gateway subscribed are lost (no one to deliver them to): waits until it answers
     * a status command.
     */
    private static void awaitCommandsAnswered(MqttPeer operator) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
            String id = "ready-" + attempt;
            operator.publish(PREFIX + "/cmd/status", ("{\"request_id\":\"" + id + "\"}")
                    .getBytes(StandardCharsets.UTF_8), 1);
            if (!operator.await(m -> m.topic().equals(PREFIX + "/reply/" + id), 1, 2, TimeUnit.SECONDS).isEmpty()) {
                return;
            }
        }
        fail("the gateway does not answer commands: " + operator.messages());
    }

    private void enrol(String name, long seed) {
        if (!gallery.people().contains(name)) {
            gallery.enroll(name, List.of(SyntheticPhotos.crop(112, seed)));
        }
        assertTrue(gallery.people().contains(name));
    }

    private static void assertRefused(String who, String user, char[] password) throws IOException {
        try (MqttPeer peer = new MqttPeer(MqttPeer.embeddedBroker(), user, password, null)) {
            fail(who + " was let in by the embedded broker (connected: " + peer.isConnected() + ")");
        } catch (MqttException e) {
            assertTrue(who + " refused with " + e.getReasonCode() + " " + e, REFUSED.contains(e.getReasonCode()));
        }
    }
}
