package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.gpio.OutputKind;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutputSettingsTest {

    private static String error(Configs.Output c) {
        return assertThrows(IllegalArgumentException.class, c::settings).getMessage();
    }

    @Test
    void defaultsOfARelay() {
        OutputSettings s = Configs.Output.relay(17, "alice").settings();
        assertEquals("relay-bcm17", s.name());
        assertEquals(OutputKind.RELAY, s.kind());
        assertEquals(Trigger.RECOGNISED, s.trigger());
        assertTrue(s.activeHigh());
        assertEquals(Duration.ofMillis(1000), s.pulse());
        assertEquals(Duration.ofMillis(2000), s.minGap());
        assertEquals(Duration.ofSeconds(10), s.maxEventAge());
        assertEquals(1, s.debounceFrames(), "no debounce: a single-snapshot camera must still open the door");
        assertEquals(Duration.ofMillis(2000), s.debounceWindow());
        assertEquals(Set.of("alice"), s.rule().names());
        assertFalse(s.rule().everyone());
        assertEquals(Set.of(), s.sources());
    }

    @Test
    void anLedOrBuzzerSignalsUnknownFacesByDefault() {
        assertEquals(Trigger.UNKNOWN, Configs.Output.led(27).settings().trigger());
        Configs.Output buzzer = Configs.Output.led(22);
        buzzer.kind = "BUZZER";
        assertEquals(OutputKind.BUZZER, buzzer.settings().kind());
        assertEquals(Trigger.UNKNOWN, buzzer.settings().trigger());
        buzzer.trigger = "recognized";
        buzzer.allow = new String[] {"*"};
        assertEquals(Trigger.RECOGNISED, buzzer.settings().trigger(), "either spelling");
    }

    @Test
    void allowTakesACfgStyleListNamesWithBlanksAndStar() {
        Configs.Output c = Configs.Output.relay(17, " alice , Ada Lovelace,,bob", "carol");
        assertEquals(Set.of("alice", "Ada Lovelace", "bob", "carol"), c.settings().rule().names());
        assertEquals(List.of("a", "b c"), ConfigValues.commaSeparated(new String[] {"a,", " b c ", "a"}));
        c.allow = new String[] {"*"};
        assertTrue(c.settings().rule().everyone());
        c.sources = new String[] {"cam-door, cam-gate"};
        assertEquals(Set.of("cam-door", "cam-gate"), c.settings().sources());
    }

    @Test
    void aRelayWithAnEmptyAllowListIsRefused() {
        assertEquals("allow is empty, so this recognised output could never fire: name the people allowed"
                + " (comma-separated) or * for every enrolled person", error(Configs.Output.relay(17)));
        // an LED that signals every face (a doorbell) is fine
        assertTrue(Configs.Output.led(27).settings().rule().admitsNobody());
    }

    @Test
    void badValuesFailFastNamingTheKey() {
        Configs.Output c = Configs.Output.relay(-1, "alice");
        assertEquals("pin must be a BCM GPIO number within 2..27 (required; BCM 0 and 1 are reserved for HAT"
                + " EEPROMs), got -1", error(c));
        c.pin = 0;
        assertTrue(error(c).startsWith("pin must be"));
        c.pin = 28;
        assertTrue(error(c).startsWith("pin must be"));
        c.pin = 17;
        c.pulseMs = 5;
        assertEquals("pulse_ms must be within 10..60000, got 5", error(c));
        c.pulseMs = 500;
        c.minGapMs = -1;
        assertEquals("min_gap_ms must be within 0..3600000, got -1", error(c));
        c.minGapMs = 0;
        c.maxEventAgeMs = -5;
        assertTrue(error(c).startsWith("max_event_age_ms must be within 0..3600000"));
        c.maxEventAgeMs = 0;
        c.debounceFrames = 0;
        assertEquals("debounce_frames must be within 1..10, got 0", error(c));
        c.debounceFrames = 3;
        c.debounceWindowMs = 0;
        assertEquals("debounce_window_ms must be within 1..60000, got 0", error(c));
        c.debounceWindowMs = 1500;
        c.minSimilarity = 1.5f;
        assertEquals("min_similarity must be within -1..1 (cosine), got 1.5", error(c));
        c.minSimilarity = 0.6f;
        c.kind = "lamp";
        assertEquals("kind must be relay, led or buzzer, got 'lamp'", error(c));
        c.kind = "relay";
        c.trigger = "always";
        assertEquals("trigger must be recognised or unknown, got 'always'", error(c));
        c.trigger = "";
        c.name = "front door";
        assertTrue(error(c).startsWith("name must be 1-64 of"));
        c.name = "front-door";
        c.allow = new String[] {"*, alice"};
        assertEquals("allow: * already admits every enrolled person; remove the names [alice] or the *", error(c));
        c.allow = new String[] {"alice"};
        assertEquals("front-door", c.settings().name());
    }
}
