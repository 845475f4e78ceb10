package io.facegate.gpio.internal;

import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The validated configuration of one motion input (factory PID {@value MotionComponent#FACTORY_PID}).
 *
 * @param name       name in logs
 * @param pin        BCM number
 * @param pull       the internal resistor
 * @param activeHigh whether motion is the high level (HC-SR501: yes)
 * @param debounce   how long the line must stay active before it counts
 * @param burst      how long sources stay awake after motion
 */
record MotionSettings(String name, int pin, PullResistance pull, boolean activeHigh, Duration debounce,
                      Duration burst) {
    static final long DEFAULT_DEBOUNCE_MS = 50;
    static final long DEFAULT_BURST_S = 30;
    static final long MAX_DEBOUNCE_MS = 10_000;
    static final long MAX_BURST_S = 3600;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Validates; every rule fails fast with a message naming the configuration key. */
    MotionSettings {
        Objects.requireNonNull(pull, "pull");
        Pins.check("pin", pin);
        if (name == null || name.isBlank()) {
            name = "pir-bcm" + pin;
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-64 of A-Z a-z 0-9 . _ - starting with a letter or"
                    + " digit, got '" + name + "'");
        }
        if (debounce.isNegative() || debounce.toMillis() > MAX_DEBOUNCE_MS) {
            throw new IllegalArgumentException("debounce_ms must be within 0.." + MAX_DEBOUNCE_MS + ", got "
                    + debounce.toMillis());
        }
        if (burst.getSeconds() < 1 || burst.getSeconds() > MAX_BURST_S) {
            throw new IllegalArgumentException("burst_s must be within 1.." + MAX_BURST_S + ", got "
                    + burst.getSeconds());
        }
    }

    /**
     * @param config the DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException on a bad value, naming the key
     */
    static MotionSettings from(MotionComponent.Config config) {
        return new MotionSettings(config.name() == null ? "" : config.name().trim(), config.pin(),
                parsePull(config.pull()), config.active__high(), Duration.ofMillis(config.debounce__ms()),
                Duration.ofSeconds(config.burst__s()));
    }

    static PullResistance parsePull(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "down", "" -> PullResistance.PULL_DOWN;
            case "up" -> PullResistance.PULL_UP;
            case "off", "none" -> PullResistance.OFF;
            default -> throw new IllegalArgumentException("pull must be down, up or off, got '" + value + "'");
        };
    }

    @Override
    public String toString() {
        return name + " (BCM " + pin + ", pull " + pull.getName() + ", active " + (activeHigh ? "high" : "low")
                + ", debounce " + debounce.toMillis() + " ms, burst " + burst.getSeconds() + " s)";
    }
}
