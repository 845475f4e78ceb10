package io.facegate.mqtt.internal;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Identity;
import io.facegate.api.Point;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Benchmark of the gateway's event path over MQTT: the real {@link MqttGatewayComponent} (outbox on disk with one
 * fsync per event, forwarder, Paho) against an in-process Moquette broker on loopback, with a real Paho subscriber.
 * Not a test: it prints numbers for docs/results.md.
 *
 * <ol>
 * <li>throughput with the broker up: N events handed over as fast as one pipeline thread can
 * ({@code recognized()} returns after the fsync), until the subscriber received all of them;</li>
 * <li>drain: 10,000 events stored while the broker is down, then the time from the broker's start to the last
 * event at the subscriber.</li>
 * </ol>
 * Usage: {@code java -cp 'target/facegate-benchmarks.jar:target/lib/*' io.facegate.mqtt.internal.MqttBenchmark
 * [events] [buffered] [outbox folder]}; the outbox folder defaults to a temporary folder under {@code target/}
 * (put it on the disk the gateway uses: fsync cost is the disk's).
 */
public final class MqttBenchmark {
    private MqttBenchmark() {
    }

    /**
     * @param args events for the throughput run (default 5000), buffered events to drain (default 10000), outbox
     *             parent folder
     * @throws Exception on a setup failure
     */
    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int buffered = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path parent = args.length > 2 ? Path.of(args[2]) : Path.of("target");
        Files.createDirectories(parent);
        System.out.printf("MqttBenchmark: %d events broker up, %d buffered; outbox under %s; load average %.2f;"
                + " %d cores%n", events, buffered, parent.toAbsolutePath(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        throughput(events, Files.createTempDirectory(parent, "outbox-bench-"));
        drain(buffered, Files.createTempDirectory(parent, "outbox-drain-"));
    }

    private static void throughput(int n, Path dir) throws Exception {
        int port = freePort();
        Server broker = broker(port);
        Counter sub = new Counter("tcp://127.0.0.1:" + port);
        MqttGatewayComponent gw = gateway(port, dir);
        try {
            waitFor(gw::connected, 30_000);
            warmUp(gw, sub);
            long t0 = System.nanoTime();
            for (int k = 0; k < n; k++) {
                gw.recognized(event(k));
            }
            long stored = System.nanoTime();
            sub.await(n, 120_000);
            long delivered = System.nanoTime();
            waitFor(() -> gw.outbox().stats().depth() == 0, 60_000);
            double storeS = (stored - t0) / 1e9;
            double allS = (delivered - t0) / 1e9;
            System.out.printf("broker up: %d events stored in %.2f s (%.0f events/s, %.2f ms per event incl. fsync);"
                    + " all at the subscriber after %.2f s (%.0f events/s end to end)%n", n, storeS, n / storeS,
                    1000 * storeS / n, allS, n / allS);
        } finally {
            gw.deactivate();
            sub.close();
            broker.stopServer();
            delete(dir);
        }
    }

    private static void drain(int n, Path dir) throws Exception {
        int port = freePort();
        MqttGatewayComponent gw = gateway(port, dir);
        Server broker = null;
        Counter sub = null;
        try {
            long t0 = System.nanoTime();
            for (int k = 0; k < n; k++) {
                gw.recognized(event(k));
            }
            double storeS = (System.nanoTime() - t0) / 1e9;
            OutboxStats s = gw.outbox().stats();
            System.out.printf("broker down: %d events stored in %.2f s; outbox %d events, %.1f MB on disk%n", n, storeS,
                    s.depth(), s.bytes() / 1e6);
            broker = broker(port);
            long started = System.nanoTime();
            sub = new Counter("tcp://127.0.0.1:" + port);
            sub.await(n, 300_000);
            long drained = System.nanoTime();
            waitFor(() -> gw.outbox().stats().depth() == 0, 60_000);
            double drainS = (drained - started) / 1e9;
            System.out.printf("drain: %d buffered events at the subscriber %.2f s after the broker started (%.0f"
                    + " events/s, reconnect back-off included: first retry <= 400 ms)%n", n, drainS, n / drainS);
        } finally {
            gw.deactivate();
            if (sub != null) {
                sub.close();
            }
            if (broker != null) {
                broker.stopServer();
            }
            delete(dir);
        }
    }

    private static void warmUp(MqttGatewayComponent gw, Counter sub) throws Exception {
        for (int k = 0; k < 500; k++) {
            gw.recognized(event(k));
        }
        sub.await(500, 60_000);
        sub.reset();
    }

    private static RecognitionEvent event(long seq) {
        DetectedFace f = new DetectedFace(new BoundingBox(100, 80, 120, 150), 0.999f, new FaceLandmarks(
                new Point(130, 130), new Point(190, 131), new Point(160, 165), new Point(135, 195),
                new Point(185, 196)));
        return new RecognitionEvent("folder:/var/facegate/inbox", seq, Instant.now(), "frame-" + seq + ".jpg",
                "mobilefacenet-112", "1", List.of(new RecognizedFace(f, Identity.of("Barack Obama", 0.71f, 0.5f)),
                        new RecognizedFace(f, Identity.unknown(0.2f, 0.5f))),
                Map.of("detect", Duration.ofMillis(40), "align", Duration.ofMillis(1), "embed", Duration.ofMillis(20),
                        "match", Duration.ofNanos(50_000)));
    }

    private static MqttGatewayComponent gateway(int port, Path dir) {
        Map<String, Object> values = new HashMap<>(Map.of("broker_url", "tcp://127.0.0.1:" + port,
                "gateway_id", "bench", "outbox_dir", dir.toString(), "reconnect_min_delay_ms", 100L,
                "reconnect_max_delay_ms", 400L, "max_inflight", 256));
        for (Method m : MqttGatewayComponent.Config.class.getDeclaredMethods()) {
            values.putIfAbsent(m.getName().replace("__", "_"), m.getDefaultValue());
        }
        MqttGatewayComponent.Config config = (MqttGatewayComponent.Config) Proxy.newProxyInstance(
                MqttBenchmark.class.getClassLoader(), new Class<?>[] {MqttGatewayComponent.Config.class},
                (proxy, method, a) -> method.getName().equals("annotationType") ? MqttGatewayComponent.Config.class
                        : values.get(method.getName().replace("__", "_")));
        return new MqttGatewayComponent(config);
    }

    private static Server broker(int port) throws IOException {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("netty.mqtt.message_size", Integer.toString(256 * 1024));
        Server s = new Server();
        s.startServer(new MemoryConfig(p));
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private interface Condition {
        boolean holds();
    }

    private static void waitFor(Condition c, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!c.holds()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out after " + timeoutMs + " ms");
            }
            Thread.sleep(5);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A QoS 1 subscriber to the events that counts them. */
    private static final class Counter implements AutoCloseable {
        private final MqttClient client;
        private final AtomicLong received = new AtomicLong();

        Counter(String url) throws MqttException {
            client = new MqttClient(url, "bench-sub-" + System.nanoTime(), new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.incrementAndGet();
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setMaxInflight(1000);
            client.connect(o);
            client.subscribe("facegate/bench/events", 1);
        }

        void await(long n, long timeoutMs) throws InterruptedException {
            waitFor(() -> received.get() >= n, timeoutMs);
        }

        void reset() {
            received.set(0);
        }

        @Override
        public void close() throws MqttException {
            client.disconnect();
            client.close();
        }
    }
}
