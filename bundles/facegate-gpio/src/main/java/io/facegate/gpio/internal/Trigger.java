package io.facegate.gpio.internal;

import io.facegate.gpio.OutputKind;
import java.util.Locale;

/** Which faces fire an output: {@code trigger} of PID {@value OutputComponent#FACTORY_PID}. */
enum Trigger {
    /** A face the output's allow rule admits (a door relay). */
    RECOGNISED,
    /** A face it does not admit: unknown, not on the list, or under the minimum similarity (an LED, a buzzer). */
    UNKNOWN;

    /**
     * @param value the configured value, any case; blank for the default of the kind
     * @param kind  the output's kind
     * @return the trigger
     * @throws IllegalArgumentException on another value
     */
    static Trigger parse(String value, OutputKind kind) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "" -> kind == OutputKind.RELAY ? RECOGNISED : UNKNOWN;
            case "recognised", "recognized" -> RECOGNISED;
            case "unknown" -> UNKNOWN;
            default -> throw new IllegalArgumentException("trigger must be recognised or unknown, got '" + value + "'");
        };
    }

    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
