package io.facegate.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The running camera-to-event pipeline, as seen by operators.
 */
@ProviderType
public interface Pipeline {
    /** @return current counters */
    PipelineStatus status();
}
