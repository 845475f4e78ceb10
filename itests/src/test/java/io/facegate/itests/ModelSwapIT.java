package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.Gallery;
import io.facegate.api.Pipeline;
import io.facegate.api.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;

/**
 * An operator updates the model bundle while 200 frames flow: every frame
 * yields exactly one event, none fails, and the enrolled person is still
 * recognised by the reloaded model.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ModelSwapIT extends FacegateTestSupport {
    private static final int FRAMES = 200;
    private static final Pattern ORIGIN = Pattern.compile("\"origin\":\"(frame-\\d+)\\.jpg\"");
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

    @Test
    public void updatingTheModelBundleWhileFramesFlowLosesNoFrame() throws Exception {
        List<AlignedFace> crops = new ArrayList<>();
        for (String photo : List.of("obama.jpg", "obama2.jpg")) {
            RgbImage image = Photos.read(photo);
            DetectedFace face = detector.detect(image).get(0);
            crops.add(aligner.align(image, face, 112));
        }
        gallery.enroll("Obama", crops);
        long failedBefore = pipeline.status().framesFailed();
        Bundle model = Arrays.stream(bundleContext.getBundles())
                .filter(b -> "facegate-embed-mobilefacenet".equals(b.getSymbolicName())).findFirst().orElseThrow();

        try (MqttRecorder events = new MqttRecorder("facegate/" + GATEWAY_ID + "/events")) {
            for (int i = 0; i < FRAMES; i++) {
                // obama3 is enrolled-person evidence, group6 keeps the embedder busy with six faces
                Photos.drop(i % 2 == 0 ? "obama3.jpg" : "group6.jpg", String.format("frame-%03d.jpg", i));
            }
            events.await(m -> true, FRAMES / 4, 10, TimeUnit.MINUTES);
            long revisionBefore = model.getLastModified();
            model.update();
            assertTrue("the model bundle was updated", model.getLastModified() > revisionBefore);
            int seenAtUpdate = events.messages().size();

            List<String> all = events.await(m -> true, FRAMES, 10, TimeUnit.MINUTES);
            Thread.sleep(2000); // a duplicate would arrive right behind the last event
            all = events.messages();

            Set<String> origins = new HashSet<>();
            for (String event : all) {
                Matcher origin = ORIGIN.matcher(event);
                assertTrue(event, origin.find());
                assertTrue("duplicate event for " + origin.group(1), origins.add(origin.group(1)));
                Matcher m = MODEL.matcher(event);
                assertTrue(event, m.find());
                assertEquals("mobilefacenet-112:1", m.group(1) + ":" + m.group(2));
                assertTrue("exactly one model per event: " + event, !m.find());
            }
            assertEquals("one event per frame", FRAMES, origins.size());
            assertEquals("frames failed", failedBefore, pipeline.status().framesFailed());
            assertTrue("the update happened while frames were still flowing (" + seenAtUpdate + " seen)",
                    seenAtUpdate < FRAMES);

            // the reloaded model still recognises the enrolled person
            List<String> lastObama = all.stream().filter(e -> e.contains("\"origin\":\"frame-19")
                    && ORIGIN.matcher(e).results().anyMatch(r -> Integer.parseInt(r.group(1).substring(6)) % 2 == 0))
                    .toList();
            assertTrue("late obama3 frames: " + lastObama.size(), lastObama.size() >= 3);
            for (String e : lastObama) {
                assertTrue(e, e.contains("\"identity\":\"Obama\""));
            }
        }
        Path inbox = Path.of(System.getProperty(INBOX));
        try (Stream<Path> done = Files.list(inbox.resolve("done"))) {
            assertEquals("every file acknowledged as done", FRAMES, done.count());
        }
    }
}
