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
        options.add(editConfigurationFilePut("etc/io.facegate.deploy.cfg", "health_frames_wait_s", "8"));
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
        byte[] nan = ModelBundles.mobileFaceNet(model(), "0.9.3", p -> {
            p.setProperty("model.version", "9");
            p.setProperty("model.input.mean", "NaN");
        });
        // validly signed, but it declares 256 dimensions where the network gives 192: the wrong output shape
        byte[] shape = ModelBundles.mobileFaceNet(model(), "0.9.5", p -> {
            p.setProperty("model.version", "11");
            p.setProperty("model.embedding.size", "256");
        });
        for (byte[] jar : List.of(nan, shape)) {
            String version = jar == nan ? "0.9.3" : "0.9.5";
            String jobId = "job-bad-model-" + version;
            push(jobId, jar, sign(manifest(jar, version, Target.gateway(GATEWAY_ID))));
            JsonObject end = awaitEnd(jobId);
            assertEquals(end.toString(), "rolled_back", end.get("state").getAsString());
            assertTrue(end.toString(), end.get("reason").getAsString().startsWith("health_check"));
            assertEquals("the previous model serves again", serving, awaitActiveModel(serving));
            assertEquals("the previous revision is back", bundles, bundles());
        }
        long processed = pipeline.status().framesProcessed();
        for (int i = 0; i < 3; i++) {
            Photos.drop("obama3.jpg", "after-rollback-" + i + ".jpg");
        }
        awaitProcessed(processed + 3);
        assertEquals("frames still flow without failures", failedBefore, pipeline.status().framesFailed());
    }

    @Test
    public void d_aBundleWhoseImportsNothingExportsIsRefusedBeforeAnythingChanges() throws Exception {
        String bundles = bundles();
        byte[] jar = plainBundle("facegate-itest-orphan", "1.0.0", "Import-Package",
                "io.facegate.api;version=\"[1.1,2)\",io.facegate.nowhere;version=\"[9,10)\"");
        push("job-orphan", jar, sign(bundleManifest("facegate-itest-orphan", "1.0.0", jar)));
        JsonObject end = awaitEnd("job-orphan");
        assertEquals(end.toString(), "failed", end.get("state").getAsString());
        assertTrue(end.toString(), end.get("reason").getAsString().startsWith("unresolvable: Import-Package"
                + " io.facegate.nowhere"));
        assertEquals("nothing was installed", bundles, bundles());

        // the other direction: an update that would strand the bundles importing from it
        byte[] lib = plainBundle("facegate-itest-lib", "1.0.0", "Export-Package",
                "io.facegate.itest.lib;version=\"1.0.0\"");
        byte[] user = plainBundle("facegate-itest-user", "1.0.0", "Import-Package",
                "io.facegate.itest.lib;version=\"[1.0,2)\"");
        push("job-lib", lib, sign(bundleManifest("facegate-itest-lib", "1.0.0", lib)));
        assertEquals("done", awaitEnd("job-lib").get("state").getAsString());
        push("job-user", user, sign(bundleManifest("facegate-itest-user", "1.0.0", user)));
        assertEquals("done", awaitEnd("job-user").get("state").getAsString());
        String installed = bundles();
        byte[] lib2 = plainBundle("facegate-itest-lib", "2.0.0", "Export-Package",
                "io.facegate.itest.lib;version=\"2.0.0\"");
        push("job-lib2", lib2, sign(bundleManifest("facegate-itest-lib", "2.0.0", lib2)));
        end = awaitEnd("job-lib2");
        assertEquals(end.toString(), "failed", end.get("state").getAsString());
        assertTrue(end.toString(), end.get("reason").getAsString().startsWith("unresolvable: facegate-itest-user"
                + " imports io.facegate.itest.lib"));
        assertEquals("nothing was changed", installed, bundles());
    }

    /** @return a bundle jar with no classes, its manifest having one more header */
    private static byte[] plainBundle(String name, String version, String header, String value) throws Exception {
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", name);
        mf.getMainAttributes().putValue("Bundle-Version", version);
        if (header != null) {
            mf.getMainAttributes().putValue(header, value);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new java.util.jar.JarOutputStream(out, mf).close();
        return out.toByteArray();
    }

    private static Manifest bundleManifest(String name, String version, byte[] jar) throws Exception {
        return Manifest.builder().name(name).version(version).kind(Manifest.Kind.BUNDLE)
                .artifact(ArtifactDigest.of(new ByteArrayInputStream(jar))).target(Target.gateway(GATEWAY_ID))
                .release(RELEASES.incrementAndGet()).rollback(false).created(Instant.now())
                .keyId(Keys.keyId(TRUSTED.getPublic())).build();
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
    @Test
    public void f_aBundleThatBreaksThePipelineIsRolledBackByItself() throws Exception {
        String bundles = bundles();
        byte[] jar = brokenAlignerBundle();
        Manifest m = bundleManifest("facegate-itest-broken-aligner", "1.0.0", jar);
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        Thread feeder = new Thread(() -> {
            try {
                for (int i = 0; !ended.get() && i < 400; i++) {
                    Photos.drop("obama3.jpg", String.format("broken-%03d.jpg", i));
                    Thread.sleep(250);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        feeder.start();
        JsonObject end;
        try {
            push("job-broken-aligner", jar, sign(m));
            end = awaitEnd("job-broken-aligner");
        } finally {
            ended.set(true);
            feeder.join();
        }
        // it installed, started and registered its aligner: only the frames that failed after it tell
        assertEquals(end.toString(), "rolled_back", end.get("state").getAsString());
        String reason = end.get("reason").getAsString();
        assertTrue(reason, reason.startsWith("health_check: pipeline: "));
        assertTrue(reason, reason.contains("fails on purpose"));
        assertEquals("the new bundle is gone", bundles, bundles());
        Thread.sleep(2000); // frames that were in flight at the rollback
        long failed = pipeline.status().framesFailed();
        long processed = pipeline.status().framesProcessed();
        for (int i = 0; i < 3; i++) {
            Photos.drop("obama3.jpg", "after-broken-" + i + ".jpg");
        }
        awaitProcessed(processed + 3);
        assertEquals("the shipped aligner serves again: no frame fails", failed, pipeline.status().framesFailed());
    }

    @Test
    public void g_anArtifactFetchedFromAUrlResumesAfterABrokenDownloadAndIsCheckedAsAnyOther() throws Exception {
        byte[] jar = ModelBundles.mobileFaceNet(model(), "0.9.6", p -> p.setProperty("model.version", "12"));
        SignedManifest envelope = sign(manifest(jar, "0.9.6", Target.gateway(GATEWAY_ID)));
        byte[] tampered = jar.clone();
        tampered[tampered.length / 2] ^= 1;
        String serving = awaitActiveModel(null);
        try (ArtifactServer bad = new ArtifactServer(tampered, -1)) {
            JsonObject reply = call("deploy/install", urlRequest("job-url-tampered", envelope, bad.url("m.jar")));
            assertEquals(reply.toString(), 200, reply.get("code").getAsInt());
            JsonObject end = awaitEnd("job-url-tampered");
            assertEquals(end.toString(), "failed", end.get("state").getAsString());
            assertTrue(end.toString(), end.get("reason").getAsString().startsWith("hash_mismatch"));
            assertEquals("the model that served still serves", serving, activeModel());
        }
        try (ArtifactServer server = new ArtifactServer(jar, 1_000_000)) {
            JsonObject reply = call("deploy/install", urlRequest("job-url", sign(manifest(jar, "0.9.6",
                    Target.gateway(GATEWAY_ID))), server.url("m.jar?token=t0ps3cret")));
            assertEquals(reply.toString(), 200, reply.get("code").getAsInt());
            JsonObject end = awaitEnd("job-url");
            assertEquals(end.toString(), "done", end.get("state").getAsString());
            assertEquals("mobilefacenet-112:12", awaitActiveModel("mobilefacenet-112:12"));
            List<String> ranges = server.ranges();
            assertTrue(ranges.toString(), ranges.size() >= 2 && ranges.get(0).equals("-"));
            assertTrue("the broken download resumed where it stopped: " + ranges,
                    ranges.get(1).startsWith("bytes=") && !ranges.get(1).equals("bytes=0-"));
        }
    }

    @Test
    public void h_uninstallRemovesABundleOnceRefusesCoreBundlesAndUndoesARemovalThatStallsThePipeline()
            throws Exception {
        byte[] extra = plainBundle("facegate-itest-extra", "1.0.0", null, null);
        push("job-extra", extra, sign(bundleManifest("facegate-itest-extra", "1.0.0", extra)));
        assertEquals("done", awaitEnd("job-extra").get("state").getAsString());
        String withExtra = bundles();
        assertTrue(withExtra, withExtra.contains("facegate-itest-extra:1.0.0"));

        SignedManifest remove = sign(removal("facegate-itest-extra", "1.0.0", Manifest.Kind.BUNDLE));
        assertEquals(200, call("deploy/uninstall", envelopeRequest("job-rm-extra", remove)).get("code").getAsInt());
        JsonObject end = awaitEnd("job-rm-extra");
        assertEquals(end.toString(), "done", end.get("state").getAsString());
        String without = bundles();
        assertTrue(without, !without.contains("facegate-itest-extra"));
        JsonObject replay = call("deploy/uninstall", envelopeRequest("job-rm-extra-again", remove));
        assertEquals(replay.toString(), 403, replay.get("code").getAsInt());
        assertTrue(replay.toString(), replay.get("message").getAsString().startsWith("stale_release"));

        JsonObject needed = call("deploy/uninstall", envelopeRequest("job-rm-lib", sign(removal("facegate-itest-lib",
                "1.0.0", Manifest.Kind.BUNDLE))));
        assertEquals(needed.toString(), 409, needed.get("code").getAsInt());
        assertTrue(needed.toString(), needed.get("message").getAsString().contains("facegate-itest-user imports"
                + " io.facegate.itest.lib"));

        JsonObject core = call("deploy/uninstall", envelopeRequest("job-rm-mqtt", sign(removal("facegate-mqtt",
                bundleVersion("facegate-mqtt"), Manifest.Kind.BUNDLE))));
        assertEquals(core.toString(), 400, core.get("code").getAsInt());
        assertEquals("nothing changed", without, bundles());

        // the only model goes: the pipeline stalls without an embedder, and the removal is undone
        String serving = awaitActiveModel(null);
        long processed = pipeline.status().framesProcessed();
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        Thread feeder = new Thread(() -> {
            try {
                for (int i = 0; !ended.get() && i < 400; i++) {
                    Photos.drop("obama3.jpg", String.format("uninstall-%03d.jpg", i));
                    Thread.sleep(500);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        feeder.start();
        try {
            JsonObject r = call("deploy/uninstall", envelopeRequest("job-rm-model", sign(removal(
                    ModelBundles.SYMBOLIC_NAME, bundleVersion(ModelBundles.SYMBOLIC_NAME), Manifest.Kind.MODEL))));
            assertEquals(r.toString(), 200, r.get("code").getAsInt());
            end = awaitEnd("job-rm-model");
        } finally {
            ended.set(true);
            feeder.join();
        }
        assertEquals(end.toString(), "rolled_back", end.get("state").getAsString());
        assertTrue(end.toString(), end.get("reason").getAsString().startsWith("health_check: pipeline: frames wait"
                + " for FaceEmbedder"));
        assertEquals("the model serves again", serving, awaitActiveModel(serving));
        awaitProcessed(processed + 3);
    }

    @Test
    public void i_aFeatureArchiveInstallsItsFeatureAndOneThatFailsBringsThePreviousBack() throws Exception {
        byte[] v1 = featureArchive("1.0.0", null);
        push("job-kar-1", v1, sign(featureManifest("1.0.0", v1)));
        JsonObject end = awaitEnd("job-kar-1");
        assertEquals(end.toString(), "done", end.get("state").getAsString());
        assertTrue(bundles(), bundles().contains("facegate-itest-featured:1.0.0:32")); // ACTIVE
        JsonObject list = call("deploy/list", new JsonObject()).getAsJsonObject("result");
        assertTrue(list.toString(), list.toString().contains("{\"name\":\"facegate-itest-feature\","
                + "\"version\":\"1.0.0\",\"kind\":\"feature\""));

        // version 2's bundle imports a package nothing exports: Karaf cannot install it, version 1 comes back
        byte[] v2 = featureArchive("2.0.0", "io.facegate.nowhere;version=\"[9,10)\"");
        push("job-kar-2", v2, sign(featureManifest("2.0.0", v2)));
        end = awaitEnd("job-kar-2");
        assertEquals(end.toString(), "rolled_back", end.get("state").getAsString());
        // Karaf logs the resolution error and leaves the feature uninstalled; the health check finds it so
        String reason = end.get("reason").getAsString();
        assertTrue(reason, reason.startsWith("install: ") || reason.startsWith("health_check: feature"
                + " facegate-itest-feature 2.0.0 is not installed"));
        String after = bundles();
        assertTrue(after, after.contains("facegate-itest-featured:1.0.0:32"));
        assertTrue(after, !after.contains("facegate-itest-featured:2.0.0"));

        // a manifest naming a feature the archive does not declare changes nothing
        push("job-kar-name", v1, sign(featureManifest("1.0.0", v1).toBuilder().name("facegate-itest-other")
                .release(RELEASES.incrementAndGet()).build()));
        end = awaitEnd("job-kar-name");
        assertEquals(end.toString(), "failed", end.get("state").getAsString());
        assertTrue(end.toString(), end.get("reason").getAsString().startsWith("name_mismatch"));

        JsonObject r = call("deploy/uninstall", envelopeRequest("job-kar-rm", sign(removal("facegate-itest-feature",
                "1.0.0", Manifest.Kind.FEATURE))));
        assertEquals(r.toString(), 200, r.get("code").getAsInt());
        end = awaitEnd("job-kar-rm");
        assertEquals(end.toString(), "done", end.get("state").getAsString());
        assertTrue(bundles(), !bundles().contains("facegate-itest-featured"));
    }

    private static Manifest featureManifest(String version, byte[] kar) throws Exception {
        return bundleManifest("facegate-itest-feature", version, kar).toBuilder().kind(Manifest.Kind.FEATURE).build();
    }

    /**
     * @return a KAR: a feature repository declaring {@code facegate-itest-feature} at {@code version}, with one
     *         bundle {@code facegate-itest-featured} of that version, importing {@code imports} if not null
     */
    private static byte[] featureArchive(String version, String imports) throws Exception {
        String group = "repository/io/facegate/itest/";
        String xml = "<features name=\"facegate-itest-" + version + "\""
                + " xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">"
                + "<feature name=\"facegate-itest-feature\" version=\"" + version + "\" install=\"auto\">"
                + "<bundle>mvn:io.facegate.itest/facegate-itest-featured/" + version + "</bundle>"
                + "</feature></features>";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new java.util.zip.ZipEntry(group + "facegate-itest-feature/" + version
                    + "/facegate-itest-feature-" + version + "-features.xml"));
            zip.write(xml.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new java.util.zip.ZipEntry(group + "facegate-itest-featured/" + version
                    + "/facegate-itest-featured-" + version + ".jar"));
            zip.write(plainBundle("facegate-itest-featured", version, imports == null ? null : "Import-Package",
                    imports));
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    private Manifest removal(String name, String version, Manifest.Kind kind) {
        return Manifest.builder().name(name).version(version).kind(kind).noArtifact().uninstall(true)
                .target(Target.gateway(GATEWAY_ID)).release(RELEASES.incrementAndGet()).rollback(false)
                .created(Instant.now()).keyId(Keys.keyId(TRUSTED.getPublic())).build();
    }

    private String bundleVersion(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow().getVersion().toString();
    }

    private static JsonObject envelopeRequest(String jobId, SignedManifest envelope) {
        JsonObject request = jobId(jobId);
        request.add("envelope", JsonParser.parseString(new String(envelope.encode(), StandardCharsets.UTF_8)));
        return request;
    }

    private static JsonObject urlRequest(String jobId, SignedManifest envelope, String url) {
        JsonObject request = envelopeRequest(jobId, envelope);
        request.addProperty("url", url);
        return request;
    }

    /** @return a bundle jar holding {@link io.facegate.itests.broken.BrokenAligner} and nothing else */
    private static byte[] brokenAlignerBundle() throws Exception {
        String entry = "io/facegate/itests/broken/BrokenAligner.class";
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        java.util.jar.Attributes a = mf.getMainAttributes();
        a.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "facegate-itest-broken-aligner");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", "io.facegate.itests.broken.BrokenAligner");
        a.putValue("Import-Package", "io.facegate.api;version=\"[1.0,2)\",org.osgi.framework;version=\"[1.8,2)\"");
        a.putValue("Provide-Capability", "osgi.service;objectClass:List<String>=\"io.facegate.api.FaceAligner\"");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(out, mf);
             java.io.InputStream in = DeployOverMqttIT.class.getResourceAsStream("/" + entry)) {
            assertNotNull("the compiled BrokenAligner is in the test probe", in);
            jar.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(jar);
            jar.closeEntry();
        }
        return out.toByteArray();
    }

    private void awaitProcessed(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (pipeline.status().framesProcessed() < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue("the pipeline processed " + count + " frames", pipeline.status().framesProcessed() >= count);
    }

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
