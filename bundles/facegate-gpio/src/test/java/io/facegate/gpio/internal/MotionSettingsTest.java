package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MotionSettingsTest {

    private static String error(Configs.Motion c) {
        return assertThrows(IllegalArgumentException.class, c::settings).getMessage();
    }

    @Test
    void defaults() {
        MotionSettings s = Configs.Motion.pir(4).settings();
        assertEquals("pir-bcm4", s.name());
        assertEquals(PullResistance.PULL_DOWN, s.pull());
        assertTrue(s.activeHigh());
        assertEquals(Duration.ofMillis(50), s.debounce());
        assertEquals(Duration.ofSeconds(30), s.burst());
    }

    @Test
    void pullValues() {
        assertEquals(PullResistance.PULL_UP, MotionSettings.parsePull(" UP "));
        assertEquals(PullResistance.OFF, MotionSettings.parsePull("off"));
        assertEquals(PullResistance.PULL_DOWN, MotionSettings.parsePull(""));
    }

    @Test
    void badValuesFailFastNamingTheKey() {
        Configs.Motion c = Configs.Motion.pir(-1);
        assertTrue(error(c).startsWith("pin must be a BCM GPIO number within 2..27"));
        c.pin = 4;
        c.pull = "sideways";
        assertEquals("pull must be down, up or off, got 'sideways'", error(c));
        c.pull = "down";
        c.debounceMs = -1;
        assertEquals("debounce_ms must be within 0..10000, got -1", error(c));
        c.debounceMs = 0;
        c.burstS = 0;
        assertEquals("burst_s must be within 1..3600, got 0", error(c));
        c.burstS = 3601;
        assertEquals("burst_s must be within 1..3600, got 3601", error(c));
        c.burstS = 5;
        c.name = "hall/pir";
        assertTrue(error(c).startsWith("name must be 1-64 of"));
    }
}
