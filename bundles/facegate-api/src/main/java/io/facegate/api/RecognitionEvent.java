package io.facegate.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the pipeline emits for every processed frame, faces or not.
 *
 * @param sourceId     id of the frame source
 * @param sequence     the frame's sequence number
 * @param captured     when the frame was captured
 * @param origin       where the frame came from (file name, URL)
 * @param modelId      id of the embedding model used for every face of this frame
 * @param modelVersion version of that model
 * @param faces        the faces found, possibly none
 * @param timings      per-stage durations, keyed by stage name ({@code detect}, {@code align}, {@code embed}, {@code match})
 */
public record RecognitionEvent(String sourceId, long sequence, Instant captured, String origin,
                               String modelId, String modelVersion,
                               List<RecognizedFace> faces, Map<String, Duration> timings) {
    /** Copies the lists so the event stays immutable. */
    public RecognitionEvent {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(captured, "captured");
        faces = List.copyOf(faces);
        timings = Map.copyOf(timings);
    }
}
