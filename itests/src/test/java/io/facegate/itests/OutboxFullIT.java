package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.facegate.api.Pipeline;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;

/**
 * The outbox at its smallest bound (64 KiB, about a hundred events) while the embedded broker is down and 300
 * frames flow: frames keep flowing (every file reaches done/), the gateway stays up, the oldest events are dropped
 * (the default policy) and every drop is counted in the status, and what arrives after the reconnect is the newest
 * events, in order. Durable subscriber and broker persistence as in {@link OutageScenario}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OutboxFullIT extends FacegateTestSupport {
    private static final int FRAMES = 300;

    @Inject
    @Filter(timeout = 60_000)
    private Pipeline pipeline;

    @Override
    protected List<Option> extraOptions() {
        return List.of(
                editConfigurationFilePut("etc/io.facegate.mqtt.broker.cfg", "persistence", "true"),
                editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "outbox_max_bytes", "65536"),
                editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "reconnect_max_delay_ms", "2000"),
                editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "heartbeat_s", "5"));
    }

    @Test
    public void aFullOutboxDropsTheOldestEventsCountsThemAndKeepsFramesFlowing() throws Exception {
        Broker broker = new EmbeddedBroker(bundleContext);
        Path inbox = Path.of(System.getProperty(INBOX));
        GatewayStatus.await(broker, GATEWAY_ID, GatewayStatus::online, 120, TimeUnit.SECONDS);
        long failedBefore = pipeline.status().framesFailed();

        try (MqttRecorder events = new MqttRecorder(broker.url(), broker.subscriberUser(),
                broker.subscriberPassword(), GatewayStatus.eventsTopic(GATEWAY_ID), true)) {
            broker.stop();
            List<String> frames = Frames.drop(inbox, "full", FRAMES);
            List<String> done = Frames.await(inbox.resolve("done"), frames, FRAMES, 240, TimeUnit.SECONDS);
            assertEquals("frames acknowledged (in done/) with the outbox full; failed/: "
                    + Frames.in(inbox.resolve("failed")), FRAMES, done.size());
            assertEquals("frames failed with the outbox full", failedBefore, pipeline.status().framesFailed());
            assertTrue("pipeline still running", pipeline.status().running());
            assertEquals("the MQTT bundle is still active", Bundle.ACTIVE, bundle("facegate-mqtt").getState());

            broker.start();
            events.reconnect(30, TimeUnit.SECONDS);
            String last = frames.get(FRAMES - 1);
            List<String> lastEvent = events.await(m -> m.contains("\"origin\":\"" + last + "\""), 1, 120,
                    TimeUnit.SECONDS);
            assertFalse("the newest event arrives after the reconnect; got " + events.messages().size(),
                    lastEvent.isEmpty());

            List<EventMessage> arrived = EventMessage.distinct(
                    events.messages().stream().filter(m -> m.contains("\"origin\":\"full-")).toList());
            int kept = arrived.size();
            assertTrue("some events were dropped: " + kept + " of " + FRAMES + " arrived", kept < FRAMES);
            assertEquals("the events that arrive are the newest ones, in order",
                    frames.subList(FRAMES - kept, FRAMES), arrived.stream().map(EventMessage::origin).toList());

            // every drop is counted, in the status and in the outbox's part of it
            long dropped = FRAMES - kept;
            String status = GatewayStatus.await(broker, GATEWAY_ID,
                    s -> EventMessage.number(s, "events_published") >= kept && EventMessage.number(s, "depth") == 0,
                    30, TimeUnit.SECONDS);
            assertEquals(status, dropped, EventMessage.number(status, "events_dropped"));
            assertEquals(status, dropped, EventMessage.number(status, "dropped"));
            System.out.printf("%s: %d frames with the broker down, outbox bound 65536 bytes: %d events delivered"
                    + " (the newest), %d dropped and counted%n", getClass().getSimpleName(), FRAMES, kept, dropped);

            // and the gateway carries on as usual
            Frames.dropOne(inbox, "after-full.png", 1);
            assertFalse("an event for a frame after the outage: " + events.messages().size(), events.await(
                    m -> m.contains("\"origin\":\"after-full.png\""), 1, 60, TimeUnit.SECONDS).isEmpty());
        }
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }
}
