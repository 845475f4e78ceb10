package io.facegate.api;

/**
 * The running camera-to-event pipeline, as seen by operators.
 */
public interface Pipeline {
    /** @return current counters */
    PipelineStatus status();
}
