package io.facegate.camera.internal;

import io.facegate.api.FrameSource;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live camera per factory configuration {@value #FACTORY_PID}, e.g. the Karaf file
 * {@code etc/io.facegate.camera.ffmpeg-door.cfg} with {@code input = /dev/video0}: a V4L2 device,
 * an RTSP or HTTP/MJPEG stream or a video file, read through an {@code ffmpeg} child process.
 *
 * <p>Registers a {@link FrameSource} with the service properties {@value FrameSource#PROP_SOURCE_ID},
 * {@code facegate.source.type=ffmpeg}, {@code facegate.source.overflow=drop_oldest} (or {@code block},
 * as configured: the pipeline then evicts this camera's oldest queued frame rather than waiting) and the
 * counters of {@link FfmpegCameraStatus#toProperties()}, refreshed on every state change and every
 * {@value FfmpegFrameSource#STATUS_PERIOD_MS} ms, so {@code service:list io.facegate.api.FrameSource}
 * shows them. No {@code @Modified}: a changed configuration restarts the component, and with it ffmpeg.
 */
@Component(configurationPid = FfmpegCamera.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = FfmpegCamera.Config.class, factory = true)
public final class FfmpegCamera {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegCamera.class);

    static final String FACTORY_PID = "io.facegate.camera.ffmpeg";

    /**
     * Configuration of one camera. Keys are spelled as in the {@code .cfg} file ({@code __} in a method
     * name is a literal {@code _} in the key).
     */
    @ObjectClassDefinition(name = "facegate ffmpeg camera",
            description = "A V4L2 camera, RTSP or HTTP/MJPEG stream or video file read through ffmpeg; one"
                    + " configuration per camera")
    public @interface Config {
        /** @return the input */
        @AttributeDefinition(required = false, description = "/dev/videoN, rtsp://..., http(s)://..., a video"
                + " file, or any ffmpeg URL; no credentials here (see input_file, username). One of input and"
                + " input_file is required")
        String input() default "";

        /** @return a file holding the input */
        @AttributeDefinition(name = "input_file", required = false, description = "A file (mode 0600) whose first"
                + " line is the input, for URLs with credentials (rtsp://user:password@camera/...); read on every"
                + " connect")
        String input__file() default "";

        /** @return ffmpeg's input format */
        @AttributeDefinition(name = "input_format", required = false, description = "ffmpeg input format (-f),"
                + " e.g. v4l2, mpjpeg; default: v4l2 for /dev/video*, else ffmpeg's guess")
        String input__format() default "";

        /** @return extra input options */
        @AttributeDefinition(name = "input_options", required = false, description = "Extra ffmpeg options before"
                + " -i, blank-separated, e.g. -input_format mjpeg -video_size 1280x720 (V4L2)")
        String[] input__options() default {};

        /** @return output width */
        @AttributeDefinition(description = "Frame width in pixels; ffmpeg scales (8..8192)")
        int width() default FfmpegSettings.DEFAULT_WIDTH;

        /** @return output height */
        @AttributeDefinition(description = "Frame height in pixels (8..8192)")
        int height() default FfmpegSettings.DEFAULT_HEIGHT;

        /** @return letterbox rather than stretch */
        @AttributeDefinition(name = "keep_aspect", description = "Keep the picture's aspect ratio, padding with"
                + " black; false stretches it to width x height (distorted faces match worse)")
        boolean keep__aspect() default true;

        /** @return frame-rate cap */
        @AttributeDefinition(name = "max_fps", description = "At most this many frames per second (ffmpeg drops"
                + " the rest before scaling); 0 = all (0.01..240)")
        double max__fps() default FfmpegSettings.DEFAULT_MAX_FPS;

        /** @return play files in a loop */
        @AttributeDefinition(description = "Video files: play over and over; otherwise the source ends at the"
                + " end of the file")
        boolean loop() default false;

        /** @return first reconnect delay */
        @AttributeDefinition(name = "reconnect_min_ms", description = "Delay before restarting ffmpeg after the"
                + " stream dropped or ffmpeg exited, ms; doubles after each failed attempt (10..600000)")
        long reconnect__min__ms() default FfmpegSettings.DEFAULT_RECONNECT_MIN_MS;

        /** @return largest reconnect delay */
        @AttributeDefinition(name = "reconnect_max_ms", description = "Largest reconnect delay, ms"
                + " (reconnect_min_ms..3600000)")
        long reconnect__max__ms() default FfmpegSettings.DEFAULT_RECONNECT_MAX_MS;

        /** @return stall timeout */
        @AttributeDefinition(name = "stall_timeout_ms", description = "No frame for this long (also the HTTP"
                + " read timeout) restarts ffmpeg, ms (100..600000)")
        long stall__timeout__ms() default FfmpegSettings.DEFAULT_STALL_TIMEOUT_MS;

        /** @return queue size */
        @AttributeDefinition(name = "queue_size", description = "Frames held for the pipeline (1..1000)")
        int queue__size() default FfmpegSettings.DEFAULT_QUEUE_SIZE;

        /** @return overflow policy */
        @AttributeDefinition(description = "When the pipeline is slower than the camera: drop_oldest (default:"
                + " live pictures, counted as dropped) or block (ffmpeg waits; for files whose every frame counts)")
        String overflow() default FfmpegSettings.DROP_OLDEST;

        /** @return motion gate on */
        @AttributeDefinition(description = "Skip frames that did not change (motion gate) before detection")
        boolean motion() default true;

        /** @return motion threshold */
        @AttributeDefinition(name = "motion_threshold", description = "A frame passes when more than this share"
                + " (percent, 0..100) of its thumbnail cells changed")
        double motion__threshold() default FfmpegSettings.DEFAULT_MOTION_THRESHOLD;

        /** @return thumbnail width */
        @AttributeDefinition(name = "motion_size", description = "Width of the motion gate's thumbnail in cells"
                + " (4..256); height in proportion")
        int motion__size() default FfmpegSettings.DEFAULT_MOTION_SIZE;

        /** @return forced pass interval */
        @AttributeDefinition(name = "motion_max_interval_ms", description = "A frame passes anyway this long"
                + " after the last one that passed, so someone standing still is still seen, ms; 0 = never"
                + " (0..3600000)")
        long motion__max__interval__ms() default FfmpegSettings.DEFAULT_MOTION_MAX_INTERVAL_MS;

        /** @return the ffmpeg program */
        @AttributeDefinition(name = "ffmpeg_path", description = "The ffmpeg program (5.1 or later): a path, or a"
                + " name looked up on PATH")
        String ffmpeg__path() default "ffmpeg";

        /** @return HTTP user */
        @AttributeDefinition(required = false, description = "HTTP(S) user (Basic or Digest); the stream is then"
                + " fetched by Java and piped into ffmpeg, keeping the password off its command line")
        String username() default "";

        /** @return HTTP password file */
        @AttributeDefinition(name = "password_file", required = false, description = "A file (mode 0600) whose"
                + " first line is the HTTP password; read on every connect")
        String password__file() default "";

        /** @return source id, blank for the default */
        @AttributeDefinition(name = "source_id", required = false, description = "Source id of the frames and"
                + " service property facegate.source.id; default ffmpeg:<input without credentials>")
        String source__id() default "";
    }

    private final FfmpegFrameSource source;
    private final ServiceRegistration<FrameSource> registration;
    private final Map<String, Object> fixedProperties;

    /**
     * @param context this bundle's context, to register the source
     * @param config  the camera's configuration
     * @throws IllegalArgumentException on a bad value
     */
    @Activate
    public FfmpegCamera(BundleContext context, Config config) {
        FfmpegSettings settings = FfmpegSettings.from(config);
        fixedProperties = Map.of(FrameSource.PROP_SOURCE_ID, settings.sourceId(),
                "facegate.source.type", "ffmpeg",
                "facegate.source.overflow", settings.overflow());
        // called on the supervisor thread only, which start() below launches after registration is set
        source = new FfmpegFrameSource(settings, this::publish);
        try {
            registration = context.registerService(FrameSource.class, source,
                    properties(new FfmpegCameraStatus(FfmpegCameraStatus.State.STARTING, 0, 0, 0, 0, 0, 0, null,
                            null, null)));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        source.start();
    }

    private Dictionary<String, Object> properties(FfmpegCameraStatus s) {
        Dictionary<String, Object> props = new Hashtable<>(fixedProperties);
        s.toProperties().forEach(props::put);
        return props;
    }

    private void publish(FfmpegCameraStatus s) {
        try {
            registration.setProperties(properties(s));
        } catch (IllegalStateException e) {
            LOG.debug("{}: registration gone", source.id());
        }
    }

    /** @return the source, for tests */
    FfmpegFrameSource source() {
        return source;
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
        source.close();
    }
}
