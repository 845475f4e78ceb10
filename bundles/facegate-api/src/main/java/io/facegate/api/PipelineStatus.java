package io.facegate.api;

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
 */
public record PipelineStatus(boolean running, String activeModel, int queueDepth, int queueCapacity,
                             long framesReceived, long framesProcessed, long framesFailed, long framesDropped,
                             long facesDetected, double framesPerSecond,
                             double latencyP50Millis, double latencyP99Millis) {
}
