package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FfmpegCommandTest {
    private static FfmpegSettings settings(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return FfmpegSettings.from(TestConfigs.ffmpeg(m));
    }

    private static String after(List<String> cmd, String option) {
        int i = cmd.indexOf(option);
        return i < 0 ? null : cmd.get(i + 1);
    }

    @Test
    void aDeviceGetsV4l2AndWallClockTimestamps() throws Exception {
        FfmpegSettings s = settings("input", "/dev/video0", "input_options", new String[] {"-input_format mjpeg"});
        List<String> cmd = FfmpegCommand.build(s, s.resolveInput(), null, false);
        assertEquals("ffmpeg", cmd.get(0));
        assertEquals("v4l2", after(cmd, "-f"));
        assertEquals("1", after(cmd, "-use_wallclock_as_timestamps"));
        assertEquals("mjpeg", after(cmd, "-input_format"));
        assertTrue(cmd.indexOf("-input_format") < cmd.indexOf("-i"), "input options go before -i");
        assertEquals("/dev/video0", after(cmd, "-i"));
        assertFalse(cmd.contains("-re"));
        assertEquals(List.of("-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"), cmd.subList(cmd.size() - 5, cmd.size()));
        assertTrue(cmd.contains("-nostdin"));
        assertEquals("passthrough", after(cmd, "-fps_mode"));
    }

    @Test
    void filtersCapTheRateThenScale() {
        assertEquals("select='isnan(prev_selected_t)+gt(floor(t*5)\\,floor(prev_selected_t*5))',"
                + "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1",
                FfmpegCommand.filters(settings("input", "x")));
        assertEquals("scale=320:200,setsar=1", FfmpegCommand.filters(settings("input", "x", "max_fps", 0.0,
                "keep_aspect", false, "width", 320, "height", 200)));
        assertTrue(FfmpegCommand.filters(settings("input", "x", "max_fps", 2.5)).contains("floor(t*2.5)"));
    }

    @Test
    void aFileIsReadAtItsRateAndLoopedOnRequest() throws Exception {
        FfmpegSettings s = settings("input", "/videos/door.mp4", "loop", true);
        List<String> cmd = FfmpegCommand.build(s, s.resolveInput(), null, true);
        assertTrue(cmd.contains("-re"));
        assertEquals("-1", after(cmd, "-stream_loop"));
        assertFalse(cmd.contains("-use_wallclock_as_timestamps"));
        assertEquals("rawvideo", after(cmd, "-f"), "no input format: ffmpeg probes the file");
    }

    @Test
    void rtspUsesTcpUnlessTold() throws Exception {
        FfmpegSettings s = settings("input", "rtsp://cam/live");
        assertEquals("tcp", after(FfmpegCommand.build(s, s.resolveInput(), null, false), "-rtsp_transport"));
        FfmpegSettings udp = settings("input", "rtsp://cam/live", "input_options", new String[] {"-rtsp_transport udp"});
        List<String> cmd = FfmpegCommand.build(udp, udp.resolveInput(), null, false);
        assertEquals(1, Collections.frequency(cmd, "-rtsp_transport"));
        assertEquals("udp", after(cmd, "-rtsp_transport"));
    }

    @Test
    void aJavaFetchedStreamComesThroughStdinWithoutCredentials() throws Exception {
        FfmpegInput in = FfmpegInput.parse("http://viewer:s3cret@cam.lan/mjpg", null, null);
        FfmpegSettings s = settings("input", "http://cam.lan/mjpg");
        List<String> cmd = FfmpegCommand.build(s, in, "mpjpeg", false);
        assertEquals("pipe:0", after(cmd, "-i"));
        assertEquals("mpjpeg", after(cmd, "-f"));
        assertTrue(cmd.stream().noneMatch(a -> a.contains("s3cret") || a.contains("viewer") || a.contains("cam.lan")));
        assertEquals("mpjpeg", FfmpegCommand.formatOfContentType("multipart/x-mixed-replace; boundary=--frame"));
        assertEquals("jpeg_pipe", FfmpegCommand.formatOfContentType("image/jpeg"));
        assertNull(FfmpegCommand.formatOfContentType("video/mp2t"));
        assertNull(FfmpegCommand.formatOfContentType(null));
    }
}
