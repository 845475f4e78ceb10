package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.Frame;
import io.facegate.camera.internal.FfmpegCameraStatus.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ffmpeg source against the real ffmpeg: files, an MJPEG server that goes away, bad inputs. */
class FfmpegFrameSourceTest {
    /** Generous: the build machine may be loaded; only a failing test waits this long. */
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private String ffmpeg;
    private final List<FfmpegFrameSource> opened = new ArrayList<>();
    private final List<MjpegServer> servers = new ArrayList<>();

    @BeforeEach
    void ffmpeg() {
        ffmpeg = FfmpegTools.require();
    }

    /** Whatever a test did (HTTP feeds, stalls, backoff), closing leaves no thread and no ffmpeg behind. */
    @AfterEach
    void closeAllAndCheckNothingIsLeft() {
        opened.forEach(FfmpegFrameSource::close);
        servers.forEach(MjpegServer::close);
        List<String> threads = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith("facegate-ffmpeg-")).toList();
        assertEquals(List.of(), threads, "threads left after close");
        assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(c -> c.info().command().map(cmd -> cmd.contains("ffmpeg")).orElse(true)).toList(),
                "ffmpeg children left after close");
    }

    private FfmpegFrameSource open(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("ffmpeg_path", ffmpeg);
        m.put("reconnect_min_ms", 100L);
        m.put("reconnect_max_ms", 400L);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        FfmpegFrameSource s = new FfmpegFrameSource(FfmpegSettings.from(TestConfigs.ffmpeg(m)), st -> { });
        opened.add(s);
        s.start();
        return s;
    }

    private static FfmpegCameraStatus await(FfmpegFrameSource s, Predicate<FfmpegCameraStatus> p, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        FfmpegCameraStatus st = s.status();
        while (!p.test(st)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; status " + st);
            }
            Thread.sleep(20);
            st = s.status();
        }
        return st;
    }

    private static void assertCountsAddUp(FfmpegCameraStatus st) {
        assertEquals(st.received(), st.delivered() + st.dropped() + st.motionSkipped() + st.queued(), st.toString());
    }

    private Path testVideo(String name, String source) throws Exception {
        return FfmpegTools.video(ffmpeg, tmp.resolve(name), source);
    }

    @Test
    void aFileDeliversFramesOfTheConfiguredSizeAtTheCappedRate() throws Exception {
        Path video = testVideo("pattern.avi", "testsrc=size=320x240:rate=25:duration=2");
        FfmpegFrameSource s = open("input", video.toString(), "source_id", "file-cam", "width", 160, "height", 100,
                "max_fps", 10.0, "motion", false, "queue_size", 100);
        List<Frame> frames = new ArrayList<>();
        long start = System.nanoTime();
        while (true) {
            Frame f = s.next(Duration.ofMillis(100));
            if (f != null) {
                frames.add(f);
            } else if (s.status().state() == State.ENDED && s.status().queued() == 0) {
                break;
            } else if (System.nanoTime() - start > WAIT.toNanos()) {
                throw new AssertionError("no end of file; status " + s.status());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // 2 s at 25 fps capped to 10 fps: 20 frames, read at the file's own pace (-re), not at once
        assertTrue(frames.size() >= 16 && frames.size() <= 21, frames.size() + " frames");
        assertTrue(seconds > 1.5, "read in real time, took " + seconds + " s");
        Duration span = Duration.between(frames.get(0).timestamp(), frames.get(frames.size() - 1).timestamp());
        double fps = (frames.size() - 1) / (span.toNanos() / 1e9);
        assertTrue(fps > 5 && fps < 15, "about 10 fps, got " + fps);
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            assertEquals(160, f.image().width());
            assertEquals(100, f.image().height());
            assertEquals("file-cam", f.sourceId());
            assertEquals(video.toString(), f.origin());
            assertEquals(i + 1, f.sequence());
        }
        // 320x240 into 160x100 keeping the aspect: 133x100 in the middle, black bars left and right
        Frame f = frames.get(5);
        for (int ch = 0; ch < 3; ch++) {
            assertTrue(f.image().sample(2, 50, ch) < 20, "letterbox bar");
            assertTrue(f.image().sample(157, 50, ch) < 20, "letterbox bar");
        }
        assertTrue(f.image().sample(80, 20, 0) + f.image().sample(80, 20, 1) + f.image().sample(80, 20, 2) > 60,
                "the picture itself");
        FfmpegCameraStatus st = s.status();
        assertCountsAddUp(st);
        assertEquals(frames.size(), st.delivered());
        assertEquals(0, st.dropped());
        assertEquals(0, st.reconnects());
        assertNull(st.lastError());
        assertTrue(s.childPid().isEmpty(), "ffmpeg reaped at the end of the file");
    }

    @Test
    void aStillSceneIsSkippedAndASlowConsumerLosesTheOldestFrames() throws Exception {
        Path still = testVideo("still.avi", "color=c=gray:size=320x240:rate=25:duration=2");
        Path moving = testVideo("moving.avi", "testsrc=size=320x240:rate=25:duration=2");
        FfmpegFrameSource gated = open("input", still.toString(), "source_id", "still", "width", 160, "height", 120,
                "max_fps", 10.0, "motion_max_interval_ms", 500L, "queue_size", 100);
        FfmpegFrameSource slow = open("input", moving.toString(), "source_id", "slow", "width", 160, "height", 120,
                "max_fps", 10.0, "motion", false);
        List<Frame> gatedFrames = new ArrayList<>();
        int slowFrames = 0;
        long start = System.nanoTime();
        while (!(gated.status().state() == State.ENDED && slow.status().state() == State.ENDED)) {
            assertTrue(System.nanoTime() - start < WAIT.toNanos(), "no end; " + gated.status() + ", " + slow.status());
            Thread.sleep(300); // the slow consumer: one frame every 300 ms of the 10 a second coming
            if (slow.next(Duration.ZERO) != null) {
                slowFrames++;
            }
            for (Frame f; (f = gated.next(Duration.ZERO)) != null; ) {
                gatedFrames.add(f);
            }
        }
        while (slow.next(Duration.ZERO) != null) {
            slowFrames++;
        }
        for (Frame f; (f = gated.next(Duration.ZERO)) != null; ) {
            gatedFrames.add(f);
        }

        FfmpegCameraStatus g = gated.status();
        assertCountsAddUp(g);
        // ~20 frames in 2 s: the first, then one every 500 ms (the max interval); the rest unchanged
        assertTrue(g.delivered() >= 2 && g.delivered() <= 6, g.toString());
        assertTrue(g.motionSkipped() >= 12, g.toString());
        assertEquals(gatedFrames.size(), g.delivered());

        FfmpegCameraStatus sl = slow.status();
        assertCountsAddUp(sl);
        assertEquals(slowFrames, sl.delivered());
        assertTrue(sl.dropped() >= 5, "a queue of 2 cannot hold what the slow consumer did not take: " + sl);
        assertEquals(0, sl.motionSkipped());
    }

    @Test
    void anMjpegStreamBehindBasicAuthIsReadAndRecoversAfterTheServerRestarts() throws Exception {
        MjpegServer server = new MjpegServer("viewer", "pa55 word", 20).start();
        servers.add(server);
        Path pw = tmp.resolve("camera.password");
        Files.writeString(pw, "pa55 word\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        FfmpegFrameSource s = open("input", server.url("/stream"), "username", "viewer", "password_file",
                pw.toString(), "width", MjpegServer.WIDTH, "height", MjpegServer.HEIGHT, "max_fps", 0.0,
                "motion", false, "stall_timeout_ms", 3000L);
        for (int i = 0; i < 3; i++) {
            Frame f = s.next(WAIT);
            assertNotNull(f, "frame " + i + "; status " + s.status());
            assertEquals(MjpegServer.WIDTH, f.image().width());
        }
        assertEquals(0, s.status().reconnects());
        assertEquals(State.RUNNING, await(s, st -> st.state() == State.RUNNING, "running").state());

        server.stop();
        FfmpegCameraStatus down = await(s, st -> st.reconnects() >= 2 && st.lastError() != null
                && st.lastError().contains("cannot fetch"), "failed reconnects while the server is down");
        assertTrue(down.lastError().contains("ConnectException"), down.lastError());
        assertFalse(down.lastError().contains("pa55"), down.lastError());

        Instant restarted = Instant.now();
        server.start();
        Frame after;
        do {
            after = s.next(WAIT);
            assertNotNull(after, "no frame after the restart; status " + s.status());
        } while (after.timestamp().isBefore(restarted));
        assertEquals(2, server.streams(), "one stream before, one after the restart");
        FfmpegCameraStatus st = s.status();
        assertTrue(st.reconnects() >= 2, st.toString());
        assertCountsAddUp(st);
    }

    @Test
    void ffmpegFetchesAPlainHttpStreamItself() throws Exception {
        MjpegServer server = new MjpegServer(null, null, 20).start();
        servers.add(server);
        FfmpegFrameSource s = open("input", server.url("/stream"), "width", 80, "height", 60, "max_fps", 0.0,
                "motion", false);
        assertNotNull(s.next(WAIT), "status " + s.status());
        assertNotNull(s.next(WAIT), "status " + s.status());
        assertTrue(s.childPid().isPresent());
        assertEquals("ffmpeg:" + server.url("/stream"), s.id());
    }

    @Test
    void badInputsGiveAClearLastErrorAndBackOffWithoutThrowing() throws Exception {
        Path garbage = tmp.resolve("garbage.mp4");
        byte[] noise = new byte[20_000];
        new Random(3).nextBytes(noise);
        Files.write(garbage, noise);
        MjpegServer server = new MjpegServer("viewer", "right", 10).start();
        servers.add(server);
        Path wrong = tmp.resolve("wrong.password");
        Files.writeString(wrong, "wrong\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));

        Map<FfmpegFrameSource, String> expected = new HashMap<>();
        expected.put(open("input", tmp.resolve("missing.mp4").toString()), "No such file or directory");
        expected.put(open("input", "/dev/video99"), "/dev/video99");
        expected.put(open("input", garbage.toString()), "Invalid data found when processing input");
        expected.put(open("input", "/x.mp4", "ffmpeg_path", tmp.resolve("no-ffmpeg").toString(), "source_id", "nf"),
                "cannot start");
        expected.put(open("input", server.url("/stream"), "username", "viewer", "password_file", wrong.toString(),
                "source_id", "401"), "HTTP 401");
        expected.put(open("input", server.url("/silent"), "source_id", "silent", "stall_timeout_ms", 1000L),
                "no frame from");

        for (Map.Entry<FfmpegFrameSource, String> e : expected.entrySet()) {
            FfmpegFrameSource s = e.getKey();
            FfmpegCameraStatus st = await(s, x -> x.reconnects() >= 2 && x.lastError() != null, "two failed attempts");
            assertNull(s.next(Duration.ofMillis(50)), "no frame, and no exception either");
            assertTrue(st.lastError().contains(e.getValue()), s.id() + ": " + st.lastError());
            assertNotNull(st.lastErrorTime());
            assertTrue(st.state() == State.RECONNECTING || st.state() == State.STARTING, st.toString());
            assertEquals(0, st.received());
        }
    }
}
