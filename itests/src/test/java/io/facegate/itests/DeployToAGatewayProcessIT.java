package io.facegate.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.facegate.deploy.manifest.ArtifactDigest;
import io.facegate.deploy.manifest.Keys;
import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ManifestSigner;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.Target;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model bundles pushed to the built distribution running as a child process ({@link GatewayProcess}), commanded
 * through a mosquitto the test starts, as in {@link OutboxCrashIT}: a bring-your-own model bundle that the import
 * tool builds in the test from the shipped MobileFaceNet TFLite installs and serves; and a SIGKILL of the gateway
 * while it installs an update (a power cut mid-update), then a restart, leaves one consistent revision serving,
 * the new one health-checked or the previous one, and the job says which. Plain JUnit 5: Exam cannot SIGKILL its
 * container.
 */
class DeployToAGatewayProcessIT {
    private static final String GATEWAY = "deploycrash";
    private static final String BASE = "facegate/" + GATEWAY;
    private static final String NEW_VERSION = "0.9.5";
    private static final AtomicLong IDS = new AtomicLong();

    private final KeyPair key = Keys.generate();
    private final List<String[]> received = new ArrayList<>();
    private Path work;
    private GatewayProcess gateway;
    private Mosquitto mosquitto;
    private MqttClient operator;

    @BeforeEach
    void unpackAndConfigure() throws Exception {
        work = Files.createDirectories(Path.of("target", "deploy-crash-it")).toAbsolutePath()
                .resolve("run-" + System.currentTimeMillis());
        gateway = GatewayProcess.unpackBuilt(work.resolve("gateway"));
        mosquitto = new Mosquitto(work.resolve("mosquitto"), Ports.free());
        gateway.useBroker(mosquitto.url(), GATEWAY);
        gateway.configure("io.facegate.deploy.cfg", "health_timeout_s", "60");
        Path keys = Files.createDirectories(gateway.home().resolve("etc/facegate-deploy-keys"));
        Keys.writePublic(keys.resolve("itest.pub"), key.getPublic());
    }

    @AfterEach
    void killEverything() throws Exception {
        try {
            if (operator != null && operator.isConnected()) {
                operator.disconnectForcibly(100, 1000);
            }
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (mosquitto != null) {
                mosquitto.close();
            }
        }
        if (work != null && !Boolean.getBoolean("facegate.itest.keep")) {
            try (Stream<Path> all = Files.walk(work)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aSigkillDuringTheInstallLeavesOneConsistentRevisionAndTheJobSaysWhich() throws Exception {
        mosquitto.start();
        gateway.start();
        GatewayStatus.await(mosquitto, GATEWAY, GatewayStatus::online, 240, TimeUnit.SECONDS);
        connectOperator();
        String before = awaitActiveModel();
        String versionBefore = listedVersion();

        byte[] jar = ModelBundles.mobileFaceNet(shippedModelJar(), NEW_VERSION,
                p -> p.setProperty("model.version", "5"));
        Manifest m = Manifest.builder().name(ModelBundles.SYMBOLIC_NAME).version(NEW_VERSION)
                .kind(Manifest.Kind.MODEL).artifact(ArtifactDigest.of(new ByteArrayInputStream(jar)))
                .target(Target.gateway(GATEWAY)).release(5).rollback(false).created(Instant.now())
                .keyId(Keys.keyId(key.getPublic())).build();
        SignedManifest envelope = new ManifestSigner(key.getPrivate(), key.getPublic()).sign(m);
        push("crash-1", jar, envelope);
        // the power cut: as soon as the gateway says it installs
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String cutAt = null;
        while (cutAt == null && System.nanoTime() < deadline) {
            cutAt = notified("crash-1", "installing", "health_checking", "done");
            Thread.sleep(5);
        }
        gateway.kill();
        assertNotNull(cutAt, "the install began");
        operator.disconnectForcibly(100, 1000);

        gateway.start();
        GatewayStatus.await(mosquitto, GATEWAY, GatewayStatus::online, 240, TimeUnit.SECONDS);
        connectOperator();
        JsonObject job = awaitEnd("crash-1");
        String state = job.get("state").getAsString();
        String serving = awaitActiveModel();
        if (state.equals("done")) {
            assertEquals("mobilefacenet-112:5", serving, "done: the new model serves");
            assertEquals(NEW_VERSION, listedVersion());
        } else {
            assertTrue(state.equals("failed") || state.equals("rolled_back"), job.toString());
            assertEquals(before, serving, "not done: the previous model serves");
            assertEquals(versionBefore, listedVersion());
        }
        System.out.printf("DeployToAGatewayProcessIT: SIGKILL at '%s'; after the restart the job ended '%s' (%s); serving %s%n",
                cutAt, state, job.get("reason"), serving);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aModelBundleTheImportToolBuildsFromTheShippedTfliteInstallsAndServes() throws Exception {
        Path tflite = Path.of(System.getProperty("facegate.tflite.mobilefacenet"));
        assertTrue(Files.isRegularFile(tflite), "the build fetched the shipped MobileFaceNet TFLite: " + tflite);
        Path jarFile = work.resolve("byo-mobilefacenet.jar");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = io.facegate.modelimport.ImportCli.run(new String[] {"bundle", "--input", tflite.toString(),
            "--jar", jarFile.toString(), "--id", "byo-mobilefacenet", "--version", "1", "--outputs",
            "embeddings=embeddings", "--input-size", "112", "--channel-order", "RGB", "--embedding-size", "192",
            "--threshold", "0.5", "--ranking", "300"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        byte[] jar = Files.readAllBytes(jarFile);

        mosquitto.start();
        gateway.start();
        GatewayStatus.await(mosquitto, GATEWAY, GatewayStatus::online, 240, TimeUnit.SECONDS);
        connectOperator();
        assertEquals("mobilefacenet-112:1", awaitActiveModel());
        Manifest m = Manifest.builder().name("facegate-model-byo-mobilefacenet").version("1")
                .kind(Manifest.Kind.MODEL).artifact(ArtifactDigest.of(new ByteArrayInputStream(jar)))
                .target(Target.gateway(GATEWAY)).release(1).rollback(false).created(Instant.now())
                .keyId(Keys.keyId(key.getPublic())).build();
        push("byo-1", jar, new ManifestSigner(key.getPrivate(), key.getPublic()).sign(m));
        JsonObject job = awaitEnd("byo-1");
        assertEquals("done", job.get("state").getAsString(), job.toString());
        assertEquals("byo-mobilefacenet:1", awaitActiveModel(), "the bring-your-own model (ranking 300) serves");
        Path photo = Path.of(System.getProperty("facegate.data.dir", "../../shared/data"), "demo", "obama3.jpg");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(photo), "demo photos absent: " + photo
                + " (see shared/data/README); the model served, its identify is not checked");
        JsonObject identify = new JsonObject();
        identify.addProperty("image", Base64.getEncoder().encodeToString(Files.readAllBytes(photo)));
        JsonObject result = call("identify", identify);
        assertEquals(200, result.get("code").getAsInt(), result.toString());
        assertTrue(result.toString().contains("byo-mobilefacenet:1"), result.toString());
    }

    /** Sends the artifact chunk by chunk; every chunk must be taken. */
    private void push(String jobId, byte[] jar, SignedManifest envelope) throws Exception {
        for (JsonObject r : DeployChunks.of(jobId, jar, envelope)) {
            JsonObject reply = call("deploy/install", r);
            assertEquals(200, reply.get("code").getAsInt(), reply.toString());
        }
    }

    /** @return the job once it ended (done, failed or rolled_back), asking deploy/status */
    private JsonObject awaitEnd(String jobId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        JsonObject job = null;
        while (System.nanoTime() < deadline) {
            JsonObject reply = call("deploy/status", jobId(jobId));
            assertEquals(200, reply.get("code").getAsInt(), "the job is on record: " + reply);
            job = reply.getAsJsonObject("result");
            String s = job.get("state").getAsString();
            if (s.equals("done") || s.equals("failed") || s.equals("rolled_back")) {
                return job;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("job " + jobId + " did not end: " + job + "\n" + gateway.logTail(40));
    }

    private Path shippedModelJar() throws IOException {
        try (Stream<Path> files = Files.walk(gateway.home().resolve("system/io/facegate/" + ModelBundles.SYMBOLIC_NAME))) {
            return files.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
    }

    private void connectOperator() throws Exception {
        operator = new MqttClient(mosquitto.url(), "itest-op-" + UUID.randomUUID().toString().substring(0, 8),
                new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        operator.connect(o);
        operator.subscribe(BASE + "/reply/#", 1, (t, msg) -> record(t, msg.getPayload()));
        operator.subscribe(BASE + "/notify/#", 1, (t, msg) -> record(t, msg.getPayload()));
        // the gateway subscribes to its commands once connected: wait until it answers
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (tryCall("status", new JsonObject(), 2) == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private void record(String topic, byte[] payload) {
        synchronized (received) {
            received.add(new String[] {topic, new String(payload, StandardCharsets.UTF_8)});
            received.notifyAll();
        }
    }

    /** @return the first of {@code states} notified for the job so far, or {@code null} */
    private String notified(String jobId, String... states) {
        synchronized (received) {
            for (String[] m : received) {
                if (m[0].equals(BASE + "/notify/deploy/" + jobId)) {
                    String s = JsonParser.parseString(m[1]).getAsJsonObject().get("state").getAsString();
                    if (Arrays.asList(states).contains(s)) {
                        return s;
                    }
                }
            }
        }
        return null;
    }

    private String activeModel() throws Exception {
        for (JsonElement e : call("models", new JsonObject()).getAsJsonObject("result").getAsJsonArray("models")) {
            JsonObject model = e.getAsJsonObject();
            if (model.get("active").getAsBoolean()) {
                return model.get("id").getAsString() + ":" + model.get("version").getAsString();
            }
        }
        return null;
    }

    private String awaitActiveModel() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String m = activeModel();
        while (m == null && System.nanoTime() < deadline) {
            Thread.sleep(500);
            m = activeModel();
        }
        return m;
    }

    private String listedVersion() throws Exception {
        for (JsonElement e : call("deploy/list", new JsonObject()).getAsJsonObject("result")
                .getAsJsonArray("artifacts")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(ModelBundles.SYMBOLIC_NAME)) {
                return e.getAsJsonObject().get("version").getAsString();
            }
        }
        return null;
    }

    private static JsonObject jobId(String id) {
        JsonObject o = new JsonObject();
        o.addProperty("job_id", id);
        return o;
    }

    private JsonObject call(String command, JsonObject request) throws Exception {
        JsonObject r = tryCall(command, request, 120);
        assertNotNull(r, "a reply to " + command + "\n" + gateway.logTail(40));
        return r;
    }

    private JsonObject tryCall(String command, JsonObject request, int timeoutSeconds) throws Exception {
        String id = "crash-it-" + IDS.incrementAndGet();
        JsonObject o = new JsonObject();
        o.addProperty("request_id", id);
        request.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        operator.publish(BASE + "/cmd/" + command, o.toString().getBytes(StandardCharsets.UTF_8), 1, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        synchronized (received) {
            while (true) {
                for (String[] m : received) {
                    if (m[0].equals(BASE + "/reply/" + id)) {
                        return JsonParser.parseString(m[1]).getAsJsonObject();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }
}
