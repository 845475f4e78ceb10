package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.Gallery;
import io.facegate.api.Pipeline;
import io.facegate.deploy.manifest.ArtifactDigest;
import io.facegate.deploy.manifest.Keys;
import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ManifestSigner;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.Target;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * An operator pushes model bundles to the gateway over MQTT, in chunks, each with a signed manifest, while frames
 * flow: a good one is installed, health-checked and serves (events carry the new model version, the gallery
 * re-embeds, the enrolled person is recognised again); tampered, unsigned, unknown-key, wrong-target and replayed
 * artifacts are refused with their reasons and change nothing; a validly signed model that outputs NaN is
 * installed, fails its health check and is rolled back by itself.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class DeployOverMqttIT extends FacegateTestSupport {
    private static final String PREFIX = "facegate/" + GATEWAY_ID;
    private static final Pattern MODEL = Pattern.compile("\"model\":\\{\"id\":\"([^\"]+)\",\"version\":\"([^\"]+)\"}");
    private static final AtomicLong IDS = new AtomicLong();
    /** Release numbers only grow, across the tests of this class. */
    private static final AtomicLong RELEASES = new AtomicLong(1000);
    private static final KeyPair TRUSTED = Keys.generate();
    /** The artifact of the first update, for the rollback to it (the test methods run in order, in one JVM). */
    private static byte[] firstUpdate;

    @Inject
    @Filter(timeout = 60_000)
    private Gallery gallery;

    @Inject
    @Filter(timeout = 60_000)
    private Pipeline pipeline;

    private MqttPeer operator;

    @Override
    protected List<Option> extraOptions() {
        List<Option> options = new ArrayList<>(MqttPeer.gatewayLogsIn());
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "command_max_bytes",
                String.valueOf(1 << 20)));
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.broker.cfg", "max_message_bytes",
                String.valueOf(2 << 20)));
        options.add(editConfigurationFilePut("etc/io.facegate.deploy.cfg", "health_timeout_s", "20"));
        return options;
    }

    @Before
    public void trustTheTestKeyAndConnect() throws Exception {
        Path keys = Path.of(System.getProperty("karaf.etc"), "facegate-deploy-keys");
        Files.createDirectories(keys);
        Path pub = keys.resolve("itest.pub");
        if (!Files.exists(pub)) {
            Keys.writePublic(pub, TRUSTED.getPublic());
        }
        operator = MqttPeer.embeddedAs("operator").subscribe(PREFIX + "/reply/#").subscribe(PREFIX + "/notify/#");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonObject status = null;
        while (status == null && System.nanoTime() < deadline) {
            status = tryCall("status", new JsonObject(), 2);
        }
        assertNotNull("the gateway answers commands", status);
    }

    @After
    public void disconnect() throws Exception {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    public void a_aSignedModelUpdateServesWhileFramesFlow() throws Exception {
        JsonObject enroll = new JsonObject();
        enroll.addProperty("name", "Obama");
        com.google.gson.JsonArray images = new com.google.gson.JsonArray();
        for (String p : List.of("obama.jpg", "obama2.jpg")) {
            images.add(Base64.getEncoder().encodeToString(Files.readAllBytes(Photos.demo(p))));
        }
        enroll.add("images", images);
        assertEquals(200, call("enroll", enroll).get("code").getAsInt());
        String before = awaitActiveModel(null);
        long failedBefore = pipeline.status().framesFailed();

        byte[] jar = ModelBundles.mobileFaceNet(model(), "0.9.1", p -> p.setProperty("model.version", "7"));
        firstUpdate = jar;
        int frames = 60;
        try (MqttRecorder events = new MqttRecorder(PREFIX + "/events")) {
            Thread feeder = new Thread(() -> {
                try {
                    for (int i = 0; i < frames; i++) {
                        Photos.drop("obama3.jpg", String.format("deploy-%03d.jpg", i));
                        Thread.sleep(250);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            feeder.start();
            JsonObject job = push("job-update", jar, sign(manifest(jar, "0.9.1", Target.gateway(GATEWAY_ID))));
            assertEquals(job.toString(), "done", awaitEnd("job-update").get("state").getAsString());
            feeder.join();
            List<String> all = events.await(m -> true, frames, 5, TimeUnit.MINUTES);
            assertEquals("one event per frame, none lost through the switch", frames, all.size());
            assertEquals("no frame failed", failedBefore, pipeline.status().framesFailed());
            assertEquals("mobilefacenet-112:7", awaitActiveModel("mobilefacenet-112:7"));
            Matcher last = MODEL.matcher(all.get(all.size() - 1));
            assertTrue(last.find());
            assertEquals("the last events carry the new model", "mobilefacenet-112:7", last.group(1) + ":"
                    + last.group(2));
            assertTrue("the switch happened while frames flowed: " + before, all.stream().anyMatch(e -> {
                Matcher m = MODEL.matcher(e);
                return m.find() && (m.group(1) + ":" + m.group(2)).equals(before);
            }));
        }
        // the gallery re-embeds for the new version; then obama3 is Obama again
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        boolean recognised = false;
        while (!recognised && System.nanoTime() < deadline) {
            JsonObject request = new JsonObject();
            request.addProperty("image", Base64.getEncoder().encodeToString(Files.readAllBytes(
                    Photos.demo("obama3.jpg"))));
            JsonObject r = call("identify", request).getAsJsonObject("result");
            recognised = r.toString().contains("\"identity\":\"Obama\"") && r.toString().contains("mobilefacenet-112:7");
            if (!recognised) {
                Thread.sleep(500);
            }
        }
        assertTrue("Obama recognised with the new model", recognised);
        JsonObject list = call("deploy/list", new JsonObject()).getAsJsonObject("result");
        assertTrue(list.toString(), list.toString().contains("\"version\":\"0.9.1\""));
    }

    @Test
    public void b_forgedReplayedAndMisaddressedArtifactsAreRefusedAndChangeNothing() throws Exception {
        String bundles = bundles();
        String serving = awaitActiveModel(null);
        byte[] jar = ModelBundles.mobileFaceNet(model(), "0.9.2", p -> p.setProperty("model.version", "8"));
        Manifest good = manifest(jar, "0.9.2", Target.gateway(GATEWAY_ID));

        byte[] tampered = jar.clone();
        tampered[tampered.length / 2] ^= 1;
        JsonObject t = push("job-tampered", tampered, sign(good));
        assertEquals(t.toString(), "failed", t.get("state").getAsString());
        assertTrue(t.toString(), t.get("reason").getAsString().startsWith("hash_mismatch"));

        assertRefused("job-unsigned", jar, SignedManifest.of(good.toJson(), new byte[0]), "unsigned");
        KeyPair stranger = Keys.generate();
        Manifest byStranger = good.toBuilder().keyId(Keys.keyId(stranger.getPublic())).build();
        assertRefused("job-stranger", jar, new ManifestSigner(stranger.getPrivate(), stranger.getPublic())
                .sign(byStranger), "unknown_key");
        assertRefused("job-elsewhere", jar, sign(manifest(jar, "0.9.2", Target.gateway("another-gateway"))),
                "wrong_target");
        assertRefused("job-group", jar, sign(manifest(jar, "0.9.2", Target.group("not-my-group"))),
                "wrong_target");
        // the signed bytes changed after signing (the version, 0.9.2 -> 0.9.9): the signature no longer holds
        String body = new String(good.toJson(), StandardCharsets.UTF_8);
        assertTrue(body, body.contains("\"0.9.2\""));
        byte[] forged = body.replace("\"0.9.2\"", "\"0.9.9\"").getBytes(StandardCharsets.UTF_8);
        assertRefused("job-forged", jar, SignedManifest.of(forged, sign(good).signature()), "bad_signature");

        // the release of the update that served, pushed again: a replay
        JsonObject done = call("deploy/status", jobId("job-update")).getAsJsonObject("result");
        Manifest replay = manifest(jar, "0.9.2", Target.gateway(GATEWAY_ID)).toBuilder()
                .release(done.get("release").getAsLong()).build();
        assertRefused("job-replay", jar, sign(replay), "stale_release");

        assertEquals("no bundle changed", bundles, bundles());
        assertEquals("the model that served still serves", serving, activeModel());
    }

    @Test
    public void c_aModelThatFailsItsHealthCheckIsRolledBackByItself() throws Exception {
        String bundles = bundles();
        String serving = awaitActiveModel(null);
        long failedBefore = pipeline.status().framesFailed();
        // validly signed, but its input normalisation turns every face into NaN: the self-test fails
        byte[] jar = ModelBundles.mobileFaceNet(model(), "0.9.3", p -> {
            p.setProperty("model.version", "9");
            p.setProperty("model.input.mean", "NaN");
        });
        push("job-nan", jar, sign(manifest(jar, "0.9.3", Target.gateway(GATEWAY_ID))));
        JsonObject end = awaitEnd("job-nan");
        assertEquals(end.toString(), "rolled_back", end.get("state").getAsString());
        assertTrue(end.toString(), end.get("reason").getAsString().startsWith("health_check"));
        assertEquals("the previous model serves again", serving, awaitActiveModel(serving));
        assertEquals("the previous revision is back", bundles, bundles());
        for (int i = 0; i < 3; i++) {
            Photos.drop("obama3.jpg", "after-rollback-" + i + ".jpg");
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (pipeline.status().framesProcessed() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals("frames still flow without failures", failedBefore, pipeline.status().framesFailed());
    }

    @Test
    public void d_aBundleWhoseImportsNothingExportsIsRefusedBeforeAnythingChanges() throws Exception {
        String bundles = bundles();
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", "facegate-itest-orphan");
        mf.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        mf.getMainAttributes().putValue("Import-Package", "io.facegate.api;version=\"[1.1,2)\","
                + "io.facegate.nowhere;version=\"[9,10)\"");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new java.util.jar.JarOutputStream(out, mf).close();
        byte[] jar = out.toByteArray();
        Manifest m = Manifest.builder().name("facegate-itest-orphan").version("1.0.0").kind(Manifest.Kind.BUNDLE)
                .artifact(ArtifactDigest.of(new ByteArrayInputStream(jar))).target(Target.gateway(GATEWAY_ID))
                .release(RELEASES.incrementAndGet()).rollback(false).created(Instant.now())
                .keyId(Keys.keyId(TRUSTED.getPublic())).build();
        push("job-orphan", jar, sign(m));
        JsonObject end = awaitEnd("job-orphan");
        assertEquals(end.toString(), "failed", end.get("state").getAsString());
        assertTrue(end.toString(), end.get("reason").getAsString().startsWith("unresolvable: Import-Package"
                + " io.facegate.nowhere"));
        assertEquals("nothing was installed", bundles, bundles());
    }

    @Test
    public void e_aSignedRollbackRestoresAnEarlierReleaseOnceAndCannotBeReplayed() throws Exception {
        byte[] newer = ModelBundles.mobileFaceNet(model(), "0.9.4", p -> p.setProperty("model.version", "10"));
        push("job-newer", newer, sign(manifest(newer, "0.9.4", Target.gateway(GATEWAY_ID))));
        assertEquals("done", awaitEnd("job-newer").get("state").getAsString());
        assertEquals("mobilefacenet-112:10", awaitActiveModel("mobilefacenet-112:10"));

        // back to the first update's release, which this gateway keeps: no transfer, a fresh signature
        assertNotNull("the first update ran before", firstUpdate);
        JsonObject first = call("deploy/status", jobId("job-update")).getAsJsonObject("result");
        Manifest back = manifest(firstUpdate, "0.9.1", Target.gateway(GATEWAY_ID)).toBuilder()
                .release(first.get("release").getAsLong()).rollback(true).build();
        JsonObject request = jobId("job-back");
        request.add("envelope", JsonParser.parseString(new String(sign(back).encode(), StandardCharsets.UTF_8)));
        JsonObject reply = call("deploy/rollback", request);
        assertEquals(reply.toString(), 200, reply.get("code").getAsInt());
        JsonObject end = awaitEnd("job-back");
        assertEquals(end.toString(), "done", end.get("state").getAsString());
        assertEquals("the earlier release serves again", "mobilefacenet-112:7", awaitActiveModel("mobilefacenet-112:7"));

        JsonObject replay = jobId("job-back-again");
        replay.add("envelope", request.get("envelope"));
        JsonObject refused = call("deploy/rollback", replay);
        assertEquals(refused.toString(), 403, refused.get("code").getAsInt());
        assertTrue(refused.toString(), refused.get("message").getAsString().startsWith("stale_release"));
    }

    // ---- helpers

    private Bundle model() {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> ModelBundles.SYMBOLIC_NAME.equals(b.getSymbolicName())).findFirst().orElseThrow();
    }

    /** @return every bundle with version and state, for "nothing changed" */
    private String bundles() {
        TreeSet<String> all = new TreeSet<>();
        for (Bundle b : bundleContext.getBundles()) {
            all.add(b.getSymbolicName() + ":" + b.getVersion() + ":" + b.getState());
        }
        return String.join("\n", all);
    }

    /** @return {@code id:version} of the embedder the pipeline follows, or {@code null} while there is none */
    private String activeModel() {
        ServiceReference<FaceEmbedder> ref = bundleContext.getServiceReference(FaceEmbedder.class);
        return ref == null ? null
                : ref.getProperty(FaceEmbedder.PROP_MODEL_ID) + ":" + ref.getProperty(FaceEmbedder.PROP_MODEL_VERSION);
    }

    /** Waits until {@code expected} serves ({@code null}: until any embedder serves); returns what serves then. */
    private String awaitActiveModel(String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String now = activeModel();
        while (!(expected == null ? now != null : expected.equals(now)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = activeModel();
        }
        return now;
    }

    private static Manifest manifest(byte[] jar, String version, Target target) throws Exception {
        return Manifest.builder().name(ModelBundles.SYMBOLIC_NAME).version(version).kind(Manifest.Kind.MODEL)
                .artifact(ArtifactDigest.of(new ByteArrayInputStream(jar))).target(target)
                .release(RELEASES.incrementAndGet()).rollback(false).created(Instant.now())
                .keyId(Keys.keyId(TRUSTED.getPublic())).build();
    }

    private static SignedManifest sign(Manifest m) throws Exception {
        return new ManifestSigner(TRUSTED.getPrivate(), TRUSTED.getPublic()).sign(m);
    }

    private static JsonObject jobId(String id) {
        JsonObject o = new JsonObject();
        o.addProperty("job_id", id);
        return o;
    }

    /** Sends the artifact chunk by chunk; returns the job as the last reply has it (or the refusal). */
    private JsonObject push(String jobId, byte[] jar, SignedManifest envelope) throws Exception {
        JsonObject reply = null;
        for (JsonObject r : DeployChunks.of(jobId, jar, envelope)) {
            reply = call("deploy/install", r);
            if (reply.get("code").getAsInt() != 200) {
                return reply;
            }
        }
        return reply.getAsJsonObject("result");
    }

    private void assertRefused(String jobId, byte[] jar, SignedManifest envelope, String reason) throws Exception {
        JsonObject r = push(jobId, jar, envelope);
        assertEquals(r.toString(), 403, r.get("code").getAsInt());
        assertTrue(r.toString(), r.get("message").getAsString().startsWith(reason));
        assertEquals("nothing stored for a refused job", 404, call("deploy/status", jobId(jobId)).get("code")
                .getAsInt());
    }

    private JsonObject awaitEnd(String jobId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            JsonObject job = call("deploy/status", jobId(jobId)).getAsJsonObject("result");
            String state = job.get("state").getAsString();
            if (state.equals("done") || state.equals("failed") || state.equals("rolled_back")) {
                assertTrue("the progress was notified: " + operator.messages().size(), operator.messages().stream()
                        .anyMatch(m -> m.topic().equals(PREFIX + "/notify/deploy/" + jobId)
                                && new String(m.payload(), StandardCharsets.UTF_8).contains("\"" + state + "\"")));
                return job;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("job " + jobId + " did not end within 3 minutes");
    }

    private JsonObject call(String command, JsonObject request) throws Exception {
        JsonObject r = tryCall(command, request, 120);
        assertNotNull("no reply to " + command + " within 120 s", r);
        return r;
    }

    private JsonObject tryCall(String command, JsonObject request, int timeoutSeconds) throws Exception {
        return operator.command(PREFIX, command, request, "deploy-it-" + IDS.incrementAndGet(), timeoutSeconds);
    }
}
