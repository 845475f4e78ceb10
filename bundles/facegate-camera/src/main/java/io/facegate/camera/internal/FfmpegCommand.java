package io.facegate.camera.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The ffmpeg command line of one session: the input, scaled to the configured size, capped in
 * rate, as raw {@code rgb24} frames on stdout. Pure, so every option is testable without a process.
 */
final class FfmpegCommand {
    /** What Java pipes into ffmpeg's stdin when it fetches an HTTP stream itself. */
    static final String STDIN = "pipe:0";

    private FfmpegCommand() {
    }

    /**
     * @param s            the settings
     * @param in           this session's input
     * @param pipedFormat  for a Java-fetched HTTP stream: the format its content type implies, or null
     * @param regularFile  whether the input is a regular file (read at its native rate, {@code -re})
     * @return the program and its arguments
     */
    static List<String> build(FfmpegSettings s, FfmpegInput in, String pipedFormat, boolean regularFile) {
        List<String> cmd = new ArrayList<>(List.of(s.ffmpegPath(), "-hide_banner", "-nostdin", "-nostats",
                "-loglevel", "error"));
        if (regularFile) {
            cmd.add("-re"); // else ffmpeg decodes a file as fast as it can and the cap drops nearly all of it
            if (s.loop()) {
                cmd.addAll(List.of("-stream_loop", "-1"));
            }
        } else {
            // live: arrival time drives the rate cap; MJPEG streams carry no timestamps at all
            cmd.addAll(List.of("-use_wallclock_as_timestamps", "1"));
        }
        if (in.kind() == FfmpegInput.Kind.RTSP && !s.inputOptions().contains("-rtsp_transport")) {
            cmd.addAll(List.of("-rtsp_transport", "tcp")); // UDP loses packets (grey smears) on busy networks
        }
        String format = s.inputFormat();
        if (format == null) {
            format = in.javaFetch() ? pipedFormat : defaultFormat(in);
        }
        if (format != null) {
            cmd.addAll(List.of("-f", format));
        }
        cmd.addAll(s.inputOptions());
        cmd.addAll(List.of("-i", in.javaFetch() ? STDIN : in.target()));
        cmd.addAll(List.of("-map", "0:v:0", "-vf", filters(s),
                // keep the frames the cap selected, without duplicating any to fill the gaps, and keep the
                // input's fine time base so frames arriving in a burst are not "non monotonically increasing"
                "-fps_mode", "passthrough", "-enc_time_base", "-1",
                "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"));
        return cmd;
    }

    /** @return {@code v4l2} for {@code /dev/video*}, else null (ffmpeg guesses) */
    static String defaultFormat(FfmpegInput in) {
        return in.kind() == FfmpegInput.Kind.DEVICE && in.target().startsWith("/dev/video") ? "v4l2" : null;
    }

    /**
     * @param contentType an HTTP response's content type, or null
     * @return the ffmpeg format that reads it from a pipe, or null to let ffmpeg probe
     */
    static String formatOfContentType(String contentType) {
        if (contentType == null) {
            return null;
        }
        String ct = contentType.toLowerCase(java.util.Locale.ROOT);
        if (ct.startsWith("multipart/x-mixed-replace")) {
            return "mpjpeg"; // ffmpeg does not probe MJPEG-over-HTTP from a pipe
        }
        if (ct.startsWith("image/jpeg")) {
            return "jpeg_pipe"; // a snapshot URL: one frame per connection
        }
        return null;
    }

    /** @return the filter chain: the rate cap first (so dropped frames are not scaled), then the size */
    static String filters(FfmpegSettings s) {
        List<String> f = new ArrayList<>();
        if (s.maxFps() > 0) {
            // the first frame of every 1/max_fps slot: exactly max_fps on average, however the input is timed
            String r = BigDecimal.valueOf(s.maxFps()).stripTrailingZeros().toPlainString();
            f.add("select='isnan(prev_selected_t)+gt(floor(t*" + r + ")\\,floor(prev_selected_t*" + r + "))'");
        }
        int w = s.width();
        int h = s.height();
        if (s.keepAspect()) {
            f.add("scale=" + w + ":" + h + ":force_original_aspect_ratio=decrease");
            f.add("pad=" + w + ":" + h + ":(ow-iw)/2:(oh-ih)/2");
        } else {
            f.add("scale=" + w + ":" + h);
        }
        f.add("setsar=1");
        return String.join(",", f);
    }
}
