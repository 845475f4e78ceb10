package io.facegate.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One image from a {@link FrameSource}.
 *
 * @param sourceId  id of the source that produced it
 * @param sequence  per-source, strictly increasing sequence number
 * @param timestamp capture time
 * @param origin    where the image came from (file name, URL, device), for logs and events
 * @param image     the pixels
 */
public record Frame(String sourceId, long sequence, Instant timestamp, String origin, RgbImage image) {
    /** @throws NullPointerException if a field is missing */
    public Frame {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(image, "image");
    }
}
