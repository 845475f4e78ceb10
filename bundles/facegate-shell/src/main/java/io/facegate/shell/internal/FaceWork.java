package io.facegate.shell.internal;

import io.facegate.api.DetectedFace;
import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;

/** What the commands share: reading a photo and cutting out its faces. */
final class FaceWork {
    /**
     * Crops are kept at 112 px, the largest input of the shipped models; the gallery
     * resizes them for smaller ones (the 5-point template scales linearly).
     */
    static final int ENROL_SIZE = 112;

    private FaceWork() {
    }

    /** A photo read from disk, or why it could not be read. */
    record Photo(Path path, RgbImage image, String problem) {
    }

    static Photo read(Path path) {
        if (!Files.isRegularFile(path)) {
            return new Photo(path, null, "no such file");
        }
        try {
            BufferedImage img = ImageIO.read(path.toFile());
            if (img == null) {
                return new Photo(path, null, "not an image format this gateway can decode");
            }
            return new Photo(path, RgbImage.of(img), null);
        } catch (IOException | RuntimeException e) {
            return new Photo(path, null, "unreadable image: " + e.getMessage());
        }
    }

    /** The largest face: on an enrolment photo, the person being enrolled. */
    static DetectedFace largest(List<DetectedFace> faces) {
        return faces.stream().max(Comparator.comparingDouble(f -> f.box().area())).orElseThrow();
    }
}
