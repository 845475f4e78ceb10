package io.facegate.mqtt.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Boots the built bundles in Apache Felix 7.0.5 (Karaf 4.4.10's framework) with only the JDK, SCR and
 * ConfigAdmin: the broker bundle must resolve and start with what it embeds, generate its credentials, and the
 * publisher bundle must log in to it and publish. Configures both through ConfigAdmin, as Karaf's etc/*.cfg files
 * would.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OsgiSmokeIT {

    @Test
    void brokerAndPublisherRunInFelix() throws Exception {
        // slf4j-simple inside the framework reads system properties; Moquette logs every MQTT packet at INFO
        System.setProperty("org.slf4j.simpleLogger.log.io.moquette", "warn");
        Path storage = Path.of(System.getProperty("it.framework.storage", "target/felix-cache"));
        Map<String, String> fwConfig = new HashMap<>();
        fwConfig.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        fwConfig.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // as Karaf's etc/config.properties
        fwConfig.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "sun.misc");
        fwConfig.put(Constants.FRAMEWORK_BOOTDELEGATION, "com.sun.*,sun.*,jdk.internal.reflect,jdk.internal.reflect.*");
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(fwConfig);
        fw.start();
        try {
            BundleContext ctx = fw.getBundleContext();
            File[] runtime = new File(System.getProperty("it.bundles", "target/it-bundles")).listFiles();
            assertNotNull(runtime, "it-bundles");
            Arrays.sort(runtime);
            Map<String, Bundle> bySymbolicName = new HashMap<>();
            for (File f : runtime) {
                Bundle b = ctx.installBundle(f.toURI().toString());
                bySymbolicName.put(b.getSymbolicName(), b);
            }
            Bundle built = ctx.installBundle(new File(System.getProperty("it.bundle")).toURI().toString());
            bySymbolicName.put(built.getSymbolicName(), built);

            // the runtime first, then the broker with its configuration, then the publisher with the password the
            // broker generated (the key "password": both the old publisher and the one with password_file read it)
            List<String> facegate = List.of("facegate-mqtt-broker", "facegate-api", "org.eclipse.paho.client.mqttv3",
                    "facegate-mqtt");
            for (Bundle b : bySymbolicName.values()) {
                if (!facegate.contains(b.getSymbolicName()) && !isFragment(b)) {
                    b.start();
                }
            }
            int port = BrokerConfigs.freePort();
            Path credentials = storage.resolveSibling("it-credentials");
            deleteTree(credentials);
            configure(ctx, "io.facegate.mqtt.broker", Map.of("port", port, "credentials_dir", credentials.toString()));
            Bundle broker = bySymbolicName.get("facegate-mqtt-broker");
            broker.start();
            Path gatewaySecret = CredentialFiles.secretFile(credentials, "gateway");
            long secretBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(gatewaySecret) && System.nanoTime() < secretBy) {
                Thread.sleep(100); // SCR activates the component after ConfigAdmin delivered the configuration
            }
            assertTrue(Files.exists(gatewaySecret), "the broker generated its credentials in " + credentials);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(gatewaySecret)));
            configure(ctx, "io.facegate.mqtt", Map.of("broker_url", "tcp://127.0.0.1:" + port,
                    "gateway_id", "osgi-gw", "reconnect_min_delay_ms", 100L, "reconnect_max_delay_ms", 500L,
                    "username", "gateway", "password", BrokerConfigs.password(credentials, "gateway"),
                    "outbox_dir", storage.resolveSibling("it-outbox").toString()));
            for (String name : facegate) {
                Bundle b = bySymbolicName.get(name);
                assertNotNull(b, name + " installed");
                b.start();
            }
            for (Bundle b : ctx.getBundles()) {
                System.out.printf("  %-40s %-20s %s%n", b.getSymbolicName(), b.getVersion(), state(b));
                if (!isFragment(b)) {
                    assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName() + " must be active");
                }
            }
            System.out.println("facegate-mqtt-broker Import-Package:");
            for (String p : splitHeader(broker.getHeaders().get(Constants.IMPORT_PACKAGE))) {
                System.out.println("  " + p);
            }

            // the broker listens and the publisher inside OSGi publishes its retained status to it
            MqttClient sub = new MqttClient("tcp://127.0.0.1:" + port, "it-sub", new MemoryPersistence());
            LinkedBlockingQueue<String[]> got = new LinkedBlockingQueue<>();
            sub.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    got.add(new String[] {topic, new String(m.getPayload(), StandardCharsets.UTF_8)});
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            MqttConnectOptions o = TestClient.login("reader", BrokerConfigs.password(credentials, "reader"));
            o.setConnectionTimeout(10);
            while (true) {
                try {
                    sub.connect(o);
                    break;
                } catch (Exception e) {
                    if (System.nanoTime() > end) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            sub.subscribe("facegate/osgi-gw/#", 1);
            String[] status = null;
            // "degraded" from a publisher that reports the pipeline's health (there is no pipeline here)
            while (System.nanoTime() < end && (status == null || !connected(status[1]))) {
                status = got.poll(1, TimeUnit.SECONDS);
            }
            assertNotNull(status, "status from the publisher bundle");
            assertEquals("facegate/osgi-gw/status", status[0]);
            assertTrue(connected(status[1]), status[1]);

            // an event handed to the RecognitionListener service comes out as JSON
            ServiceReference<?> ref = ctx.getServiceReferences("io.facegate.api.RecognitionListener",
                    "(facegate.listener.type=mqtt)")[0];
            Object listener = ctx.getService(ref);
            Bundle api = bySymbolicName.get("facegate-api");
            Class<?> eventClass = api.loadClass("io.facegate.api.RecognitionEvent");
            Constructor<?> ctor = eventClass.getConstructors()[0];
            Object event = ctor.newInstance("osgi-cam", 7L, Instant.parse("2026-01-31T12:00:00Z"), "x.jpg",
                    "mobilefacenet-112", "1", List.of(), Map.of());
            Method recognized = api.loadClass("io.facegate.api.RecognitionListener").getMethod("recognized",
                    eventClass);
            recognized.invoke(listener, event);
            String[] ev = null;
            while (System.nanoTime() < end && (ev == null || !ev[0].endsWith("/events"))) {
                ev = got.poll(1, TimeUnit.SECONDS);
            }
            assertNotNull(ev, "event");
            assertTrue(ev[1].contains("\"source\":\"osgi-cam\"") && ev[1].contains("\"sequence\":7"), ev[1]);
            ctx.ungetService(ref);
            sub.disconnect(1000);
            sub.close(true);

            // stopping the broker bundle frees the port
            broker.stop();
            assertTrue(BrokerConfigs.portFree(port), "port freed when the bundle stops");
        } finally {
            fw.stop();
            fw.waitForStop(30_000);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static boolean connected(String status) {
        return status.contains("\"state\":\"online\"") || status.contains("\"state\":\"degraded\"");
    }

    private static boolean isFragment(Bundle b) {
        return (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            default -> "state " + b.getState();
        };
    }

    /** Sets a configuration through the framework's ConfigurationAdmin, by reflection (its classes live there). */
    private static void configure(BundleContext ctx, String pid, Map<String, Object> values) throws Exception {
        ServiceReference<?> ref = ctx.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        assertNotNull(ref, "ConfigurationAdmin");
        Object admin = ctx.getService(ref);
        Bundle cm = ref.getBundle();
        Class<?> adminType = cm.loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Object configuration = adminType.getMethod("getConfiguration", String.class, String.class)
                .invoke(admin, pid, "?");
        Dictionary<String, Object> props = new Hashtable<>(values);
        cm.loadClass("org.osgi.service.cm.Configuration").getMethod("update", Dictionary.class)
                .invoke(configuration, props);
        ctx.ungetService(ref);
    }

    private static List<String> splitHeader(String header) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
