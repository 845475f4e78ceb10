package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.GalleryHealth;
import io.facegate.api.Identity;
import io.facegate.api.PipelineStatus;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT component against a real broker (Moquette, in-process, over TCP on a free loopback port) and real Paho
 * clients: events through the outbox, outages, restarts, a full outbox, commands, status, shutdown.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MqttGatewayTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (int k = toClose.size() - 1; k >= 0; k--) {
            toClose.get(k).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private MqttGatewayComponent gateway(String url, String gateway, Object... more) {
        List<Object> kv = new ArrayList<>(List.of("broker_url", url, "gateway_id", gateway,
                "reconnect_min_delay_ms", 100L, "reconnect_max_delay_ms", 400L,
                "outbox_dir", dir.resolve("outbox-" + gateway).toString(), "heartbeat_s", 1));
        kv.addAll(List.of(more));
        MqttGatewayComponent c = new MqttGatewayComponent(Configs.publisher(kv.toArray()));
        toClose.add(c::deactivate);
        return c;
    }

    private static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static boolean isStatus(TestSubscriber.Msg m, String state) {
        return m.topic().endsWith("/status") && state.equals(MiniJson.object(m.payload()).get("state"));
    }

    private static long sequence(TestSubscriber.Msg m) {
        return ((BigDecimal) MiniJson.object(m.payload()).get("sequence")).longValueExact();
    }

    /** Every event of the subscribers, deduplicated by event id, in arrival order. */
    private static List<Long> sequences(TestSubscriber... subs) {
        Set<Object> ids = new HashSet<>();
        List<Long> out = new ArrayList<>();
        for (TestSubscriber s : subs) {
            for (TestSubscriber.Msg m : s.drain()) {
                if (m.topic().endsWith("/events") && ids.add(MiniJson.object(m.payload()).get("event_id"))) {
                    out.add(sequence(m));
                }
            }
        }
        return out;
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long k = from; k < to; k++) {
            out.add(k);
        }
        return out;
    }

    @Test
    void eventsArriveInOrderWithAnEventIdAndTheStatusTellsTheHealth() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        TestSubscriber status = closing(new TestSubscriber(broker.url(), "facegate/gw-a/status", 0));
        MqttGatewayComponent gw = gateway(broker.url(), "gw-a");
        TestSubscriber.Msg first = status.await(20_000, m -> isStatus(m, "degraded"));
        assertNotNull(first, "without pipeline and gallery the gateway is connected but degraded");
        try (TestSubscriber late = new TestSubscriber(broker.url(), "facegate/gw-a/status", 0)) {
            TestSubscriber.Msg r = late.await(20_000, m -> true);
            assertNotNull(r, "a subscriber arriving later still learns the state: the status is retained");
            assertTrue(r.retained());
        }
        assertEquals(List.of("pipeline: not running (no Pipeline service)", "gallery: not available (no Gallery service)"),
                MiniJson.object(first.payload()).get("reasons"));

        gw.setPipeline(() -> new PipelineStatus(true, "mobilefacenet-112:1", 0, 16, 5, 5, 0, 0, 3, 2.5, 40, 80,
                List.of(), Map.of("detect", "2026-12-02T07:00:00Z corrupt JPEG")));
        gw.setGallery(new StubGallery(new GalleryHealth(GalleryHealth.REEMBEDDING, 3, 10, null)));
        TestSubscriber.Msg online = status.await(20_000, m -> isStatus(m, "online"));
        assertNotNull(online, "online once pipeline and gallery are there");
        Map<String, Object> st = MiniJson.object(online.payload());
        assertEquals(new BigDecimal(2), st.get("schema_version"));
        assertEquals("mobilefacenet-112:1", st.get("model"));
        Map<String, Object> gallery = new java.util.HashMap<>(Map.of("state", "reembedding", "done", new BigDecimal(3),
                "total", new BigDecimal(10), "people", new BigDecimal(0)));
        gallery.put("problem", null);
        assertEquals(gallery, st.get("gallery"));
        assertEquals(Map.of("detect", "2026-12-02T07:00:00Z corrupt JPEG"),
                ((Map<?, ?>) st.get("pipeline")).get("last_errors"));
        assertNotNull(status.await(5_000, m -> isStatus(m, "online")), "heartbeat republishes (heartbeat_s=1)");

        gw.setGallery(new StubGallery(new GalleryHealth(GalleryHealth.FAILED, 0, 0, "index.properties: CRC mismatch")));
        TestSubscriber.Msg degraded = status.await(20_000, m -> isStatus(m, "degraded"));
        assertNotNull(degraded);
        assertEquals(List.of("gallery: failed: index.properties: CRC mismatch"),
                MiniJson.object(degraded.payload()).get("reasons"));

        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-a/events"));
        for (long seq = 1; seq <= 3; seq++) {
            gw.recognized(Events.twoFaces(seq, "alice"));
        }
        gw.recognized(Events.empty(4));
        Set<Object> ids = new HashSet<>();
        for (long seq = 1; seq <= 4; seq++) {
            TestSubscriber.Msg m = sub.await(20_000, x -> x.topic().equals("facegate/gw-a/events"));
            assertNotNull(m, "event " + seq);
            assertFalse(m.retained(), "events are not retained");
            Map<String, Object> ev = MiniJson.object(m.payload());
            assertEquals(new BigDecimal(seq), ev.get("sequence"), "in order");
            assertTrue(ids.add(ev.get("event_id")), "a unique event id");
            assertEquals(36, ((String) ev.get("event_id")).length());
            List<?> faces = (List<?>) ev.get("faces");
            assertEquals(seq < 4 ? 2 : 0, faces.size());
        }
        await("all acknowledged and removed from the outbox", 20_000, () -> gw.outbox().stats().depth() == 0);
        assertEquals(4, gw.published());
    }

    @Test
    void oddNamesArriveIntact() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-u/events"));
        MqttGatewayComponent gw = gateway(broker.url(), "gw-u");
        String name = "Zoë \"Z\" O'Neil \\ 王小明 \uD83D\uDE00 \u0007\n\u2028";
        gw.recognized(new RecognitionEvent("cam\\1", 1, Events.CAPTURED, "a\"b.jpg", "m", "1",
                List.of(new RecognizedFace(Events.face(5), Identity.of(name, 0.8f, 0.5f))), Map.of()));
        TestSubscriber.Msg m = sub.await(20_000, x -> true);
        assertNotNull(m);
        Map<String, Object> ev = MiniJson.object(m.payload());
        assertEquals(name, ((Map<?, ?>) ((List<?>) ev.get("faces")).get(0)).get("identity"));
        assertEquals("cam\\1", ev.get("source"));
    }

    @Test
    void lastWillSaysOfflineWhenTheConnectionDropsAbruptly() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        TcpProxy proxy = closing(new TcpProxy(broker.port()));
        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-w/status"));
        MqttGatewayComponent gw = gateway(proxy.url(), "gw-w");
        assertNotNull(sub.await(30_000, m -> isStatus(m, "degraded")), "connected first");

        proxy.cutConnections(); // like a power cut: no DISCONNECT packet

        TestSubscriber.Msg will = sub.await(30_000, m -> isStatus(m, "offline"));
        assertNotNull(will, "last will");
        Map<String, Object> w = MiniJson.object(will.payload());
        assertEquals("connection_lost", w.get("reason"));
        assertEquals("gw-w", w.get("gateway"));
        assertNotNull(sub.await(30_000, m -> isStatus(m, "degraded")), "back by itself");
        await("second connect", 20_000, () -> gw.connected());
    }

    @Test
    void eventsOfABrokerOutageAllArriveInOrderAfterTheReconnect() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        MqttGatewayComponent gw = gateway(broker.url(), "gw-r");
        await("connected", 30_000, gw::connected);
        TestSubscriber sub1 = closing(new TestSubscriber(broker.url(), "facegate/gw-r/events"));
        int total = 0;
        for (; total < 50; total++) {
            gw.recognized(Events.empty(total));
        }
        await("first 50 delivered", 20_000, () -> gw.published() >= 50);
        broker.stop();
        await("disconnected", 20_000, () -> !gw.connected());
        for (; total < 250; total++) {
            gw.recognized(Events.empty(total));
        }
        assertEquals(200, gw.outbox().stats().depth(), "stored while the broker is down");
        broker.start();
        TestSubscriber sub2 = closing(new TestSubscriber(broker.url(), "facegate/gw-r/events"));
        await("reconnected and drained", 30_000, () -> gw.outbox().stats().depth() == 0);
        Thread.sleep(300);
        List<Long> first = sequences(sub1);
        List<Long> second = sequences(sub2);
        assertEquals(range(0, 50), first);
        assertEquals(range(50, 250), second, "every event of the outage, in order, none missing");
        assertEquals(0, gw.outbox().stats().dropped());
    }

    @Test
    void eventsStoredBeforeARestartAreDeliveredByTheNextStart() throws Exception {
        int port = TestBroker.freePort();
        MqttGatewayComponent before = gateway("tcp://127.0.0.1:" + port, "gw-p");
        for (int k = 0; k < 30; k++) {
            before.recognized(Events.empty(k));
        }
        before.deactivate(); // broker down the whole time: everything stays in the outbox
        TestBroker broker = closing(new TestBroker(port).start());
        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-p/events"));
        MqttGatewayComponent after = gateway("tcp://127.0.0.1:" + port, "gw-p");
        assertEquals(30, after.outbox().stats().depth(), "recovered from disk");
        await("delivered by the new component", 30_000, () -> after.outbox().stats().depth() == 0);
        Thread.sleep(300);
        assertEquals(range(0, 30), sequences(sub));
    }

    @Test
    void aFullOutboxDropsTheOldestAndCountsThem() throws Exception {
        int port = TestBroker.freePort();
        MqttGatewayComponent gw = gateway("tcp://127.0.0.1:" + port, "gw-f", "outbox_max_bytes", 65_536L);
        for (int k = 0; k < 3000; k++) {
            gw.recognized(Events.twoFaces(k, "alice")); // ~1 kB each: far more than 64 KiB
        }
        OutboxStats s = gw.outbox().stats();
        assertTrue(s.dropped() > 2000, "drops counted: " + s);
        assertTrue(s.bytes() <= 65_536, "bounded on disk: " + s);
        TestBroker broker = closing(new TestBroker(port).start());
        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-f/events"));
        TestSubscriber status = closing(new TestSubscriber(broker.url(), "facegate/gw-f/status", 0));
        await("drained", 30_000, () -> gw.outbox().stats().depth() == 0);
        Thread.sleep(300);
        List<Long> got = sequences(sub);
        assertEquals(3000 - s.dropped(), got.size());
        assertEquals(range(3000 - got.size(), 3000), got, "the newest events, in order");
        TestSubscriber.Msg st = status.await(10_000, m -> m.payload().contains("\"events_dropped\":" + s.dropped()));
        assertNotNull(st, "drops reported in the status");
    }

    @Test
    void commandsAreAnsweredOnTheReplyTopic() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        MqttGatewayComponent gw = gateway(broker.url(), "gw-c", "groups", new String[] {"site-1"});
        FakeOperations ops = new FakeOperations();
        gw.setOperations(ops);
        await("connected", 30_000, gw::connected);
        Thread.sleep(300); // subscriptions renewed after the connect
        TestSubscriber operator = closing(new TestSubscriber(broker.url(), "facegate/gw-c/reply/#"));
        operator.publish("facegate/gw-c/cmd/enroll", "{\"request_id\":\"e-1\",\"name\":\"alice\",\"images\":[\""
                + CommandDispatcherTest.jpegBase64(40, 30) + "\"]}");
        TestSubscriber.Msg reply = operator.await(20_000, m -> m.topic().equals("facegate/gw-c/reply/e-1"));
        assertNotNull(reply);
        assertEquals(new BigDecimal(200), MiniJson.object(reply.payload()).get("code"), reply.payload());
        operator.publish("facegate/group/site-1/cmd/people", "{\"request_id\":\"p-1\"}");
        TestSubscriber.Msg people = operator.await(20_000, m -> m.topic().equals("facegate/gw-c/reply/p-1"));
        assertNotNull(people, "group commands reach the gateway");
        assertTrue(people.payload().contains("\"name\":\"alice\""), people.payload());
        operator.publish("facegate/gw-c/cmd/people", "garbage");
        assertNotNull(operator.await(20_000, m -> m.topic().equals("facegate/gw-c/reply/_invalid")));
        gw.unsetOperations(ops);
        operator.publish("facegate/gw-c/cmd/people", "{\"request_id\":\"p-2\"}");
        TestSubscriber.Msg unavailable = operator.await(20_000, m -> m.topic().equals("facegate/gw-c/reply/p-2"));
        assertEquals(new BigDecimal(503), MiniJson.object(unavailable.payload()).get("code"));
    }

    /** The retained, non-empty messages on {@code filter} that a new subscriber gets within 2 s, by topic. */
    private static Map<String, String> retained(String url, String filter) throws InterruptedException {
        Map<String, String> out = new java.util.TreeMap<>();
        try (TestSubscriber sub = new TestSubscriber(url, filter)) {
            TestSubscriber.Msg m;
            while ((m = sub.await(2000, x -> true)) != null) {
                if (!m.payload().isEmpty()) {
                    out.put(m.topic(), m.payload());
                }
            }
        }
        return out;
    }

    @Test
    void homeAssistantConfigsOfForgottenPeopleGoAndSwitchingDiscoveryOffRemovesTheRest() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        HomeAssistantDiscovery ha = new HomeAssistantDiscovery("homeassistant", "facegate", "gw-h", "test");
        String ann = ha.personConfigs(List.of("Ann")).get(0).topic();
        String bob = ha.personConfigs(List.of("Bob")).get(0).topic();
        try (TestSubscriber earlier = new TestSubscriber(broker.url(), "unused/x")) {
            // what an earlier run left: Bob was forgotten while the gateway was stopped
            earlier.publishRetained(bob, ha.personConfigs(List.of("Bob")).get(0).payload());
        }
        Path marker = HomeAssistantPublisher.markerFile(dir.resolve("outbox-gw-h"));
        String all = "homeassistant/sensor/" + ha.nodeId() + "/+/config";

        MqttGatewayComponent on = gateway(broker.url(), "gw-h", "homeassistant_discovery", true);
        await("connected", 30_000, on::connected);
        on.setGallery(new StubGallery(new GalleryHealth(GalleryHealth.OK, 0, 0, null), List.of("Ann")));
        await("marker written", 20_000, () -> java.nio.file.Files.exists(marker));
        Map<String, String> configs = Map.of();
        for (int k = 0; k < 10 && !(configs.containsKey(ann) && !configs.containsKey(bob)); k++) {
            configs = retained(broker.url(), all);
        }
        assertTrue(configs.containsKey(ann), () -> "Ann's config is published: " + ha.personConfigs(List.of("Ann")));
        assertFalse(configs.containsKey(bob), "Bob's stale config was removed");
        assertEquals(4, configs.size(), "three device sensors and Ann: " + configs.keySet());
        on.deactivate();

        MqttGatewayComponent off = gateway(broker.url(), "gw-h");
        await("connected", 30_000, off::connected);
        off.setGallery(new StubGallery(new GalleryHealth(GalleryHealth.OK, 0, 0, null), List.of("Ann")));
        await("marker deleted", 20_000, () -> !java.nio.file.Files.exists(marker));
        Map<String, String> left = retained(broker.url(), all);
        for (int k = 0; k < 10 && !left.isEmpty(); k++) {
            left = retained(broker.url(), all);
        }
        assertEquals(Map.of(), left, "switching discovery off removed every config of this gateway");
    }

    @Test
    void deactivatePublishesOfflineAndStopsEveryThread() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        MqttGatewayComponent gw = new MqttGatewayComponent(Configs.publisher("broker_url", broker.url(),
                "gateway_id", "gw-d", "outbox_dir", dir.resolve("d").toString()));
        await("connected", 30_000, gw::connected);
        for (int k = 0; k < 20; k++) {
            gw.recognized(Events.empty(k));
        }
        await("published", 20_000, () -> gw.published() == 20);
        long t0 = System.nanoTime();
        gw.deactivate();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 8000, "deactivate took " + ms + " ms");
        try (TestSubscriber sub = new TestSubscriber(broker.url(), "facegate/gw-d/status", 0)) {
            TestSubscriber.Msg m = sub.await(20_000, x -> true);
            assertNotNull(m);
            Map<String, Object> st = MiniJson.object(m.payload());
            assertEquals("offline", st.get("state"));
            assertEquals("shutdown", st.get("reason"), "a clean stop is not a lost connection");
        }
        await("threads gone", 20_000, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("facegate-mqtt") || t.getName().contains("facegate-gw-d")));
    }

    @Test
    void badConfigurationIsRefusedAtActivation() {
        assertThrows(IllegalArgumentException.class, () -> new MqttGatewayComponent(Configs.publisher(
                "broker_url", "http://127.0.0.1:1883", "outbox_dir", dir.toString())));
        assertThrows(IllegalArgumentException.class, () -> new MqttGatewayComponent(Configs.publisher("qos", 0,
                "outbox_dir", dir.toString())));
        assertThrows(IllegalArgumentException.class, () -> new MqttGatewayComponent(Configs.publisher(
                "groups", new String[] {"a/b"}, "outbox_dir", dir.toString())));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("facegate-mqtt")), "a refused configuration starts no thread");
    }
}
