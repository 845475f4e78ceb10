package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.Gallery;
import io.facegate.api.Pipeline;
import io.facegate.api.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * The whole gateway: enrol from photos, photos dropped in the camera folder,
 * recognition events read by a real MQTT subscriber (the broker's {@code reader} user) from the embedded
 * broker, also for a frame seen while the broker was down.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RecognitionOverMqttIT extends FacegateTestSupport {
    private static final String EVENTS = "facegate/" + GATEWAY_ID + "/events";

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

    @Override
    protected List<Option> extraOptions() {
        return List.of(editConfigurationFilePut("etc/io.facegate.mqtt.broker.cfg", "persistence", "true"));
    }

    private void enrolObama() throws Exception {
        List<AlignedFace> crops = new ArrayList<>();
        for (String photo : List.of("obama.jpg", "obama2.jpg")) {
            RgbImage image = Photos.read(photo);
            List<DetectedFace> faces = detector.detect(image);
            assertEquals(photo, 1, faces.size());
            crops.add(aligner.align(image, faces.get(0), 112));
        }
        gallery.enroll("Obama", crops);
        assertTrue(gallery.people().contains("Obama"));
    }

    private static String eventOf(MqttRecorder events, String origin) throws InterruptedException {
        List<String> hits = events.await(m -> m.contains("\"origin\":\"" + origin + "\""), 1, 120, TimeUnit.SECONDS);
        assertEquals("one event for " + origin + " in " + events.messages(), 1, hits.size());
        return hits.get(0);
    }

    private static int count(String json, String fragment) {
        return json.split(Pattern.quote(fragment), -1).length - 1;
    }

    @Test
    public void subscriberHearsWhoIsInEachPhoto() throws Exception {
        enrolObama();
        try (MqttRecorder events = new MqttRecorder(EVENTS)) {
            Photos.drop("obama3.jpg", "obama3.jpg");
            Photos.drop("biden.jpg", "biden.jpg");
            Photos.drop("two_people.jpg", "two_people.jpg");

            String obama = eventOf(events, "obama3.jpg");
            assertEquals(obama, 1, count(obama, "\"identity\":\"Obama\""));
            assertEquals(obama, "mobilefacenet-112", modelId(obama));

            String biden = eventOf(events, "biden.jpg");
            assertEquals(biden, 1, count(biden, "\"identity\":null"));
            assertEquals(biden, 0, count(biden, "\"identity\":\"Obama\""));

            String both = eventOf(events, "two_people.jpg");
            assertEquals(both, 1, count(both, "\"identity\":\"Obama\""));
            assertEquals(both, 1, count(both, "\"identity\":null"));
        }
    }

    @Test
    public void eventsOfFramesSeenWhileTheBrokerIsDownArriveAfterItIsBack() throws Exception {
        Broker broker = new EmbeddedBroker(bundleContext);
        long processedBefore = pipeline.status().framesProcessed();

        // durable: the broker keeps the subscription and queues for it while it reconnects (persistence = true)
        try (MqttRecorder events = new MqttRecorder(broker.url(), broker.subscriberUser(),
                broker.subscriberPassword(), EVENTS, true)) {
            broker.stop();
            Photos.drop("group6.jpg", "during-outage.jpg");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (pipeline.status().framesProcessed() == processedBefore && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue("the pipeline processed a frame while the broker was down",
                    pipeline.status().framesProcessed() > processedBefore);
            broker.start();
            events.reconnect(30, TimeUnit.SECONDS);

            // the outbox kept the event: nothing is lost to the outage
            String during = eventOf(events, "during-outage.jpg");
            assertTrue(during, during.contains("\"event_id\":\""));
            Photos.drop("obama3.jpg", "after-outage.jpg");
            eventOf(events, "after-outage.jpg");
        }
        // retained status: the gateway reconnected and announced itself, having dropped nothing
        String online = GatewayStatus.await(broker, GATEWAY_ID,
                s -> GatewayStatus.online(s) && s.contains("\"events_dropped\":"), 90, TimeUnit.SECONDS);
        assertEquals(online, 0, EventMessage.number(online, "events_dropped"));
    }

    private static String modelId(String json) {
        int i = json.indexOf("\"model\":{\"id\":\"") + "\"model\":{\"id\":\"".length();
        return json.substring(i, json.indexOf('"', i));
    }
}
