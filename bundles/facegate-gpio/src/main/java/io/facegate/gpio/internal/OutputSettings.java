package io.facegate.gpio.internal;

import io.facegate.gpio.OutputKind;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of one output (factory PID {@value OutputComponent#FACTORY_PID}).
 *
 * @param name           name in logs and actuation reports
 * @param kind           what is wired to the pin
 * @param pin            BCM number
 * @param activeHigh     whether the active level is high (3.3 V)
 * @param trigger        which faces fire it
 * @param rule           who it admits
 * @param pulse          how long the pin stays active
 * @param minGap         the least time from the end of one pulse to the start of the next
 * @param debounceFrames matching events needed before it fires
 * @param debounceWindow within how long
 * @param requireLive    accepted, not enforced: the events carry no liveness result yet
 * @param sources        the frame sources it listens to; empty for all
 * @param maxEventAge    events captured longer ago are ignored; zero for no limit
 */
record OutputSettings(String name, OutputKind kind, int pin, boolean activeHigh, Trigger trigger, AllowRule rule,
                      Duration pulse, Duration minGap, int debounceFrames, Duration debounceWindow,
                      boolean requireLive, Set<String> sources, Duration maxEventAge) {
    static final long DEFAULT_PULSE_MS = 1000;
    static final long DEFAULT_MIN_GAP_MS = 2000;
    static final long DEFAULT_MAX_EVENT_AGE_MS = 10_000;
    static final int DEFAULT_DEBOUNCE_FRAMES = 1;
    static final long DEFAULT_DEBOUNCE_WINDOW_MS = 2000;
    static final int MAX_DEBOUNCE_FRAMES = 10;
    static final long MAX_DEBOUNCE_WINDOW_MS = 60_000;
    static final long MAX_PULSE_MS = 60_000;
    static final long MAX_GAP_MS = 3_600_000;
    static final long MAX_EVENT_AGE_MS = 3_600_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Validates; every rule fails fast with a message naming the configuration key. */
    OutputSettings {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(rule, "rule");
        Pins.check("pin", pin);
        if (name == null || name.isBlank()) {
            name = kind.name().toLowerCase(Locale.ROOT) + "-bcm" + pin;
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-64 of A-Z a-z 0-9 . _ - starting with a letter or"
                    + " digit, got '" + name + "'");
        }
        if (pulse.toMillis() < 10 || pulse.toMillis() > MAX_PULSE_MS) {
            throw new IllegalArgumentException("pulse_ms must be within 10.." + MAX_PULSE_MS + ", got "
                    + pulse.toMillis());
        }
        if (minGap.isNegative() || minGap.toMillis() > MAX_GAP_MS) {
            throw new IllegalArgumentException("min_gap_ms must be within 0.." + MAX_GAP_MS + ", got "
                    + minGap.toMillis());
        }
        if (debounceFrames < 1 || debounceFrames > MAX_DEBOUNCE_FRAMES) {
            throw new IllegalArgumentException("debounce_frames must be within 1.." + MAX_DEBOUNCE_FRAMES + ", got "
                    + debounceFrames);
        }
        if (debounceWindow.toMillis() < 1 || debounceWindow.toMillis() > MAX_DEBOUNCE_WINDOW_MS) {
            throw new IllegalArgumentException("debounce_window_ms must be within 1.." + MAX_DEBOUNCE_WINDOW_MS
                    + ", got " + debounceWindow.toMillis());
        }
        if (maxEventAge.isNegative() || maxEventAge.toMillis() > MAX_EVENT_AGE_MS) {
            throw new IllegalArgumentException("max_event_age_ms must be within 0.." + MAX_EVENT_AGE_MS + " (0 = no"
                    + " limit), got " + maxEventAge.toMillis());
        }
        float min = rule.minSimilarity();
        if (Float.isNaN(min) || min < -1f || min > 1f) {
            throw new IllegalArgumentException("min_similarity must be within -1..1 (cosine), got " + min);
        }
        if (trigger == Trigger.RECOGNISED && rule.admitsNobody()) {
            // fail secure, and say so: an empty list never opens anything, which is never what was meant
            throw new IllegalArgumentException("allow is empty, so this " + trigger.key() + " output could never"
                    + " fire: name the people allowed (comma-separated) or * for every enrolled person");
        }
        sources = Set.copyOf(sources);
    }

    /**
     * @param config the DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException on a bad value, naming the key
     */
    static OutputSettings from(OutputComponent.Config config) {
        OutputKind kind = parseKind(config.kind());
        List<String> names = ConfigValues.commaSeparated(config.allow());
        boolean everyone = names.remove(AllowRule.EVERYONE);
        if (everyone && !names.isEmpty()) {
            throw new IllegalArgumentException("allow: * already admits every enrolled person; remove the names "
                    + names + " or the *");
        }
        AllowRule rule = new AllowRule(Set.copyOf(names), everyone, config.min__similarity());
        return new OutputSettings(config.name() == null ? "" : config.name().trim(), kind, config.pin(),
                config.active__high(), Trigger.parse(config.trigger(), kind), rule,
                Duration.ofMillis(config.pulse__ms()), Duration.ofMillis(config.min__gap__ms()),
                config.debounce__frames(), Duration.ofMillis(config.debounce__window__ms()), config.require__live(),
                Set.copyOf(ConfigValues.commaSeparated(config.sources())),
                Duration.ofMillis(config.max__event__age__ms()));
    }

    static OutputKind parseKind(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        try {
            return OutputKind.valueOf(v.isEmpty() ? "RELAY" : v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind must be relay, led or buzzer, got '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return name + " (" + kind.name().toLowerCase(Locale.ROOT) + ", BCM " + pin + ", active "
                + (activeHigh ? "high" : "low") + ", trigger " + trigger.key() + ", allow " + rule + ", pulse "
                + pulse.toMillis() + " ms, min gap " + minGap.toMillis() + " ms, debounce " + debounceFrames
                + " in " + debounceWindow.toMillis() + " ms, sources "
                + (sources.isEmpty() ? "all" : sources) + ", max event age "
                + (maxEventAge.isZero() ? "none" : maxEventAge.toMillis() + " ms") + ")";
    }
}
