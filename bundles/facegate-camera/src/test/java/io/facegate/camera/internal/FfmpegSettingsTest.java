package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegSettingsTest {
    @TempDir
    Path tmp;

    private static FfmpegSettings settings(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return FfmpegSettings.from(TestConfigs.ffmpeg(m));
    }

    private static String refused(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> settings(kv)).getMessage();
    }

    private Path secret(String name, String content, String mode) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void defaults() {
        FfmpegSettings s = settings("input", "/dev/video0");
        assertEquals("/dev/video0", s.input());
        assertEquals("ffmpeg:/dev/video0", s.sourceId());
        assertEquals(640, s.width());
        assertEquals(480, s.height());
        assertTrue(s.keepAspect());
        assertEquals(5, s.maxFps());
        assertFalse(s.loop());
        assertEquals(1000, s.reconnectMinMs());
        assertEquals(30_000, s.reconnectMaxMs());
        assertEquals(10_000, s.stallTimeoutMs());
        assertEquals(2, s.queueSize());
        assertEquals("drop_oldest", s.overflow());
        assertTrue(s.motion());
        assertEquals(0.5, s.motionThreshold());
        assertEquals(32, s.motionSize());
        assertEquals(2000, s.motionMaxIntervalMs());
        assertEquals("ffmpeg", s.ffmpegPath());
        assertNull(s.username());
        assertNull(s.inputFormat());
        assertEquals(List.of(), s.inputOptions());
        assertEquals(640 * 480 * 3, s.frameBytes());
    }

    @Test
    void valuesAreTakenAndOptionsSplit() {
        FfmpegSettings s = settings("input", " rtsp://cam.lan/live ", "source_id", "door", "width", 320, "height", 240,
                "max_fps", 0.0, "overflow", "BLOCK", "input_options", new String[] {"-video_size 1280x720", " -x  y"},
                "input_format", "v4l2", "ffmpeg_path", "/opt/ffmpeg/bin/ffmpeg");
        assertEquals("rtsp://cam.lan/live", s.input());
        assertEquals("door", s.sourceId());
        assertEquals(0, s.maxFps());
        assertEquals("block", s.overflow());
        assertFalse(s.dropOldest());
        assertEquals(List.of("-video_size", "1280x720", "-x", "y"), s.inputOptions());
        assertEquals("v4l2", s.inputFormat());
        assertEquals("/opt/ffmpeg/bin/ffmpeg", s.ffmpegPath());
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(refused().contains("input or input_file is required"));
        assertTrue(refused("input", "a.mp4", "input_file", "/x").contains("both set"));
        assertTrue(refused("input", "x", "width", 4).startsWith("width and height"));
        assertTrue(refused("input", "x", "height", 9000).startsWith("width and height"));
        assertTrue(refused("input", "x", "max_fps", -1.0).startsWith("max_fps"));
        assertTrue(refused("input", "x", "max_fps", 1000.0).startsWith("max_fps"));
        assertTrue(refused("input", "x", "reconnect_min_ms", 5L).startsWith("reconnect_min_ms"));
        assertTrue(refused("input", "x", "reconnect_min_ms", 5000L, "reconnect_max_ms", 1000L)
                .startsWith("reconnect_max_ms"));
        assertTrue(refused("input", "x", "stall_timeout_ms", 10L).startsWith("stall_timeout_ms"));
        assertTrue(refused("input", "x", "queue_size", 0).startsWith("queue_size"));
        assertTrue(refused("input", "x", "overflow", "lose").startsWith("overflow"));
        assertTrue(refused("input", "x", "motion_threshold", 101.0).startsWith("motion_threshold"));
        assertTrue(refused("input", "x", "motion_size", 2).startsWith("motion_size"));
        assertTrue(refused("input", "x", "motion_max_interval_ms", -1L).startsWith("motion_max_interval_ms"));
        assertTrue(refused("input", "x", "ffmpeg_path", " ").startsWith("ffmpeg_path"));
        assertTrue(refused("input", "x", "input_format", "v4l2 -y").startsWith("input_format"));
        assertTrue(refused("input", "http://cam/", "username", "u").contains("go together"));
    }

    @Test
    void credentialsNeverSitInTheConfiguration() throws IOException {
        String m = refused("input", "rtsp://admin:secret@cam.lan/live");
        assertTrue(m.startsWith("input: the URL carries credentials"), m);
        assertFalse(m.contains("secret"), m);
        assertTrue(refused("input", "http://u:p@cam/video").contains("input_file"));
        Path pw = secret("pw", "pw\n", "rw-------");
        assertTrue(refused("input", "/dev/video0", "username", "u", "password_file", pw.toString())
                .contains("for http(s) inputs only"));
    }

    @Test
    void inputFileMustBeOwnerOnlyAndIsReadForTheSourceId() throws IOException {
        Path url = secret("door.url", "rtsp://admin:s3cret@cam.lan:554/Streaming/101\nignored\n", "rw-------");
        FfmpegSettings s = settings("input_file", url.toString());
        assertEquals("ffmpeg:rtsp://***@cam.lan:554/Streaming/101", s.sourceId());
        FfmpegInput in = s.resolveInput();
        assertEquals(FfmpegInput.Kind.RTSP, in.kind());
        assertEquals("rtsp://admin:s3cret@cam.lan:554/Streaming/101", in.target(), "ffmpeg must get the credentials");
        assertFalse(s.toString().contains("s3cret") || in.toString().contains("s3cret"));

        Path open = secret("open.url", "rtsp://a:b@cam/", "rw-r--r--");
        assertTrue(refused("input_file", open.toString()).contains("accessible by group or others"));
        assertTrue(refused("input_file", tmp.resolve("missing").toString()).contains("input_file: no such file"));
        Path empty = secret("empty.url", "\n", "rw-------");
        assertTrue(refused("input_file", empty.toString()).contains("is empty"));
    }

    @Test
    void httpCredentialsGoToJavaNotToFfmpeg() throws IOException {
        Path pw = secret("pw", "pa:ss word\n", "r--------");
        FfmpegInput in = settings("input", "http://cam.lan/video.mjpg", "username", "viewer", "password_file",
                pw.toString()).resolveInput();
        assertTrue(in.javaFetch());
        assertEquals("viewer", in.user());
        assertEquals("pa:ss word", in.password());
        assertEquals("http://cam.lan/video.mjpg", in.target());

        Path url = secret("cam.url", "https://viewer:p%40ss@cam.lan:8443/mjpg?res=hd", "rw-------");
        FfmpegInput fromFile = settings("input_file", url.toString()).resolveInput();
        assertTrue(fromFile.javaFetch());
        assertEquals("viewer", fromFile.user());
        assertEquals("p@ss", fromFile.password());
        assertEquals("https://cam.lan:8443/mjpg?res=hd", fromFile.target());
        assertEquals("https://***@cam.lan:8443/mjpg?res=hd", fromFile.display());

        FfmpegInput plain = settings("input", "http://cam.lan/video.mjpg").resolveInput();
        assertFalse(plain.javaFetch(), "no credentials: ffmpeg fetches it itself");
    }

    @Test
    void inputKinds() {
        assertEquals(FfmpegInput.Kind.DEVICE, FfmpegInput.kindOf("/dev/video2"));
        assertEquals(FfmpegInput.Kind.FILE, FfmpegInput.kindOf("/var/lib/videos/door.mp4"));
        assertEquals(FfmpegInput.Kind.FILE, FfmpegInput.kindOf("relative.mkv"));
        assertEquals(FfmpegInput.Kind.RTSP, FfmpegInput.kindOf("RTSP://cam/"));
        assertEquals(FfmpegInput.Kind.RTSP, FfmpegInput.kindOf("rtsps://cam/"));
        assertEquals(FfmpegInput.Kind.HTTP, FfmpegInput.kindOf("https://cam/"));
        assertEquals(FfmpegInput.Kind.URL, FfmpegInput.kindOf("udp://239.0.0.1:1234"));
    }
}
