package io.facegate.gpio.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;

/**
 * The bundle's pins, as a service between its own components ({@link GpioRuntime} provides it, outputs and inputs
 * use it). The package is private, so no other bundle can reach it.
 */
interface Gpio {
    /**
     * Claims a pin as an output, driven to {@code inactive} at once and again when Pi4J shuts down.
     *
     * @param pin      BCM number
     * @param name     the configuration's name, for Pi4J's registry and messages
     * @param inactive the released level
     * @return the output
     * @throws IllegalStateException if the pin is taken or cannot be opened
     */
    DigitalOutput openOutput(int pin, String name, DigitalState inactive);

    /**
     * Claims a pin as an input.
     *
     * @param pin  BCM number
     * @param name the configuration's name
     * @param pull the internal resistor
     * @return the input
     * @throws IllegalStateException if the pin is taken or cannot be opened
     */
    DigitalInput openInput(int pin, String name, PullResistance pull);

    /**
     * Gives a pin back (an output goes to its shutdown level first); a no-op for a pin not held.
     *
     * @param pin BCM number
     */
    void release(int pin);

    /** @return the bundle's timer for pulses and debouncing */
    Scheduler scheduler();
}
