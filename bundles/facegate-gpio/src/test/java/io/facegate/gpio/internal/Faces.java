package io.facegate.gpio.internal;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Identity;
import io.facegate.api.Point;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test recognition events. */
final class Faces {
    static final float THRESHOLD = 0.5f;
    static final String SOURCE = "cam-door";

    private Faces() {
    }

    static Identity known(String name, float similarity) {
        return Identity.of(name, similarity, THRESHOLD);
    }

    static Identity unknown() {
        return Identity.unknown(0.21f, THRESHOLD);
    }

    /** One frame of {@value #SOURCE} captured at {@code captured}, with a face per identity. */
    static RecognitionEvent event(long sequence, Instant captured, Identity... identities) {
        return event(SOURCE, sequence, captured, identities);
    }

    static RecognitionEvent event(String source, long sequence, Instant captured, Identity... identities) {
        List<RecognizedFace> faces = new ArrayList<>();
        float x = 10;
        for (Identity id : identities) {
            faces.add(new RecognizedFace(face(x), id));
            x += 150;
        }
        return new RecognitionEvent(source, sequence, captured, "frame-" + sequence + ".jpg", "mobilefacenet-112", "1",
                faces, Map.of("detect", Duration.ofMillis(12)));
    }

    private static DetectedFace face(float x) {
        return new DetectedFace(new BoundingBox(x, 20, 100, 120), 0.99f, new FaceLandmarks(new Point(x + 30, 60),
                new Point(x + 70, 61), new Point(x + 50, 80), new Point(x + 35, 100), new Point(x + 65, 101)));
    }
}
