package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real ffmpeg for the tests. Missing, it fails them with a clear message (CI must install it);
 * {@code -Dfacegate.ffmpeg.tests=false} skips them instead, {@code -Dfacegate.ffmpeg=/path} picks another.
 */
final class FfmpegTools {
    static final String SKIP_PROPERTY = "facegate.ffmpeg.tests";
    static final String PATH_PROPERTY = "facegate.ffmpeg";

    private FfmpegTools() {
    }

    /** @return the ffmpeg to use; fails the test if it does not run */
    static String require() {
        Assumptions.assumeFalse("false".equalsIgnoreCase(System.getProperty(SKIP_PROPERTY, "true")),
                "ffmpeg tests switched off with -D" + SKIP_PROPERTY + "=false");
        String ffmpeg = System.getProperty(PATH_PROPERTY, "ffmpeg");
        String hint = "; install Debian's ffmpeg package (apt-get install ffmpeg), point -D" + PATH_PROPERTY
                + "=/path/to/ffmpeg at one, or skip these tests with -D" + SKIP_PROPERTY + "=false";
        try {
            Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail("'" + ffmpeg + " -version' failed: " + out + hint);
            }
            return ffmpeg;
        } catch (IOException e) {
            return fail("ffmpeg not found ('" + ffmpeg + "' is not on PATH or cannot run: " + e.getMessage() + ")" + hint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /**
     * Writes a short synthetic video with ffmpeg's lavfi sources.
     *
     * @param ffmpeg the program
     * @param out    the file to write; its extension picks the container
     * @param source a lavfi source, e.g. {@code testsrc=size=320x240:rate=25:duration=2}
     * @return {@code out}
     */
    static Path video(String ffmpeg, Path out, String source) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", source, "-c:v", "mjpeg", "-q:v", "5", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "making the test video failed: " + log);
        return out;
    }
}
