package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.facegate.api.Pipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ops4j.pax.exam.Option;

/**
 * The broker-outage scenario of {@link OutboxOutageIT} (embedded broker) and {@link OutboxOutageMosquittoIT}
 * (mosquitto), run inside the container: 200 frames flow while the broker is down (4 a second through the first
 * 50 s), every one is acknowledged to the camera (in done/) before the broker is back, and after the reconnect a
 * subscriber that was connected before the outage receives every one of their events, in frame order, none missing.
 *
 * <p>The subscriber is durable (persistent session, QoS 1), and the broker keeps sessions across its restart:
 * otherwise events the gateway publishes in the moment between the broker's restart and the subscriber's reconnect
 * would be lost to the subscriber, not by the gateway. The gateway's reconnect back-off is capped at 2 s so the
 * test does not wait up to the default 30 s, and its status is republished every 5 s.
 */
final class OutageScenario {
    private static final int FRAMES = 200;
    private static final long OUTAGE_S = 60;
    private static final long FRAME_PERIOD_MS = 250;

    private OutageScenario() {
    }

    /** @return the gateway configuration both variants share */
    static List<Option> options() {
        return List.of(
                editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "reconnect_max_delay_ms", "2000"),
                editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "heartbeat_s", "5"));
    }

    /**
     * Runs the scenario.
     *
     * @param name      the test, for the printed summary
     * @param broker    the broker the gateway publishes to, running
     * @param gatewayId the gateway under test
     * @param inbox     its camera inbox
     * @param pipeline  its pipeline
     */
    static void run(String name, Broker broker, String gatewayId, Path inbox, Pipeline pipeline) throws Exception {
        GatewayStatus.await(broker, gatewayId, GatewayStatus::online, 120, TimeUnit.SECONDS);
        long failedBefore = pipeline.status().framesFailed();

        try (MqttRecorder events = new MqttRecorder(broker.url(), broker.subscriberUser(),
                broker.subscriberPassword(), GatewayStatus.eventsTopic(gatewayId), true)) {
            broker.awaitSessionsSaved();
            broker.stop();
            long down = System.nanoTime();

            List<String> frames = Frames.dropPaced(inbox, "outage", FRAMES, FRAME_PERIOD_MS);
            List<String> done = Frames.await(inbox.resolve("done"), frames, FRAMES, 170, TimeUnit.SECONDS);
            double flowed = seconds(System.nanoTime() - down);
            assertEquals("frames acknowledged (in done/) while the broker was down; failed/: "
                    + Frames.in(inbox.resolve("failed")), FRAMES, done.size());
            assertEquals("frames failed during the outage", failedBefore, pipeline.status().framesFailed());

            // down for 60 s, or longer if a slow machine took longer to acknowledge the frames
            long left = TimeUnit.SECONDS.toNanos(OUTAGE_S) - (System.nanoTime() - down);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            double outage = seconds(System.nanoTime() - down);
            broker.start();
            long up = System.nanoTime();
            events.reconnect(30, TimeUnit.SECONDS);

            // events leave the outbox in order: once the last frame's event is here, all earlier ones are
            String last = frames.get(FRAMES - 1);
            events.await(m -> m.contains("\"origin\":\"" + last + "\""), 1, 120, TimeUnit.SECONDS);
            double drained = seconds(System.nanoTime() - up);

            List<String> ours = events.messages().stream().filter(m -> m.contains("\"origin\":\"outage-")).toList();
            List<EventMessage> distinct = EventMessage.distinct(ours);
            assertEquals("the events after the reconnect, each once, in arrival order (" + ours.size()
                    + " messages)", frames, distinct.stream().map(EventMessage::origin).toList());
            for (int i = 1; i < distinct.size(); i++) {
                assertTrue("sequence increases: " + distinct.get(i - 1) + " then " + distinct.get(i),
                        distinct.get(i).sequence() > distinct.get(i - 1).sequence());
            }
            System.out.printf("%s: broker %s down %.1f s; %d frames, the last in done/ after %.1f s; %d events"
                    + " delivered %.1f s after the broker was back, %d duplicate(s)%n", name, broker.url(), outage,
                    FRAMES, flowed, distinct.size(), drained, ours.size() - distinct.size());
        }

        // the outbox is empty and nothing was dropped, as the status says
        String status = GatewayStatus.await(broker, gatewayId,
                s -> EventMessage.number(s, "events_published") >= FRAMES && EventMessage.number(s, "depth") == 0,
                30, TimeUnit.SECONDS);
        assertEquals(status, 0, EventMessage.number(status, "events_dropped"));
        assertEquals(status, 0, EventMessage.number(status, "dropped"));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
