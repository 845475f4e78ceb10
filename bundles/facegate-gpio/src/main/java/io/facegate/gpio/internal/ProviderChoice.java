package io.facegate.gpio.internal;

import java.util.Locale;

/** Where the pins come from: {@code provider} of PID {@value GpioRuntime#PID}. */
enum ProviderChoice {
    /** The board's real Pi4J provider, found by Pi4J's plugin discovery; fails where there is none. */
    AUTO,
    /** Pi4J's own mock plugin: pins in memory, for tests and machines without GPIO. */
    MOCK;

    /**
     * @param value the configured value, any case
     * @return the choice
     * @throws IllegalArgumentException if it is neither {@code auto} nor {@code mock}
     */
    static ProviderChoice parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto", "" -> AUTO;
            case "mock" -> MOCK;
            default -> throw new IllegalArgumentException("provider must be auto or mock, got '" + value + "'");
        };
    }

    /** @return the value as written in the configuration */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
