package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.Identity;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher against a real broker (Moquette, in-process, over TCP on a free loopback port) and a real Paho
 * subscriber.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MqttPublisherTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

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

    private MqttPublisherComponent publisher(String url, String gateway, Object... more) {
        Object[] kv = new Object[8 + more.length];
        kv[0] = "broker_url";
        kv[1] = url;
        kv[2] = "gateway_id";
        kv[3] = gateway;
        kv[4] = "reconnect_min_delay_ms";
        kv[5] = 100L;
        kv[6] = "reconnect_max_delay_ms";
        kv[7] = 400L;
        System.arraycopy(more, 0, kv, 8, more.length);
        MqttPublisherComponent c = new MqttPublisherComponent(Configs.publisher(kv));
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

    /**
     * Subscribes (QoS 0, so Moquette keeps the retain flag) until the retained status reaches the given state.
     * A retained message is what a subscriber receives at subscription time, whenever it arrives.
     */
    private static TestSubscriber.Msg retainedStatus(String url, String gateway, String state) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            try (TestSubscriber s = new TestSubscriber(url, "facegate/" + gateway + "/status", 0)) {
                TestSubscriber.Msg m = s.await(1000, x -> true);
                if (m != null && isStatus(m, state)) {
                    assertTrue(m.retained(), "status must be retained: " + m);
                    return m;
                }
            }
        }
        throw new AssertionError("no retained " + state + " status for " + gateway);
    }

    private static boolean isStatus(TestSubscriber.Msg m, String state) {
        return m.topic().endsWith("/status") && state.equals(MiniJson.object(m.payload()).get("state"));
    }

    @Test
    void eventsArriveAsJsonAndTheStatusIsRetainedOnline() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        MqttPublisherComponent pub = publisher(broker.url(), "gw-a");
        await("connected", 30_000, () -> pub.stats().connected());

        // a subscriber arriving later still learns that the gateway is online: the status is retained
        TestSubscriber.Msg online = retainedStatus(broker.url(), "gw-a", "online");
        assertNotNull(online, "retained status");
        assertTrue(online.retained(), "status must be retained");
        Map<String, Object> st = MiniJson.object(online.payload());
        assertEquals("online", st.get("state"));
        assertEquals("gw-a", st.get("gateway"));
        assertEquals("facegate-gw-a", st.get("client_id"));
        assertEquals(new BigDecimal(1), st.get("connects"));

        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-a/events"));

        for (long seq = 1; seq <= 3; seq++) {
            pub.recognized(Events.twoFaces(seq, "alice"));
        }
        pub.recognized(Events.empty(4));
        for (long seq = 1; seq <= 4; seq++) {
            TestSubscriber.Msg m = sub.await(20_000, x -> x.topic().equals("facegate/gw-a/events"));
            assertNotNull(m, "event " + seq);
            assertFalse(m.retained(), "events are not retained");
            assertEquals(1, m.qos());
            Map<String, Object> ev = MiniJson.object(m.payload());
            assertEquals(new BigDecimal(seq), ev.get("sequence"), "in order");
            assertEquals("gw-a", ev.get("gateway"));
            List<?> faces = (List<?>) ev.get("faces");
            assertEquals(seq < 4 ? 2 : 0, faces.size());
            if (seq < 4) {
                assertEquals("alice", ((Map<?, ?>) faces.get(0)).get("identity"));
                assertEquals(Boolean.TRUE, ((Map<?, ?>) faces.get(0)).get("known"));
            }
        }
        await("all acknowledged", 20_000, () -> pub.stats().published() == 4);
        PublisherStats s = pub.stats();
        assertEquals(4, s.accepted());
        assertEquals(0, s.dropped());
    }

    @Test
    void oddNamesArriveIntact() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        MqttPublisherComponent pub = publisher(broker.url(), "gw-u");
        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-u/events"));
        await("connected", 30_000, () -> pub.stats().connected());
        String name = "Zoë \"Z\" O'Neil \\ 王小明 \uD83D\uDE00 \u0007\n\u2028";
        pub.recognized(new RecognitionEvent("cam\\1", 1, Events.CAPTURED, "a\"b.jpg", "m", "1",
                List.of(new RecognizedFace(Events.face(5), Identity.of(name, 0.8f, 0.5f))), Map.of()));
        TestSubscriber.Msg m = sub.await(20_000, x -> true);
        assertNotNull(m);
        Map<String, Object> ev = MiniJson.object(m.payload());
        assertEquals(name, ((Map<?, ?>) ((List<?>) ev.get("faces")).get(0)).get("identity"));
        assertEquals("cam\\1", ev.get("source"));
        assertEquals("a\"b.jpg", ev.get("origin"));
    }

    @Test
    void lastWillSaysOfflineWhenTheConnectionDropsAbruptly() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        TcpProxy proxy = closing(new TcpProxy(broker.port()));
        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-w/status"));
        MqttPublisherComponent pub = publisher(proxy.url(), "gw-w");
        assertNotNull(sub.await(30_000, m -> isStatus(m, "online")), "online first");

        proxy.cutConnections(); // like a power cut: no DISCONNECT packet

        TestSubscriber.Msg will = sub.await(30_000, m -> isStatus(m, "offline"));
        assertNotNull(will, "last will");
        Map<String, Object> w = MiniJson.object(will.payload());
        assertEquals("connection_lost", w.get("reason"));
        assertEquals("gw-w", w.get("gateway"));
        // a subscriber that arrives now sees offline: the will is retained
        try (TestSubscriber late = new TestSubscriber(broker.url(), "facegate/gw-w/status", 0)) {
            TestSubscriber.Msg r = late.await(20_000, m -> true);
            assertNotNull(r);
            assertTrue(r.retained());
            // either still the will, or already the next birth if the publisher was that fast
            assertTrue(isStatus(r, "offline") || isStatus(r, "online"), r.payload());
        }
        // and the publisher comes back by itself through the (still listening) proxy
        assertNotNull(sub.await(30_000, m -> isStatus(m, "online")), "online again");
        await("second connect counted", 20_000, () -> pub.stats().connects() == 2);
    }

    @Test
    void brokerDownAtStartThenStartedLater() throws Exception {
        int port = TestBroker.freePort();
        long t0 = System.nanoTime();
        MqttPublisherComponent pub = publisher("tcp://127.0.0.1:" + port, "gw-late");
        long activationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(activationMs < 3000, "activation must not wait for the broker, took " + activationMs + " ms");

        // the pipeline keeps running: events go nowhere, are counted, nothing is thrown
        for (int k = 0; k < 5; k++) {
            pub.recognized(Events.empty(k));
        }
        await("5 dropped while disconnected", 20_000, () -> pub.stats().droppedDisconnected() == 5);
        Thread.sleep(500); // a few failed connect attempts
        assertFalse(pub.stats().connected());

        TestBroker broker = closing(new TestBroker(port).start());
        await("connected by itself", 30_000, () -> pub.stats().connected());
        assertNotNull(retainedStatus(broker.url(), "gw-late", "online"));
        TestSubscriber sub = closing(new TestSubscriber(broker.url(), "facegate/gw-late/events"));
        pub.recognized(Events.empty(100));
        TestSubscriber.Msg ev = sub.await(20_000, m -> m.topic().endsWith("/events"));
        assertNotNull(ev);
        assertEquals(new BigDecimal(100), MiniJson.object(ev.payload()).get("sequence"));
        assertEquals(1, pub.stats().connects());
    }

    @Test
    void brokerRestartIsSurvivedAndLostEventsAreCounted() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        MqttPublisherComponent pub = publisher(broker.url(), "gw-r");
        await("connected", 30_000, () -> pub.stats().connected());
        TestSubscriber sub1 = closing(new TestSubscriber(broker.url(), "facegate/gw-r/events"));

        // the pipeline sends a frame every 10 ms throughout, until the publisher is back
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Thread pipeline = new Thread(() -> {
            while (!stop.get()) {
                pub.recognized(Events.empty(sent.getAndIncrement()));
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        pipeline.start();
        Thread.sleep(800);
        long outageStart = System.nanoTime();
        broker.stop(); // Moquette closes the connections at once, then waits ~2 s for Netty's quiet period
        Thread.sleep(1500); // broker down
        broker.start();
        TestSubscriber sub2 = closing(new TestSubscriber(broker.url(), "facegate/gw-r/events"));
        await("reconnected", 30_000, () -> pub.stats().connects() == 2);
        long outageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart);
        Thread.sleep(800);
        stop.set(true);
        pipeline.join();
        int total = sent.get();
        await("queue empty and nothing in flight", 30_000,
                () -> pub.stats().queued() == 0 && pub.stats().inflight() == 0);
        Thread.sleep(300); // last deliveries to the subscribers

        Set<Long> received = new TreeSet<>();
        for (TestSubscriber sub : List.of(sub1, sub2)) {
            for (TestSubscriber.Msg m : sub.drain()) {
                received.add(((BigDecimal) MiniJson.object(m.payload()).get("sequence")).longValueExact());
            }
        }
        PublisherStats s = pub.stats();
        System.out.printf("broker restart: outage %d ms, %d events sent, %d received by subscribers (%d lost), %d published,"
                + " %d dropped by the publisher (%d not connected, %d in flight/failed, %d queue full)%n",
                outageMs, total, received.size(), total - received.size(), s.published(), s.dropped(), s.droppedDisconnected(), s.failed(),
                s.droppedQueueFull());
        assertEquals(total, s.accepted());
        assertEquals(total, s.published() + s.dropped(), "every event is either published or counted as dropped");
        assertTrue(s.dropped() > 0, "events during the outage are dropped and counted");
        assertTrue(received.size() <= s.published());
        // the publisher lost only what fell into the outage: the last events all arrived
        assertTrue(received.contains((long) total - 1), "last event after the reconnect arrived");
        assertTrue(received.contains(0L), "first event before the outage arrived");
    }

    @Test
    void recognizedNeverBlocksAndDropsTheOldestWhenTheQueueIsFull() {
        // not started: nothing drains the queue
        MqttEventPublisher p = new MqttEventPublisher(PublisherSettings.from(Configs.publisher("queue_capacity", 10)));
        try {
            long t0 = System.nanoTime();
            for (int k = 0; k < 100_000; k++) {
                p.offer(Events.empty(k));
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 10_000, "100000 offers took " + ms + " ms");
            PublisherStats s = p.stats();
            assertEquals(100_000, s.accepted());
            assertEquals(10, s.queued());
            assertEquals(99_990, s.droppedQueueFull());
        } finally {
            p.close();
        }
    }

    @Test
    void deactivatePublishesOfflineAndStopsEveryThread() throws Exception {
        TestBroker broker = closing(TestBroker.started());
        MqttPublisherComponent pub = new MqttPublisherComponent(Configs.publisher("broker_url", broker.url(),
                "gateway_id", "gw-d"));
        await("connected", 30_000, () -> pub.stats().connected());
        for (int k = 0; k < 20; k++) {
            pub.recognized(Events.empty(k));
        }
        long t0 = System.nanoTime();
        pub.deactivate();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 5000, "deactivate took " + ms + " ms");
        PublisherStats s = pub.stats();
        assertEquals(20, s.published(), "queued events are flushed on a clean shutdown");
        assertFalse(s.connected());
        try (TestSubscriber sub = new TestSubscriber(broker.url(), "facegate/gw-d/status", 0)) {
            TestSubscriber.Msg m = sub.await(20_000, x -> true);
            assertNotNull(m);
            assertTrue(m.retained());
            Map<String, Object> st = MiniJson.object(m.payload());
            assertEquals("offline", st.get("state"));
            assertEquals("shutdown", st.get("reason"), "a clean stop is not a lost connection");
            assertEquals(new BigDecimal(20), st.get("events_published"));
        }
        await("threads gone", 20_000, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("facegate-mqtt") || t.getName().contains("facegate-gw-d")));
    }

    @Test
    void deactivateWhileTheBrokerIsDownIsQuick() throws Exception {
        MqttPublisherComponent pub = new MqttPublisherComponent(Configs.publisher(
                "broker_url", "tcp://127.0.0.1:" + TestBroker.freePort(), "gateway_id", "gw-x"));
        pub.recognized(Events.empty(1));
        Thread.sleep(300);
        long t0 = System.nanoTime();
        pub.deactivate();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 3000, "deactivate took " + ms + " ms");
        assertEquals(1, pub.stats().dropped());
        await("threads gone", 20_000, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("facegate-mqtt") || t.getName().contains("facegate-gw-x")));
    }

    @Test
    void badConfigurationIsRefusedAtActivation() {
        assertThrows(IllegalArgumentException.class,
                () -> new MqttPublisherComponent(Configs.publisher("broker_url", "http://127.0.0.1:1883")));
        assertThrows(IllegalArgumentException.class, () -> new MqttPublisherComponent(Configs.publisher("qos", 5)));
        assertThrows(IllegalArgumentException.class,
                () -> new MqttPublisherComponent(Configs.publisher("gateway_id", "a/b")));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("facegate-mqtt")), "a refused configuration starts no thread");
    }
}
