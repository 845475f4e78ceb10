package io.facegate.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facegate.gpio.ActuationReason;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllowRuleTest {

    private final AllowRule aliceAndBob = new AllowRule(Set.of("alice", "bob"), false, 0.6f);

    @Test
    void admitsNamedPeopleAtOrAboveTheMinimum() {
        assertEquals(ActuationReason.ALLOWED, aliceAndBob.judge(Faces.known("alice", 0.6f)));
        assertEquals(ActuationReason.ALLOWED, aliceAndBob.judge(Faces.known("bob", 0.93f)));
    }

    @Test
    void refusesEveryoneElseAndSaysWhy() {
        assertEquals(ActuationReason.BELOW_MIN_SIMILARITY, aliceAndBob.judge(Faces.known("alice", 0.59f)));
        assertEquals(ActuationReason.NOT_ALLOWED, aliceAndBob.judge(Faces.known("mallory", 0.99f)));
        assertEquals(ActuationReason.NOT_ALLOWED, aliceAndBob.judge(Faces.known("Alice", 0.99f)), "exact names");
        assertEquals(ActuationReason.UNKNOWN_FACE, aliceAndBob.judge(Faces.unknown()));
    }

    @Test
    void starAdmitsEveryEnrolledPersonButNoStranger() {
        AllowRule everyone = new AllowRule(Set.of(), true, 0f);
        assertEquals(ActuationReason.ALLOWED, everyone.judge(Faces.known("mallory", 0.51f)));
        assertEquals(ActuationReason.UNKNOWN_FACE, everyone.judge(Faces.unknown()));
    }
}
