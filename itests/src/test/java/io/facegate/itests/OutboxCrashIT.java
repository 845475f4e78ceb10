package io.facegate.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGKILL of the gateway in the middle of a broker outage, then restart (a power cut while the uplink is down):
 * every frame whose file is in done/ has its event delivered after the restart, and every frame still in the inbox
 * is processed after the restart. A plain JUnit 5 test, not Pax Exam, because Exam cannot SIGKILL its container:
 * the built distribution runs as a child process ({@link GatewayProcess}) and publishes to a mosquitto the test
 * starts ({@link Mosquitto}), so the broker is independent of the gateway.
 *
 * <p>Delivery is at-least-once: a frame whose event was stored but whose file was not yet moved to done/ when the
 * gateway died is processed again and has two events (two event ids). Their number is printed, not bounded.
 */
class OutboxCrashIT {
    private static final String GATEWAY = "crash";
    private static final int FRAMES = 60;
    /** Files in done/ before the kill: enough to be in the middle of the burst, not at its end. */
    private static final int KILL_AFTER = 15;

    private Path work;
    private GatewayProcess gateway;
    private Mosquitto mosquitto;
    private Path inbox;

    @BeforeEach
    void unpackAndConfigure() throws Exception {
        work = Files.createDirectories(Path.of("target", "crash-it")).toAbsolutePath()
                .resolve("run-" + System.currentTimeMillis());
        gateway = GatewayProcess.unpackBuilt(work.resolve("gateway"));
        mosquitto = new Mosquitto(work.resolve("mosquitto"), Ports.free());
        inbox = Files.createDirectories(work.resolve("inbox"));
        gateway.useBroker(mosquitto.url(), GATEWAY);
        gateway.configure("io.facegate.mqtt.cfg", "heartbeat_s", "5");
        gateway.configure("io.facegate.camera.folder-inbox.cfg", "directory", inbox.toString());
        gateway.configure("io.facegate.camera.folder-inbox.cfg", "settle_ms", "100");
    }

    @AfterEach
    void killEverything() throws Exception {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (mosquitto != null) {
                mosquitto.close();
            }
        }
        if (work != null && !Boolean.getBoolean("facegate.itest.keep")) {
            delete(work);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyFrameInDoneHasItsEventAfterASigkillInTheMiddleOfAnOutage() throws Exception {
        mosquitto.start();
        gateway.start();
        awaitOnline();
        // bin/karaf starts the JVM so that an OutOfMemoryError ends it (for the service manager to restart it)
        assertTrue(gateway.arguments().contains("-XX:+ExitOnOutOfMemoryError"), gateway.arguments().toString());

        mosquitto.stop(); // SIGKILL: the outage
        List<String> frames = Frames.drop(inbox, "crash", FRAMES);
        Frames.await(inbox.resolve("done"), frames, KILL_AFTER, 120, TimeUnit.SECONDS);
        gateway.kill(); // SIGKILL, mid-burst

        List<String> doneAtKill = ours(Frames.in(inbox.resolve("done")), frames);
        List<String> inboxAtKill = ours(Frames.in(inbox), frames);
        assertTrue(doneAtKill.size() >= KILL_AFTER && doneAtKill.size() < FRAMES,
                "killed in the middle of the burst: " + doneAtKill.size() + " of " + FRAMES + " in done/\n"
                        + gateway.logTail(40));
        assertEquals(List.of(), Frames.in(inbox.resolve("failed")), "failed/");
        Set<String> everywhere = new TreeSet<>(doneAtKill);
        everywhere.addAll(inboxAtKill);
        assertEquals(new TreeSet<>(frames), everywhere, "every frame is in done/ or still in the inbox");

        mosquitto.start();
        try (MqttRecorder events = new MqttRecorder(mosquitto.url(), null, null,
                GatewayStatus.eventsTopic(GATEWAY), false)) {
            long restart = System.nanoTime();
            gateway.start();
            Map<String, Integer> perOrigin = awaitEvents(events, frames, 300);
            double seconds = (System.nanoTime() - restart) / 1e9;

            List<String> missing = doneAtKill.stream().filter(f -> !perOrigin.containsKey(f)).toList();
            assertEquals(List.of(), missing, "frames in done/ at the kill without an event after the restart\n"
                    + gateway.logTail(40));
            missing = inboxAtKill.stream().filter(f -> !perOrigin.containsKey(f)).toList();
            assertEquals(List.of(), missing, "frames in the inbox at the kill without an event after the restart");
            assertEquals(new TreeSet<>(frames), new TreeSet<>(ours(Frames.in(inbox.resolve("done")), frames)),
                    "every frame in done/ after the restart");
            assertEquals(List.of(), ours(Frames.in(inbox), frames), "inbox after the restart");

            // order is kept across the crash: the outbox's events first, then the frames processed after it
            List<String> firstSeen = new ArrayList<>(new LinkedHashSet<>(EventMessage.distinct(events.messages())
                    .stream().map(EventMessage::origin).filter(frames::contains).toList()));
            assertEquals(frames, firstSeen, "frames in the order of their first event");

            List<String> twice = perOrigin.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .sorted().toList();
            int copies = events.messages().size() - EventMessage.distinct(events.messages()).size();
            System.out.printf("OutboxCrashIT: SIGKILL with %d of %d frames in done/ (%d in the inbox); after the"
                    + " restart every frame had its event within %.1f s; frames with two events (at-least-once): %d"
                    + " %s; re-sent copies of one event: %d%n", doneAtKill.size(), FRAMES, inboxAtKill.size(),
                    seconds, twice.size(), twice, copies);
        }
        String status = GatewayStatus.await(mosquitto, GATEWAY, s -> EventMessage.number(s, "depth") == 0
                && EventMessage.number(s, "events_published") > 0, 30, TimeUnit.SECONDS);
        assertEquals(0, EventMessage.number(status, "events_dropped"), status);
    }

    private void awaitOnline() throws Exception {
        try {
            GatewayStatus.await(mosquitto, GATEWAY, GatewayStatus::online, 240, TimeUnit.SECONDS);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nalive: " + gateway.isAlive() + "\n" + gateway.logTail(60), e);
        }
    }

    /** Waits until every frame has at least one event; returns how many distinct events each origin had. */
    private Map<String, Integer> awaitEvents(MqttRecorder events, List<String> frames, long timeoutSeconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            Map<String, Integer> perOrigin = new HashMap<>();
            for (EventMessage e : EventMessage.distinct(events.messages())) {
                perOrigin.merge(e.origin(), 1, Integer::sum);
            }
            if (perOrigin.keySet().containsAll(frames) || System.nanoTime() > deadline) {
                return perOrigin;
            }
            Thread.sleep(200);
        }
    }

    private static List<String> ours(List<String> files, List<String> frames) {
        return files.stream().filter(frames::contains).toList();
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
