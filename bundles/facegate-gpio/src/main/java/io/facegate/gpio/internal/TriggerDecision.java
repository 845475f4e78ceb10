package io.facegate.gpio.internal;

import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import io.facegate.gpio.ActuationReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Whether one {@link RecognitionEvent} fires one output, and for whom: pure, so every rule is tested without pins
 * or threads. Rate limiting is not decided here ({@link PulseGate}).
 */
final class TriggerDecision {
    /**
     * The face that fires the output.
     *
     * @param why        how it compared with the allow rule
     * @param who        the enrolled person, or {@code null} when unknown
     * @param similarity its similarity
     */
    record Match(ActuationReason why, String who, float similarity) {
    }

    private final Trigger trigger;
    private final AllowRule rule;
    private final Set<String> sources;
    private final Duration maxEventAge;

    /**
     * @param trigger     which faces fire
     * @param rule        who is admitted
     * @param sources     the source ids listened to; empty for all
     * @param maxEventAge older events are ignored; zero for no limit
     */
    TriggerDecision(Trigger trigger, AllowRule rule, Set<String> sources, Duration maxEventAge) {
        this.trigger = trigger;
        this.rule = rule;
        this.sources = Set.copyOf(sources);
        this.maxEventAge = maxEventAge;
    }

    /** @param settings an output's settings */
    TriggerDecision(OutputSettings settings) {
        this(settings.trigger(), settings.rule(), settings.sources(), settings.maxEventAge());
    }

    /**
     * @param sourceId an event's source
     * @return whether this output listens to it
     */
    boolean watches(String sourceId) {
        return sources.isEmpty() || sources.contains(sourceId);
    }

    /**
     * An old frame must not open a door: a folder camera catching up on a backlog after a restart, a file copied
     * in with its original time. A capture time in the future (a camera's clock ahead) counts as fresh.
     *
     * @param event the event
     * @param now   the current time
     * @return whether it is recent enough to act on
     */
    boolean fresh(RecognitionEvent event, Instant now) {
        return maxEventAge.isZero() || !event.captured().isBefore(now.minus(maxEventAge));
    }

    /**
     * With {@code recognised}, the admitted face with the highest similarity; with {@code unknown}, the first face
     * that is not admitted.
     *
     * @param event the event
     * @return the face that fires the output, or {@code null} if none does
     */
    Match pick(RecognitionEvent event) {
        Match best = null;
        for (RecognizedFace face : event.faces()) {
            ActuationReason why = rule.judge(face.identity());
            Match m = new Match(why, face.identity().name(), face.identity().similarity());
            if (trigger == Trigger.UNKNOWN && why != ActuationReason.ALLOWED) {
                return m;
            }
            if (trigger == Trigger.RECOGNISED && why == ActuationReason.ALLOWED
                    && (best == null || m.similarity() > best.similarity())) {
                best = m;
            }
        }
        return best;
    }
}
