package io.facegate.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: the pipeline calls every registered listener with each
 * {@link RecognitionEvent} (the MQTT publisher is one). Called from the
 * pipeline's thread: return quickly, queue slow work.
 */
@ConsumerType
public interface RecognitionListener {
    /**
     * @param event one processed frame
     */
    void recognized(RecognitionEvent event);
}
