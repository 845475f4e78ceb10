package io.facegate.gpio.internal;

/**
 * Receives the wakes of a {@link MotionDetector}. Internal until facegate-api has a way to wake a frame source
 * (bundles/facegate-gpio/README.md, "Waking camera sources"); for now the motion input only logs them.
 */
interface MotionListener {
    /**
     * Called on Pi4J's event thread or the bundle's timer thread; return quickly.
     *
     * @param wake who should wake for how long
     */
    void motion(MotionWake wake);
}
