package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.Gallery;
import io.facegate.api.Identity;
import io.facegate.api.ModelInfo;
import io.facegate.api.Pipeline;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * An operator switches a running gateway from MobileFaceNet-112 to
 * ECA-MobileFaceNet-96 by installing its feature (offline, from the
 * distribution's system repository) while frames flow, then uninstalls it
 * again: every frame yields exactly one event with one model, none fails, the
 * gallery is re-embedded for the new model, the aligner is asked for 96px
 * faces, the enrolled person is still recognised after the switch, and the
 * pipeline falls back to MobileFaceNet-112 when the feature goes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EcaModelSwapIT extends FacegateTestSupport {
    private static final String FEATURE = "facegate-embed-eca-mobilefacenet";
    private static final String ECA_BUNDLE = "facegate-embed-eca-mobilefacenet";
    private static final String MFN = "mobilefacenet-112";
    private static final String ECA = "eca-mobilefacenet-96";
    /** The shipped ECA model's key: id and version (version 2: the 5,600-step retraining). */
    private static final String ECA_KEY = ECA + ":2";
    /** Frame i shows PHOTOS[i % 3]: the enrolled person, a stranger, both. */
    private static final List<String> PHOTOS = List.of("obama3.jpg", "biden.jpg", "two_people.jpg");
    /** Frames dropped: before the install, right before it, once the new model is seen. */
    private static final int PER_PHASE = 42;
    private static final int FRAMES = 3 * PER_PHASE;
    private static final Pattern ORIGIN = Pattern.compile("\"origin\":\"(frame-[^\"]+)\"");
    private static final Pattern MODEL = Pattern.compile("\"model\":\\{\"id\":\"([^\"]+)\",\"version\":\"([^\"]+)\"}");

    @Inject
    @Filter(timeout = 60_000)
    private FaceDetector detector;

    @Inject
    @Filter(timeout = 60_000)
    private FaceAligner aligner;

    @Inject
    @Filter(timeout = 60_000)
    private Gallery gallery;

    @Inject
    @Filter(timeout = 60_000)
    private Pipeline pipeline;

    /** The booted model: the extender registers it once loaded and self-tested, a moment after its bundle started. */
    @Inject
    @Filter(timeout = 60_000)
    private FaceEmbedder bootedModel;

    /** Delegates to the gateway's aligner, ranked above it, counting the sizes the pipeline asks for. */
    private static final class SizeRecordingAligner implements FaceAligner {
        final FaceAligner delegate;
        final Map<Integer, AtomicInteger> sizes = new ConcurrentHashMap<>();

        SizeRecordingAligner(FaceAligner delegate) {
            this.delegate = delegate;
        }

        @Override
        public AlignedFace align(RgbImage image, DetectedFace face, int size) {
            sizes.computeIfAbsent(size, s -> new AtomicInteger()).incrementAndGet();
            return delegate.align(image, face, size);
        }

        Map<Integer, Integer> counts() {
            Map<Integer, Integer> out = new TreeMap<>();
            sizes.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }
    }

    private static String frameName(int i) {
        String photo = PHOTOS.get(i % PHOTOS.size());
        return String.format("frame-%03d-%s", i, photo);
    }

    private static void dropFrames(int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            Photos.drop(PHOTOS.get(i % PHOTOS.size()), frameName(i));
        }
    }

    private static boolean shows(RecognitionEvent e, String photo) {
        return e.origin() != null && e.origin().endsWith("-" + photo);
    }

    private static long named(RecognitionEvent e, String name) {
        return e.faces().stream().filter(f -> name.equals(f.identity().name())).count();
    }

    /** The gallery's folder of a model's embeddings: the model key with ':' escaped. */
    private static String folder(String modelKey) {
        return modelKey.replace(":", "_003a");
    }

    private static String describe(RecognitionEvent e) {
        return e.origin() + " " + e.modelId() + ":" + e.modelVersion() + " " + e.faces().stream()
                .map(f -> f.identity().name() + "@" + String.format("%.3f", f.identity().similarity()) + "/"
                        + String.format("%.3f", f.identity().threshold()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String stats(List<RecognitionEvent> events) {
        DoubleSummaryStatistics s = events.stream().flatMap(e -> e.faces().stream())
                .mapToDouble(f -> f.identity().similarity()).summaryStatistics();
        return s.getCount() == 0 ? "no faces"
                : String.format("%d faces, similarity min %.3f mean %.3f max %.3f", s.getCount(), s.getMin(),
                        s.getAverage(), s.getMax());
    }

    /** The largest face of a demo photo, aligned at {@code size}. */
    private AlignedFace largestFace(String photo, int size) throws Exception {
        RgbImage image = Photos.read(photo);
        List<DetectedFace> faces = detector.detect(image);
        assertFalse("a face in " + photo, faces.isEmpty());
        DetectedFace best = faces.stream().max((a, b) -> Float.compare(a.box().area(), b.box().area())).orElseThrow();
        return aligner.align(image, best, size);
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElse(null);
    }

    @Test
    public void installingAndUninstallingTheEcaFeatureWhileFramesFlowLosesNoFrame() throws Exception {
        for (String photo : List.of("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "two_people.jpg")) {
            Photos.demo(photo); // skips the test, before it changes anything, when the demo photos are absent
        }
        Path inbox = Path.of(System.getProperty(INBOX));
        Path galleryDir = Path.of(System.getProperty("karaf.data"), "facegate", "gallery");

        // the distribution carries the feature (offline: no remote repository is configured) but does not boot it
        Feature feature = featuresService.getFeature(FEATURE);
        assertNotNull("the distribution lists feature " + FEATURE, feature);
        assertFalse(FEATURE + " is not a boot feature", featuresService.isInstalled(feature));
        assertTrue("the bundle is in the distribution's system repository", Files.isDirectory(
                Path.of(System.getProperty("karaf.home"), "system", "io", "facegate", ECA_BUNDLE)));
        assertNull("no ECA bundle before the install", bundle(ECA_BUNDLE));
        assertEquals(MFN + ":1", pipeline.status().activeModel());

        // enrol with the default model; the gallery keeps the crops to re-embed them later
        gallery.enroll("Obama", List.of(largestFace("obama.jpg", 112), largestFace("obama2.jpg", 112)));
        long failedBefore = pipeline.status().framesFailed();
        long processedBefore = pipeline.status().framesProcessed();

        SizeRecordingAligner sizes = new SizeRecordingAligner(aligner);
        Hashtable<String, Object> top = new Hashtable<>();
        top.put("service.ranking", Integer.MAX_VALUE);
        ServiceRegistration<FaceAligner> recording = bundleContext.registerService(FaceAligner.class, sizes, top);
        int seenBeforeInstall;
        int seenBeforeUninstall;
        int seenAtUninstall;
        long installMillis;
        long uninstallMillis;
        float probeObama;
        float probeBiden;
        List<String> wire;
        List<RecognitionEvent> ecaEvents;
        try (EventRecorder recorder = new EventRecorder(bundleContext);
             MqttRecorder mqtt = new MqttRecorder("facegate/" + GATEWAY_ID + "/events")) {
            // MobileFaceNet-112 runs; with frames queued the operator installs the ECA feature
            dropFrames(0, PER_PHASE);
            recorder.await(e -> true, PER_PHASE / 4, 5, TimeUnit.MINUTES);
            dropFrames(PER_PHASE, 2 * PER_PHASE);
            seenBeforeInstall = recorder.size();
            assertTrue("frames still queued at the install (" + seenBeforeInstall + " of " + 2 * PER_PHASE
                    + " seen)", seenBeforeInstall < 2 * PER_PHASE);
            long t0 = System.nanoTime();
            featuresService.installFeature(FEATURE, EnumSet.noneOf(FeaturesService.Option.class));
            installMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            Bundle eca = bundle(ECA_BUNDLE);
            assertNotNull("feature:install installed the bundle", eca);
            assertEquals(Bundle.ACTIVE, eca.getState());

            // ECA-MobileFaceNet-96 takes over (ranking 200 over 100); the rest of the frames go in
            List<RecognitionEvent> firstEca = recorder.await(e -> ECA.equals(e.modelId()), 1, 5, TimeUnit.MINUTES);
            assertFalse("an event of " + ECA + " after the install", firstEca.isEmpty());
            assertEquals(ECA_KEY, pipeline.status().activeModel());
            dropFrames(2 * PER_PHASE, FRAMES);

            // the gallery re-embeds Obama's stored crops with the new model (in the background)
            ServiceTracker<FaceEmbedder, FaceEmbedder> tracker = new ServiceTracker<>(bundleContext,
                    bundleContext.createFilter("(&(objectClass=" + FaceEmbedder.class.getName() + ")("
                            + FaceEmbedder.PROP_MODEL_ID + "=" + ECA + "))"), null);
            tracker.open();
            try {
                FaceEmbedder embedder = tracker.waitForService(30_000);
                assertNotNull(ECA + " embedder registered", embedder);
                ModelInfo model = embedder.model();
                assertEquals(96, model.inputSize());
                assertEquals(128, model.embeddingSize());
                assertEquals(96, tracker.getServiceReference().getProperty(FaceEmbedder.PROP_INPUT_SIZE));
                assertEquals(200, tracker.getServiceReference().getProperty("service.ranking"));
                Embedding enrolled = embedder.embed(List.of(largestFace("obama.jpg", 96))).get(0);
                Embedding obama = embedder.embed(List.of(largestFace("obama3.jpg", 96))).get(0);
                Embedding biden = embedder.embed(List.of(largestFace("biden.jpg", 96))).get(0);
                System.out.printf("EcaModelSwapIT: %s aligned at 96 directly: cos(obama.jpg, obama3.jpg) %.3f,"
                        + " cos(obama.jpg, biden.jpg) %.3f%n", ECA, enrolled.cosine(obama), enrolled.cosine(biden));
                Identity id = gallery.identify(obama);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (id.similarity() <= -1f && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    id = gallery.identify(obama);
                }
                assertTrue("the gallery holds " + ECA + " embeddings of Obama (re-embedded): " + id,
                        id.similarity() > -1f);
                probeObama = id.similarity();
                probeBiden = gallery.identify(biden).similarity();
                System.out.printf("EcaModelSwapIT: %s probe obama3 -> %s; biden -> %.3f (threshold %.3f)%n", ECA, id,
                        probeBiden, model.recommendedThreshold());
            } finally {
                tracker.close();
            }
            Path ecaEmbeddings = galleryDir.resolve("embeddings").resolve(folder(ECA_KEY));
            try (Stream<Path> files = Files.list(ecaEmbeddings)) {
                assertEquals("one re-embedded person in " + ecaEmbeddings, 1,
                        files.filter(p -> p.toString().endsWith(".emb")).count());
            }

            // the operator uninstalls the feature mid-stream: back to MobileFaceNet-112
            recorder.await(e -> ECA.equals(e.modelId()), PER_PHASE / 2, 5, TimeUnit.MINUTES);
            seenBeforeUninstall = recorder.size();
            t0 = System.nanoTime();
            featuresService.uninstallFeature(FEATURE, EnumSet.noneOf(FeaturesService.Option.class));
            uninstallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            seenAtUninstall = recorder.size();
            assertTrue("frames still queued after the uninstall (" + seenAtUninstall + " of " + FRAMES + " seen)",
                    seenAtUninstall < FRAMES);
            assertNull("feature:uninstall removed the bundle", bundle(ECA_BUNDLE));
            assertEquals(MFN + ":1", pipeline.status().activeModel());

            // MobileFaceNet-112 again for the rest of the frames
            recorder.await(e -> true, FRAMES, 10, TimeUnit.MINUTES);
            mqtt.await(m -> true, FRAMES, 60, TimeUnit.SECONDS);
            Thread.sleep(2000); // a duplicate would arrive right behind the last event
            wire = mqtt.messages();

            List<RecognitionEvent> all = recorder.events();
            System.out.printf("EcaModelSwapIT: install %d ms from event %d, uninstall %d ms from event %d to %d,"
                    + " aligner sizes %s%n", installMillis, seenBeforeInstall, uninstallMillis, seenBeforeUninstall,
                    seenAtUninstall, sizes.counts());

            // every frame: exactly one event, one model
            Set<String> origins = new HashSet<>();
            for (RecognitionEvent e : all) {
                assertTrue("duplicate event for " + e.origin(), origins.add(e.origin()));
                assertTrue(describe(e), Set.of(MFN + ":1", ECA_KEY).contains(e.modelId() + ":" + e.modelVersion()));
            }
            assertEquals("one event per frame", FRAMES, origins.size());
            assertEquals("frames failed", failedBefore, pipeline.status().framesFailed());
            assertEquals("frames processed", processedBefore + FRAMES, pipeline.status().framesProcessed());

            // models in emission order: MobileFaceNet-112, then ECA-MobileFaceNet-96, then MobileFaceNet-112
            int firstEcaAt = -1;
            int lastEcaAt = -1;
            for (int i = 0; i < all.size(); i++) {
                if (ECA.equals(all.get(i).modelId())) {
                    firstEcaAt = firstEcaAt < 0 ? i : firstEcaAt;
                    lastEcaAt = i;
                }
            }
            for (int i = 0; i < all.size(); i++) {
                String expected = i >= firstEcaAt && i <= lastEcaAt ? ECA : MFN;
                assertEquals("event " + i + " " + describe(all.get(i)), expected, all.get(i).modelId());
            }
            assertTrue("events before the install used " + MFN + " (first ECA at " + firstEcaAt + ")",
                    firstEcaAt >= seenBeforeInstall);
            assertTrue("events of " + ECA + " after the install: " + (lastEcaAt - firstEcaAt + 1),
                    lastEcaAt - firstEcaAt + 1 >= PER_PHASE / 2);
            // the unbinding waits for the frame in flight; its event may be emitted right after
            assertTrue("no " + ECA + " frame started after the uninstall (last at " + lastEcaAt + ")",
                    lastEcaAt <= seenAtUninstall);
            assertTrue("events of " + MFN + " after the uninstall: " + (all.size() - 1 - lastEcaAt),
                    all.size() - 1 - lastEcaAt >= 6);

            // the aligner was asked for the active embedder's input size, 96 while ECA was active
            ecaEvents = all.subList(firstEcaAt, lastEcaAt + 1);
            int ecaFaces = ecaEvents.stream().mapToInt(e -> e.faces().size()).sum();
            int mfnFaces = all.stream().filter(e -> MFN.equals(e.modelId())).mapToInt(e -> e.faces().size()).sum();
            Map<Integer, Integer> asked = sizes.counts();
            assertEquals("aligned sizes asked by the pipeline: " + asked, Set.of(96, 112), asked.keySet());
            assertTrue("every face of an " + ECA + " frame aligned at 96: " + asked + " for " + ecaFaces + " faces",
                    asked.get(96) >= ecaFaces);
            assertTrue("every face of an " + MFN + " frame aligned at 112: " + asked + " for " + mfnFaces + " faces",
                    asked.get(112) >= mfnFaces);

            // after the fallback MobileFaceNet-112 recognises as before (its embeddings were kept)
            List<RecognitionEvent> after = all.subList(lastEcaAt + 1, all.size());
            for (RecognitionEvent e : after) {
                if (shows(e, "obama3.jpg")) {
                    assertEquals("Obama after the fallback: " + describe(e), 1, named(e, "Obama"));
                } else if (shows(e, "biden.jpg")) {
                    assertEquals("Biden after the fallback: " + describe(e), 0, named(e, "Obama"));
                } else {
                    assertEquals("two_people after the fallback: " + describe(e), 1, named(e, "Obama"));
                }
            }
            // the MobileFaceNet-112 embeddings stayed beside the new ones
            try (Stream<Path> models = Files.list(galleryDir.resolve("embeddings"))) {
                assertEquals(Set.of(folder(MFN + ":1"), folder(ECA_KEY)),
                        models.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
            }
        } finally {
            recording.unregister();
        }

        // the wire: one MQTT event per frame, each naming exactly one model
        Set<String> wireOrigins = new HashSet<>();
        for (String event : wire) {
            Matcher origin = ORIGIN.matcher(event);
            assertTrue(event, origin.find());
            assertTrue("duplicate MQTT event for " + origin.group(1), wireOrigins.add(origin.group(1)));
            Matcher m = MODEL.matcher(event);
            assertTrue(event, m.find());
            assertTrue(event, Set.of(MFN + ":1", ECA_KEY).contains(m.group(1) + ":" + m.group(2)));
            assertFalse("exactly one model per event: " + event, m.find());
        }
        assertEquals("one MQTT event per frame", FRAMES, wireOrigins.size());

        // every file acknowledged as done, none failed or left behind
        try (Stream<Path> done = Files.list(inbox.resolve("done"))) {
            assertEquals("every file acknowledged as done", FRAMES, done.count());
        }
        Path failed = inbox.resolve("failed");
        if (Files.isDirectory(failed)) {
            try (Stream<Path> f = Files.list(failed)) {
                assertEquals("no failed files", List.of(), f.toList());
            }
        }
        try (Stream<Path> left = Files.list(inbox)) {
            assertEquals("nothing left in the inbox", List.of(),
                    left.filter(Files::isRegularFile).toList());
        }
        assertFalse(featuresService.isInstalled(featuresService.getFeature(FEATURE)));

        // last, the quality of the new model (the mechanics above hold for any model)
        // recognition with the new model: the gallery was re-embedded, Obama is still Obama, Biden is not
        List<RecognitionEvent> ecaObama = ecaEvents.stream().filter(e -> shows(e, "obama3.jpg")).toList();
        List<RecognitionEvent> ecaBiden = ecaEvents.stream().filter(e -> shows(e, "biden.jpg")).toList();
        List<RecognitionEvent> ecaBoth = ecaEvents.stream().filter(e -> shows(e, "two_people.jpg")).toList();
        String scores = ECA + " obama3: " + stats(ecaObama) + "; biden: " + stats(ecaBiden) + "; two_people: "
                + stats(ecaBoth) + "; probe obama3 " + String.format("%.3f", probeObama) + ", biden "
                + String.format("%.3f", probeBiden) + "; threshold "
                + ecaEvents.get(0).faces().stream().findFirst().map(f -> f.identity().threshold()).orElse(Float.NaN);
        System.out.println("EcaModelSwapIT: " + scores);
        System.out.println("EcaModelSwapIT: two_people frames with " + ECA + " naming exactly one Obama: "
                + ecaBoth.stream().filter(e -> named(e, "Obama") == 1).count() + " of " + ecaBoth.size());
        assertTrue("obama3 frames with " + ECA + ": " + ecaObama.size(), ecaObama.size() >= 5);
        // frames matched before the background re-embedding reached Obama find no embedding of the model
        // at all (similarity -1, documented); they can only be the first ones after the switch
        int pending = 0;
        while (pending < ecaObama.size() && ecaObama.get(pending).faces().stream()
                .allMatch(f -> f.identity().similarity() <= -1f)) {
            pending++;
        }
        assertTrue("at most the first two obama3 frames precede the re-embedding: " + pending, pending <= 2);
        for (RecognitionEvent e : ecaObama.subList(pending, ecaObama.size())) {
            assertEquals("exactly one face in " + describe(e), 1, e.faces().size());
            assertEquals("Obama recognised after the switch: " + describe(e) + " (" + scores + ")", 1,
                    named(e, "Obama"));
        }
        for (RecognitionEvent e : ecaBiden) {
            assertEquals("one face in " + describe(e), 1, e.faces().size());
            assertEquals("Biden is not Obama: " + describe(e) + " (" + scores + ")", 0, named(e, "Obama"));
        }
        for (RecognitionEvent e : ecaBoth) {
            assertEquals("two faces in " + describe(e), 2, e.faces().size());
            assertTrue("at most one Obama in " + describe(e), named(e, "Obama") <= 1);
        }
    }
}
