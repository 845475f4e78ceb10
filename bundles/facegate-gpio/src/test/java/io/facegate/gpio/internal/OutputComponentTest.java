package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import io.facegate.api.Identity;
import io.facegate.api.RecognitionEvent;
import io.facegate.gpio.ActuationReason;
import io.facegate.gpio.GpioActuation;
import io.facegate.gpio.OutputKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outputs on Pi4J's own mock pins, with time moved by hand. */
class OutputComponentTest {
    private static final int DOOR = 17;
    private static final int LED = 27;

    private final ManualScheduler time = new ManualScheduler();
    private final GpioRuntime gpio = new GpioRuntime(new GpioSettings(ProviderChoice.MOCK), time);
    private final List<GpioActuation> actuations = new ArrayList<>();
    private final List<OutputComponent> started = new ArrayList<>();
    private long sequence;

    @AfterEach
    void stop() {
        started.forEach(OutputComponent::deactivate);
        gpio.deactivate();
    }

    private OutputComponent start(Configs.Output config) {
        OutputComponent o = new OutputComponent(config, gpio);
        o.addListener(actuations::add);
        started.add(o);
        return o;
    }

    /** The pin as Pi4J's mock plugin holds it: its own object, looked up in the context's registry. */
    private DigitalState pin(int bcm) {
        DigitalOutput out = gpio.context().registry().get(GpioRuntime.id(bcm), DigitalOutput.class);
        assertTrue(out instanceof MockDigitalOutput, out.getClass().getName());
        return out.state();
    }

    private RecognitionEvent seen(Identity... faces) {
        return Faces.event(++sequence, time.now(), faces);
    }

    private static Configs.Output door() {
        Configs.Output c = Configs.Output.relay(DOOR, "alice, bob");
        c.name = "door";
        c.minSimilarity = 0.6f;
        c.pulseMs = 1000;
        c.minGapMs = 2000;
        return c;
    }

    @Test
    void anAllowedPersonOpensTheDoorForThePulseThenItIsReleased() {
        OutputComponent door = start(door());
        assertEquals(DigitalState.LOW, pin(DOOR), "released at start");
        time.advanceMillis(500);

        door.recognized(seen(Faces.known("alice", 0.72f)));

        assertEquals(DigitalState.HIGH, pin(DOOR));
        time.advanceMillis(999);
        assertEquals(DigitalState.HIGH, pin(DOOR), "still within the pulse");
        time.advanceMillis(1);
        assertEquals(DigitalState.LOW, pin(DOOR), "released after exactly pulse_ms");
        assertEquals(List.of(new GpioActuation("door", OutputKind.RELAY, DOOR, ActuationReason.ALLOWED, "alice",
                0.72f, Faces.SOURCE, 1, ManualScheduler.START.plusMillis(500), Duration.ofMillis(1000))), actuations);
    }

    @Test
    void strangersAndPeopleNotAllowedDoNotOpenItButLightTheLed() {
        OutputComponent door = start(door());
        Configs.Output ledConfig = Configs.Output.led(LED, "alice, bob");
        ledConfig.name = "stranger-led";
        ledConfig.minSimilarity = 0.6f;
        ledConfig.pulseMs = 300;
        ledConfig.minGapMs = 0;
        OutputComponent led = start(ledConfig);
        List<OutputComponent> both = List.of(door, led);

        RecognitionEvent stranger = seen(Faces.unknown());
        both.forEach(o -> o.recognized(stranger));
        assertEquals(DigitalState.LOW, pin(DOOR));
        assertEquals(DigitalState.HIGH, pin(LED));
        time.advanceMillis(300);
        assertEquals(DigitalState.LOW, pin(LED));

        RecognitionEvent mallory = seen(Faces.known("mallory", 0.95f));
        both.forEach(o -> o.recognized(mallory));
        assertEquals(DigitalState.LOW, pin(DOOR));
        assertEquals(DigitalState.HIGH, pin(LED));
        time.advanceMillis(300);

        RecognitionEvent weakAlice = seen(Faces.known("alice", 0.55f));
        both.forEach(o -> o.recognized(weakAlice));
        assertEquals(DigitalState.LOW, pin(DOOR), "under min_similarity");
        assertEquals(DigitalState.HIGH, pin(LED));
        time.advanceMillis(300);

        assertEquals(List.of(ActuationReason.UNKNOWN_FACE, ActuationReason.NOT_ALLOWED,
                ActuationReason.BELOW_MIN_SIMILARITY), actuations.stream().map(GpioActuation::why).toList());
        assertEquals(List.of("stranger-led"), actuations.stream().map(GpioActuation::output).distinct().toList());
        assertEquals(OutputKind.LED, actuations.get(0).kind());
        assertEquals(null, actuations.get(0).who());
        assertEquals("mallory", actuations.get(1).who());
    }

    @Test
    void noRetriggerWhilePulsingNorWithinTheMinimumGap() {
        OutputComponent door = start(door());
        door.recognized(seen(Faces.known("alice", 0.8f)));
        time.advanceMillis(600);
        door.recognized(seen(Faces.known("bob", 0.8f)));
        time.advanceMillis(400);
        assertEquals(DigitalState.LOW, pin(DOOR), "the second frame did not stretch the pulse");

        time.advanceMillis(1999);
        door.recognized(seen(Faces.known("alice", 0.8f)));
        assertEquals(DigitalState.LOW, pin(DOOR), "1999 ms after the release: within min_gap_ms");

        time.advanceMillis(1);
        door.recognized(seen(Faces.known("bob", 0.8f)));
        assertEquals(DigitalState.HIGH, pin(DOOR), "2000 ms after the release");
        assertEquals(List.of("alice", "bob"), actuations.stream().map(GpioActuation::who).toList());
    }

    @Test
    void debounceWantsTheSamePersonInSeveralFrames() {
        Configs.Output c = door();
        c.debounceFrames = 3;
        c.debounceWindowMs = 1000;
        OutputComponent door = start(c);
        door.recognized(seen(Faces.known("alice", 0.9f)));
        time.advanceMillis(200);
        door.recognized(seen(Faces.known("bob", 0.9f)));
        time.advanceMillis(200);
        door.recognized(seen(Faces.known("bob", 0.9f)));
        assertEquals(DigitalState.LOW, pin(DOOR), "alice once, bob twice: nobody three times");
        time.advanceMillis(200);
        door.recognized(seen()); // a frame where the detector missed the face does not reset the count
        door.recognized(seen(Faces.known("bob", 0.9f)));
        assertEquals(DigitalState.HIGH, pin(DOOR));
        assertEquals(List.of("bob"), actuations.stream().map(GpioActuation::who).toList());
        assertEquals(5, actuations.get(0).sequence(), "reported with the frame that confirmed it");
    }

    @Test
    void activeLowInvertsEveryLevel() {
        Configs.Output c = door();
        c.activeHigh = false;
        OutputComponent door = start(c);
        assertEquals(DigitalState.HIGH, pin(DOOR), "released = high for an active-low module");
        door.recognized(seen(Faces.known("bob", 0.9f)));
        assertEquals(DigitalState.LOW, pin(DOOR));
        time.advanceMillis(1000);
        assertEquals(DigitalState.HIGH, pin(DOOR));
    }

    @Test
    void deactivatingDuringAPulseReleasesAtOnceAndFreesThePin() {
        OutputComponent door = start(door());
        door.recognized(seen(Faces.known("alice", 0.9f)));
        assertEquals(DigitalState.HIGH, pin(DOOR));
        started.remove(door);
        door.deactivate();
        assertEquals(0, time.pending(), "the release timer is gone");
        assertTrue(!gpio.context().registry().exists(GpioRuntime.id(DOOR)), "Pi4J gave the pin back");

        Configs.Output again = door();
        again.activeHigh = false;
        start(again);
        assertEquals(DigitalState.HIGH, pin(DOOR), "a new configuration of the pin starts released");
        time.advanceMillis(5000);
        assertEquals(DigitalState.HIGH, pin(DOOR));
        door.recognized(seen(Faces.known("alice", 0.9f)));
        assertEquals(1, actuations.size(), "a stopped output ignores events");
    }

    @Test
    void shuttingDownPi4JDrivesOutputsInactive() {
        Configs.Output c = door();
        c.activeHigh = false;
        OutputComponent door = start(c);
        door.recognized(seen(Faces.known("alice", 0.9f)));
        DigitalOutput out = gpio.context().registry().get(GpioRuntime.id(DOOR), DigitalOutput.class);
        assertEquals(DigitalState.LOW, out.state());
        started.clear();
        gpio.context().shutdown();
        assertEquals(DigitalState.HIGH, out.state(), "Pi4J's shutdown level is the inactive one");
    }

    @Test
    void staleFramesAndOtherSourcesAreIgnored() {
        Configs.Output c = door();
        c.sources = new String[] {"cam-gate"};
        OutputComponent gate = start(c);
        gate.recognized(seen(Faces.known("alice", 0.9f)));
        assertEquals(DigitalState.LOW, pin(DOOR), "another source");
        gate.recognized(Faces.event("cam-gate", 1, time.now().minusSeconds(11), Faces.known("alice", 0.9f)));
        assertEquals(DigitalState.LOW, pin(DOOR), "captured 11 s ago");
        gate.recognized(Faces.event("cam-gate", 2, time.now().minusSeconds(9), Faces.known("alice", 0.9f)));
        assertEquals(DigitalState.HIGH, pin(DOOR));
    }

    @Test
    void aFailingListenerStopsNeitherThePulseNorTheOthers() {
        OutputComponent door = new OutputComponent(door(), gpio);
        started.add(door);
        door.addListener(a -> {
            throw new IllegalStateException("broker down");
        });
        door.addListener(actuations::add);
        door.recognized(seen(Faces.known("alice", 0.9f)));
        assertEquals(DigitalState.HIGH, pin(DOOR));
        assertEquals(1, actuations.size());
    }

    @Test
    void twoConfigurationsOfOnePinCollideWithAClearMessage() {
        start(door());
        Configs.Output led = Configs.Output.led(DOOR);
        led.name = "led";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(led));
        assertEquals("pin BCM 17 ('led') is already used by 'door'", e.getMessage());
        assertEquals(DigitalState.LOW, pin(DOOR));
    }

    @Test
    void requireLiveIsAcceptedButNotEnforced() {
        Configs.Output c = door();
        c.requireLive = true;
        OutputComponent door = start(c);
        door.recognized(seen(Faces.known("alice", 0.9f)));
        assertEquals(DigitalState.HIGH, pin(DOOR));
    }
}
