package io.facegate.eval;

import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import java.util.List;

/**
 * Which detection is "the" face of a photo that should show one person: the largest box,
 * penalised by its distance from the image centre (insightface's single-face rule,
 * {@code area - 2 * offset^2}), so a big central face wins over a bystander and over a
 * small spurious detection in the corner.
 */
final class FaceChoice {
    private FaceChoice() {
    }

    /**
     * @param faces  detections, possibly empty
     * @param width  image width
     * @param height image height
     * @return index of the chosen face, or -1 if there is none
     */
    static int choose(List<DetectedFace> faces, int width, int height) {
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < faces.size(); i++) {
            BoundingBox b = faces.get(i).box();
            double dx = b.x() + b.width() / 2.0 - width / 2.0;
            double dy = b.y() + b.height() / 2.0 - height / 2.0;
            double value = b.area() - 2 * (dx * dx + dy * dy);
            if (value > bestValue) {
                best = i;
                bestValue = value;
            }
        }
        return best;
    }
}
