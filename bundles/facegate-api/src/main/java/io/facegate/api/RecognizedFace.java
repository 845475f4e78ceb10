package io.facegate.api;

import java.util.Objects;

/**
 * One face in a {@link RecognitionEvent}.
 *
 * @param face     the detection (box, score, landmarks)
 * @param identity who it is, or unknown
 */
public record RecognizedFace(DetectedFace face, Identity identity) {
    /** @throws NullPointerException if a field is missing */
    public RecognizedFace {
        Objects.requireNonNull(face, "face");
        Objects.requireNonNull(identity, "identity");
    }
}
