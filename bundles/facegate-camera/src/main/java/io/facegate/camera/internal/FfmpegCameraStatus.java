package io.facegate.camera.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A snapshot of an ffmpeg camera's counters. At any time
 * {@code received = delivered + dropped + motionSkipped + queued}.
 *
 * @param state         what the source is doing now
 * @param received      frames read from ffmpeg (after its rate cap)
 * @param delivered     frames handed out by {@code next()}
 * @param dropped       frames evicted from the full queue ({@code drop_oldest}) before anyone took them
 * @param motionSkipped frames the motion gate found unchanged
 * @param queued        frames waiting for {@code next()} now
 * @param reconnects    ffmpeg (re)starts after the first
 * @param lastError     why the last session ended or could not start, credentials hidden; null if none yet
 * @param lastErrorTime when that was, or null
 * @param lastFrameTime when the last frame was read, or null
 */
record FfmpegCameraStatus(State state, long received, long delivered, long dropped, long motionSkipped, int queued,
                          long reconnects, String lastError, Instant lastErrorTime, Instant lastFrameTime) {

    /** Life cycle of an ffmpeg camera. */
    enum State {
        /** ffmpeg is starting or opening the input; no frame yet in this session */
        STARTING,
        /** frames are coming */
        RUNNING,
        /** waiting for the backoff delay after a failure */
        RECONNECTING,
        /** a file without {@code loop} was read to its end */
        ENDED,
        /** closed */
        STOPPED;

        /** @return the lower-case name used in service properties and logs */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @return the status as service properties, prefixed {@code facegate.source.} */
    Map<String, Object> toProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("facegate.source.state", state.label());
        p.put("facegate.source.received", received);
        p.put("facegate.source.delivered", delivered);
        p.put("facegate.source.dropped", dropped);
        p.put("facegate.source.motion_skipped", motionSkipped);
        p.put("facegate.source.reconnects", reconnects);
        if (lastError != null) {
            p.put("facegate.source.last_error", lastError);
            p.put("facegate.source.last_error_time", lastErrorTime.toString());
        }
        return p;
    }
}
