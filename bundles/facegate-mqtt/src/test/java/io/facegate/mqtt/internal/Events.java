package io.facegate.mqtt.internal;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Identity;
import io.facegate.api.Point;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test events. */
final class Events {
    static final Instant CAPTURED = Instant.parse("2026-01-31T12:34:56.789Z");

    private Events() {
    }

    static DetectedFace face(float x) {
        return new DetectedFace(new BoundingBox(x, 20, 100, 120), 0.998f, new FaceLandmarks(new Point(x + 30, 60),
                new Point(x + 70, 61), new Point(x + 50, 80), new Point(x + 35, 100), new Point(x + 65, 101)));
    }

    /** An event with one known and one unknown face. */
    static RecognitionEvent twoFaces(long sequence, String name) {
        return new RecognitionEvent("folder:/var/facegate/inbox", sequence, CAPTURED, "door-" + sequence + ".jpg",
                "mobilefacenet-112", "1",
                List.of(new RecognizedFace(face(10), Identity.of(name, 0.71f, 0.5f)),
                        new RecognizedFace(face(300), Identity.unknown(0.21f, 0.5f))),
                Map.of("detect", Duration.ofNanos(12_345_678), "align", Duration.ofNanos(400_000),
                        "embed", Duration.ofMillis(8), "match", Duration.ofNanos(51_234)));
    }

    /** An event without faces. */
    static RecognitionEvent empty(long sequence) {
        return new RecognitionEvent("cam", sequence, CAPTURED, "f.jpg", "mobilefacenet-112", "1", List.of(),
                Map.of("detect", Duration.ofMillis(3)));
    }
}
