package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The PIR input on Pi4J's own mock pins: the test drives the line with {@link MockDigitalInput#mockState}. */
class MotionComponentTest {
    private static final int PIR = 4;

    private final ManualScheduler time = new ManualScheduler();
    private final GpioRuntime gpio = new GpioRuntime(new GpioSettings(ProviderChoice.MOCK), time);
    private final List<MotionWake> wakes = new ArrayList<>();
    private MotionComponent motion;

    @AfterEach
    void stop() {
        if (motion != null) {
            motion.deactivate();
        }
        gpio.deactivate();
    }

    private MotionComponent start(Configs.Motion config) {
        motion = new MotionComponent(config.settings(), gpio, wakes::add);
        return motion;
    }

    private MockDigitalInput line() {
        return (MockDigitalInput) gpio.context().registry().get(GpioRuntime.id(PIR), DigitalInput.class);
    }

    @Test
    void aPirEdgeWakesTheListenerWithTheBurstAfterTheDebounce() {
        Configs.Motion c = Configs.Motion.pir(PIR);
        c.name = "hall";
        c.burstS = 20;
        start(c);
        assertEquals(PullResistance.PULL_DOWN, line().pull());

        line().mockState(DigitalState.HIGH);
        time.advanceMillis(49);
        assertEquals(List.of(), wakes);
        time.advanceMillis(1);
        assertEquals(List.of(new MotionWake("hall", PIR, ManualScheduler.START.plusMillis(50),
                Duration.ofSeconds(20))), wakes);
    }

    @Test
    void aSpikeOnTheLineIsDebouncedAway() {
        start(Configs.Motion.pir(PIR));
        line().mockState(DigitalState.HIGH);
        time.advanceMillis(10);
        line().mockState(DigitalState.LOW);
        time.advanceMillis(1000);
        assertEquals(List.of(), wakes);
    }

    @Test
    void anActiveLowSensorWithPullUpAndMotionPresentAtStart() {
        Configs.Motion c = Configs.Motion.pir(PIR);
        c.activeHigh = false;
        c.pull = "up";
        c.debounceMs = 0;
        start(c);
        assertEquals(PullResistance.PULL_UP, line().pull());
        // Pi4J's mock input starts low whatever the pull: for this sensor someone is there already
        assertEquals(DigitalState.LOW, line().state());
        assertEquals(1, wakes.size(), "the level read at start counts");
        line().mockState(DigitalState.HIGH);
        assertEquals(1, wakes.size(), "high is idle for this sensor");
        line().mockState(DigitalState.LOW);
        assertEquals(2, wakes.size());
    }

    @Test
    void aLineHeldActiveKeepsTheSourcesAwake() {
        Configs.Motion c = Configs.Motion.pir(PIR);
        c.burstS = 10;
        start(c);
        line().mockState(DigitalState.HIGH);
        time.advance(Duration.ofSeconds(30));
        // at 50 ms, then every 5 s (half the burst) while high
        assertEquals(6, wakes.size());
        line().mockState(DigitalState.LOW);
        time.advance(Duration.ofSeconds(30));
        assertEquals(6, wakes.size());
    }

    @Test
    void noWakesAfterDeactivation() {
        start(Configs.Motion.pir(PIR));
        MockDigitalInput line = line();
        motion.deactivate();
        motion = null;
        line.mockState(DigitalState.HIGH);
        time.advanceMillis(1000);
        assertEquals(List.of(), wakes);
    }
}
