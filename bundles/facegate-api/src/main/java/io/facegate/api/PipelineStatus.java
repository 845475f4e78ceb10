package io.facegate.api;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of the pipeline's counters, for health checks and the console.
 *
 * @param running         whether the pipeline is processing frames
 * @param activeModel     {@link ModelInfo#key()} of the embedder in use, or {@code null} if none
 * @param queueDepth      frames waiting to be processed
 * @param queueCapacity   bound of the frame queue
 * @param framesReceived  frames taken from sources
 * @param framesProcessed frames that produced an event
 * @param framesFailed    frames whose processing failed (reported, acknowledged as failed)
 * @param framesDropped   frames dropped by the queue's drop policy
 * @param facesDetected   faces found in all processed frames
 * @param framesPerSecond recent processing rate
 * @param latencyP50Millis median frame-to-event latency over the recent window
 * @param latencyP99Millis 99th percentile frame-to-event latency over the recent window
 * @param waitingFor      what frames wait for before they can be processed (missing stage services, a required
 *                        listener), empty when nothing is missing (since 1.1)
 * @param lastErrors      per stage ({@code detect}, {@code align}, {@code embed}, {@code match}, {@code listener}):
 *                        the last error seen, empty when none (since 1.1)
 */
public record PipelineStatus(boolean running, String activeModel, int queueDepth, int queueCapacity,
                             long framesReceived, long framesProcessed, long framesFailed, long framesDropped,
                             long facesDetected, double framesPerSecond,
                             double latencyP50Millis, double latencyP99Millis,
                             List<String> waitingFor, Map<String, String> lastErrors) {
    /** Copies the collections so the snapshot stays immutable. */
    public PipelineStatus {
        waitingFor = waitingFor == null ? List.of() : List.copyOf(waitingFor);
        lastErrors = lastErrors == null ? Map.of() : Map.copyOf(lastErrors);
    }

    /**
     * The 1.0 constructor: nothing waited for, no errors.
     *
     * @param running          see the record
     * @param activeModel      see the record
     * @param queueDepth       see the record
     * @param queueCapacity    see the record
     * @param framesReceived   see the record
     * @param framesProcessed  see the record
     * @param framesFailed     see the record
     * @param framesDropped    see the record
     * @param facesDetected    see the record
     * @param framesPerSecond  see the record
     * @param latencyP50Millis see the record
     * @param latencyP99Millis see the record
     */
    public PipelineStatus(boolean running, String activeModel, int queueDepth, int queueCapacity,
                          long framesReceived, long framesProcessed, long framesFailed, long framesDropped,
                          long facesDetected, double framesPerSecond,
                          double latencyP50Millis, double latencyP99Millis) {
        this(running, activeModel, queueDepth, queueCapacity, framesReceived, framesProcessed, framesFailed,
                framesDropped, facesDetected, framesPerSecond, latencyP50Millis, latencyP99Millis, List.of(), Map.of());
    }
}
