package io.facegate.gpio;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One actuation: an output pin was driven to its active level for {@code pulse}, then released.
 *
 * @param output     the output's configured name, e.g. {@code door}
 * @param kind       what is wired to it
 * @param pin        its BCM pin number
 * @param why        how the triggering face compared with the output's allow-list
 * @param who        the enrolled person's name, or {@code null} for an unknown face
 * @param similarity the face's similarity to {@code who} (to the best match when unknown)
 * @param sourceId   the frame source of the triggering event
 * @param sequence   the frame's sequence number in that source
 * @param at         when the pin was driven active
 * @param pulse      how long it stays active
 */
public record GpioActuation(String output, OutputKind kind, int pin, ActuationReason why, String who,
                            float similarity, String sourceId, long sequence, Instant at, Duration pulse) {
    /** @throws NullPointerException if a field other than {@code who} is missing */
    public GpioActuation {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(why, "why");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(pulse, "pulse");
    }
}
