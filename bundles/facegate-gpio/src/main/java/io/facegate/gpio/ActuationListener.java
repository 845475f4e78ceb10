package io.facegate.gpio;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: every GPIO output calls every registered listener once per actuation, after the pin was
 * driven. Called on the pipeline's thread: return quickly, queue slow work (a publisher stores and sends later).
 * A listener that throws is logged and skipped; the pin is driven regardless.
 */
@ConsumerType
public interface ActuationListener {
    /**
     * @param actuation what was driven, for whom and why
     */
    void actuated(GpioActuation actuation);
}
