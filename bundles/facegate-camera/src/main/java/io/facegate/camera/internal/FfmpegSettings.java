package io.facegate.camera.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The validated configuration of one ffmpeg camera. Every rule fails fast with a message naming
 * the configuration key.
 *
 * @param input               device, path or URL without credentials; null when {@code inputFile} is set
 * @param inputFile           a 0600 file whose first line is the input (a URL with credentials), or null
 * @param inputFormat         ffmpeg input format ({@code -f}), or null for ffmpeg's guess ({@code v4l2} for
 *                            {@code /dev/video*})
 * @param inputOptions        extra ffmpeg input options, placed before {@code -i}
 * @param width               output width, ffmpeg scales
 * @param height              output height
 * @param keepAspect          letterbox (black bars) instead of stretching to {@code width x height}
 * @param maxFps              frame-rate cap, frames per second; 0 = as many as the input gives
 * @param loop                play a file over and over; otherwise a file source ends at its end
 * @param reconnectMinMs      first delay before a reconnect
 * @param reconnectMaxMs      largest delay; the delay doubles after each failed attempt
 * @param stallTimeoutMs      no frame for this long (while the consumer keeps up) restarts ffmpeg
 * @param queueSize           frames held between the reader and {@code next()}
 * @param dropOldest          {@code overflow = drop_oldest} (live cameras) rather than {@code block}
 * @param motion              whether the motion gate is on
 * @param motionThreshold     share of changed thumbnail cells (percent) a frame must exceed to pass
 * @param motionSize          thumbnail width in cells
 * @param motionMaxIntervalMs a frame passes anyway this long after the last one that passed; 0 = never
 * @param ffmpegPath          the ffmpeg program
 * @param username            HTTP user, or null
 * @param passwordFile        a 0600 file with the HTTP password, or null
 * @param sourceId            source id of the frames
 */
record FfmpegSettings(String input, Path inputFile, String inputFormat, List<String> inputOptions, int width,
                      int height, boolean keepAspect, double maxFps, boolean loop, long reconnectMinMs,
                      long reconnectMaxMs, long stallTimeoutMs, int queueSize, boolean dropOldest, boolean motion,
                      double motionThreshold, int motionSize, long motionMaxIntervalMs, String ffmpegPath,
                      String username, Path passwordFile, String sourceId) {

    static final int DEFAULT_WIDTH = 640;
    static final int DEFAULT_HEIGHT = 480;
    static final double DEFAULT_MAX_FPS = 5;
    static final long DEFAULT_RECONNECT_MIN_MS = 1000;
    static final long DEFAULT_RECONNECT_MAX_MS = 30_000;
    static final long DEFAULT_STALL_TIMEOUT_MS = 10_000;
    static final int DEFAULT_QUEUE_SIZE = 2;
    static final double DEFAULT_MOTION_THRESHOLD = 0.5;
    static final int DEFAULT_MOTION_SIZE = 32;
    static final long DEFAULT_MOTION_MAX_INTERVAL_MS = 2000;
    static final String DROP_OLDEST = "drop_oldest";
    static final String BLOCK = "block";

    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_]{1,32}");

    /** Validates and normalises. */
    FfmpegSettings {
        if ((input == null) == (inputFile == null)) {
            throw new IllegalArgumentException(input == null ? "input or input_file is required"
                    : "input and input_file are both set; keep one");
        }
        if (input != null && FfmpegInput.hasCredentials(input)) {
            throw new IllegalArgumentException("input: the URL carries credentials; put it into input_file (a 0600"
                    + " file) or, for http(s), use username and password_file");
        }
        if (inputFile != null) {
            inputFile = inputFile.toAbsolutePath().normalize();
        }
        if (inputFormat != null && !FORMAT.matcher(inputFormat).matches()) {
            throw new IllegalArgumentException("input_format: '" + inputFormat + "' is not an ffmpeg format name");
        }
        inputOptions = List.copyOf(inputOptions);
        if (width < 8 || width > 8192 || height < 8 || height > 8192) {
            throw new IllegalArgumentException("width and height must be within 8..8192, got " + width + "x" + height);
        }
        if (!(maxFps == 0 || (maxFps >= 0.01 && maxFps <= 240))) {
            throw new IllegalArgumentException("max_fps must be 0 (no cap) or within 0.01..240, got " + maxFps);
        }
        if (reconnectMinMs < 10 || reconnectMinMs > 600_000) {
            throw new IllegalArgumentException("reconnect_min_ms must be within 10..600000, got " + reconnectMinMs);
        }
        if (reconnectMaxMs < reconnectMinMs || reconnectMaxMs > 3_600_000) {
            throw new IllegalArgumentException("reconnect_max_ms must be within reconnect_min_ms (" + reconnectMinMs
                    + ")..3600000, got " + reconnectMaxMs);
        }
        if (stallTimeoutMs < 100 || stallTimeoutMs > 600_000) {
            throw new IllegalArgumentException("stall_timeout_ms must be within 100..600000, got " + stallTimeoutMs);
        }
        if (queueSize < 1 || queueSize > 1000) {
            throw new IllegalArgumentException("queue_size must be within 1..1000, got " + queueSize);
        }
        if (!(motionThreshold >= 0 && motionThreshold <= 100)) {
            throw new IllegalArgumentException("motion_threshold must be within 0..100 (percent), got " + motionThreshold);
        }
        if (motionSize < 4 || motionSize > 256) {
            throw new IllegalArgumentException("motion_size must be within 4..256, got " + motionSize);
        }
        if (motionMaxIntervalMs < 0 || motionMaxIntervalMs > 3_600_000) {
            throw new IllegalArgumentException("motion_max_interval_ms must be within 0..3600000, got "
                    + motionMaxIntervalMs);
        }
        if (ffmpegPath == null || ffmpegPath.isBlank()) {
            throw new IllegalArgumentException("ffmpeg_path must not be empty");
        }
        ffmpegPath = ffmpegPath.strip();
        if ((username == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("username and password_file go together; set both or neither");
        }
        if (passwordFile != null) {
            passwordFile = passwordFile.toAbsolutePath().normalize();
        }
    }

    /**
     * Reads {@code input_file} and {@code password_file} once, so a mistake fails the activation
     * rather than the first connect, and fills in the default source id.
     *
     * @param config the DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException on a bad value or an unreadable secret file
     */
    static FfmpegSettings from(FfmpegCamera.Config config) {
        String overflow = config.overflow() == null ? "" : config.overflow().strip().toLowerCase(Locale.ROOT);
        if (!overflow.equals(DROP_OLDEST) && !overflow.equals(BLOCK)) {
            throw new IllegalArgumentException("overflow must be drop_oldest or block, got '" + config.overflow() + "'");
        }
        FfmpegSettings s = new FfmpegSettings(blankToNull(config.input()), path(config.input__file()),
                blankToNull(config.input__format()), splitOptions(config.input__options()), config.width(),
                config.height(), config.keep__aspect(), config.max__fps(), config.loop(),
                config.reconnect__min__ms(), config.reconnect__max__ms(), config.stall__timeout__ms(),
                config.queue__size(), overflow.equals(DROP_OLDEST), config.motion(), config.motion__threshold(),
                config.motion__size(), config.motion__max__interval__ms(),
                config.ffmpeg__path() == null ? "ffmpeg" : config.ffmpeg__path(), blankToNull(config.username()),
                path(config.password__file()), blankToNull(config.source__id()));
        FfmpegInput in;
        try {
            in = s.resolveInput();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (s.username() != null && in.kind() != FfmpegInput.Kind.HTTP) {
            throw new IllegalArgumentException("username and password_file are for http(s) inputs only; for "
                    + in.kind().name().toLowerCase(Locale.ROOT) + " put the credentials into the URL in input_file");
        }
        return s.sourceId() != null ? s : s.withSourceId("ffmpeg:" + in.display());
    }

    private FfmpegSettings withSourceId(String id) {
        return new FfmpegSettings(input, inputFile, inputFormat, inputOptions, width, height, keepAspect, maxFps,
                loop, reconnectMinMs, reconnectMaxMs, stallTimeoutMs, queueSize, dropOldest, motion, motionThreshold,
                motionSize, motionMaxIntervalMs, ffmpegPath, username, passwordFile, id);
    }

    /**
     * Reads the secret files (again): called before every ffmpeg start, so rotated secrets need no restart.
     *
     * @return the input of the next session
     * @throws IOException if {@code input_file} or {@code password_file} is missing, empty or not 0600
     */
    FfmpegInput resolveInput() throws IOException {
        String raw = inputFile == null ? input : SecretFile.firstLine("input_file", inputFile);
        String password = passwordFile == null ? null : SecretFile.firstLine("password_file", passwordFile);
        try {
            return FfmpegInput.parse(raw, username, password);
        } catch (IllegalArgumentException e) {
            throw new IOException((inputFile == null ? "input: " : "input_file: ") + e.getMessage(), e);
        }
    }

    /** @return {@code overflow} as configured */
    String overflow() {
        return dropOldest ? DROP_OLDEST : BLOCK;
    }

    /** @return bytes of one raw RGB frame */
    int frameBytes() {
        return width * height * 3;
    }

    /**
     * Splits {@code input_options} on blanks: a Karaf {@code .cfg} gives one string; no quoting.
     *
     * @param values configured values
     * @return the options, in order
     */
    static List<String> splitOptions(String[] values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v != null) {
                    for (String part : v.strip().split("\\s+")) {
                        if (!part.isEmpty()) {
                            out.add(part);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Path path(String v) {
        return v == null || v.isBlank() ? null : Path.of(v.strip());
    }

    @Override
    public String toString() {
        return "FfmpegSettings[" + sourceId + ", " + (input != null ? Redact.credentials(input) : "input_file "
                + inputFile) + ", " + width + "x" + height + ", max_fps " + maxFps + "]";
    }
}
