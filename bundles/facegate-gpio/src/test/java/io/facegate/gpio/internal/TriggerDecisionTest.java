package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.gpio.ActuationReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TriggerDecisionTest {
    private static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");
    private static final AllowRule ALICE = new AllowRule(Set.of("alice", "bob"), false, 0.6f);

    private final TriggerDecision door = new TriggerDecision(Trigger.RECOGNISED, ALICE, Set.of(), Duration.ZERO);
    private final TriggerDecision led = new TriggerDecision(Trigger.UNKNOWN, ALICE, Set.of(), Duration.ZERO);

    @Test
    void anAllowedPersonFiresTheDoorNotTheLed() {
        var e = Faces.event(1, NOW, Faces.known("alice", 0.7f));
        assertEquals(new TriggerDecision.Match(ActuationReason.ALLOWED, "alice", 0.7f), door.pick(e));
        assertNull(led.pick(e));
    }

    @Test
    void strangersAndRefusedPeopleFireTheLedNotTheDoor() {
        var unknown = Faces.event(1, NOW, Faces.unknown());
        var mallory = Faces.event(2, NOW, Faces.known("mallory", 0.9f));
        var weakAlice = Faces.event(3, NOW, Faces.known("alice", 0.55f));
        assertNull(door.pick(unknown));
        assertNull(door.pick(mallory));
        assertNull(door.pick(weakAlice));
        assertEquals(new TriggerDecision.Match(ActuationReason.UNKNOWN_FACE, null, 0.21f), led.pick(unknown));
        assertEquals(ActuationReason.NOT_ALLOWED, led.pick(mallory).why());
        assertEquals("mallory", led.pick(mallory).who());
        assertEquals(ActuationReason.BELOW_MIN_SIMILARITY, led.pick(weakAlice).why());
    }

    @Test
    void theBestAllowedFaceOfAFrameIsReported() {
        var e = Faces.event(1, NOW, Faces.unknown(), Faces.known("alice", 0.65f), Faces.known("bob", 0.8f));
        assertEquals("bob", door.pick(e).who());
        assertEquals(ActuationReason.UNKNOWN_FACE, led.pick(e).why(), "the stranger next to them is signalled");
        assertNull(door.pick(Faces.event(2, NOW)), "no faces");
    }

    @Test
    void onlyTheConfiguredSourcesCount() {
        TriggerDecision gate = new TriggerDecision(Trigger.RECOGNISED, ALICE, Set.of("cam-gate"), Duration.ZERO);
        assertTrue(gate.watches("cam-gate"));
        assertFalse(gate.watches(Faces.SOURCE));
        assertTrue(door.watches("anything"));
    }

    @Test
    void oldFramesAreNotFresh() {
        TriggerDecision d = new TriggerDecision(Trigger.RECOGNISED, ALICE, Set.of(), Duration.ofSeconds(10));
        assertTrue(d.fresh(Faces.event(1, NOW.minusSeconds(10)), NOW));
        assertFalse(d.fresh(Faces.event(1, NOW.minusMillis(10_001)), NOW));
        assertTrue(d.fresh(Faces.event(1, NOW.plusSeconds(30)), NOW), "a camera clock ahead");
        assertTrue(door.fresh(Faces.event(1, NOW.minus(Duration.ofDays(3))), NOW), "0 = no limit");
    }
}
