package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaceChoiceTest {
    private static DetectedFace face(float x, float y, float size) {
        Point p = new Point(x + size / 2, y + size / 2);
        return new DetectedFace(new BoundingBox(x, y, size, size), 0.99f, new FaceLandmarks(p, p, p, p, p));
    }

    @Test
    void aCentralFaceBeatsALargerOneInTheCorner() {
        // central 40x40: 1600 - 0; corner 60x60: 3600 - 2 * (70^2 + 70^2) < 0
        List<DetectedFace> faces = List.of(face(0, 0, 60), face(80, 80, 40));
        assertEquals(1, FaceChoice.choose(faces, 200, 200));
    }

    @Test
    void amongCentralFacesTheLargestWins() {
        List<DetectedFace> faces = List.of(face(90, 90, 20), face(70, 70, 60), face(80, 80, 40));
        assertEquals(1, FaceChoice.choose(faces, 200, 200));
    }

    @Test
    void noFaceNoChoice() {
        assertEquals(-1, FaceChoice.choose(List.of(), 200, 200));
    }
}
