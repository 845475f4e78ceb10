package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.Gallery;
import io.facegate.api.RgbImage;
import java.util.ArrayList;
import java.util.List;

/** Enrolment through the gateway's own stage services, as the tests that need a known person do it. */
final class Enrolment {
    private Enrolment() {
    }

    /** Enrols Obama from the demo photos obama.jpg and obama2.jpg (one face each), aligned to 112 px. */
    static void obama(FaceDetector detector, FaceAligner aligner, Gallery gallery) throws Exception {
        List<AlignedFace> crops = new ArrayList<>();
        for (String photo : List.of("obama.jpg", "obama2.jpg")) {
            RgbImage image = Photos.read(photo);
            List<DetectedFace> faces = detector.detect(image);
            assertEquals(photo, 1, faces.size());
            crops.add(aligner.align(image, faces.get(0), 112));
        }
        gallery.enroll("Obama", crops);
        assertTrue(gallery.people().contains("Obama"));
    }
}
