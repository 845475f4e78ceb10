package io.facegate.api;

import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A camera: folder watcher, HTTP snapshot, V4L2/RTSP via ffmpeg.
 *
 * <p>The consumer pulls frames and acknowledges each one once it has been
 * processed, so a source can decide what to do with its input (move a file to
 * {@code done/} or {@code failed/}, release a buffer). A source never throws
 * for unreadable input: it reports and skips it itself.
 */
@ConsumerType
public interface FrameSource {
    /** Service property carrying the source id. */
    String PROP_SOURCE_ID = "facegate.source.id";

    /** @return stable id of this source, e.g. {@code folder:/var/facegate/inbox} */
    String id();

    /**
     * Waits for the next frame.
     *
     * @param timeout how long to wait at most
     * @return the frame, or {@code null} if none arrived in time
     * @throws InterruptedException if the calling thread was interrupted
     */
    Frame next(Duration timeout) throws InterruptedException;

    /**
     * Tells the source that a frame has been fully handled.
     *
     * @param frame   a frame returned by {@link #next(Duration)}
     * @param success whether processing succeeded
     * @param reason  a short reason on failure, may be {@code null} on success
     */
    void acknowledge(Frame frame, boolean success, String reason);
}
