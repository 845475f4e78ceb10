package io.facegate.gpio.internal;

import java.util.Objects;

/**
 * The validated configuration of the Pi4J runtime (PID {@value GpioRuntime#PID}).
 *
 * @param provider where the pins come from
 */
record GpioSettings(ProviderChoice provider) {
    /** @throws NullPointerException if the provider is missing */
    GpioSettings {
        Objects.requireNonNull(provider, "provider");
    }

    /**
     * @param config the DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException on a bad value, naming the key
     */
    static GpioSettings from(GpioRuntime.Config config) {
        return new GpioSettings(ProviderChoice.parse(config.provider()));
    }
}
