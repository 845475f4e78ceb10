package io.facegate.itests;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Images made by the test, for checks that need a frame or an enrolled person but not a real face: they run
 * without the demo photos.
 */
final class SyntheticPhotos {
    private SyntheticPhotos() {
    }

    /** @return a JPEG of seeded noise over a gradient */
    static byte[] jpeg(int width, int height, long seed) {
        return encode(image(width, height, seed), "jpg");
    }

    /** @return a PNG of seeded noise over a gradient */
    static byte[] png(int width, int height, long seed) {
        return encode(image(width, height, seed), "png");
    }

    /** @return a square crop of noise, good enough for the gallery to embed and store */
    static AlignedFace crop(int size, long seed) {
        Random r = new Random(seed);
        byte[] rgb = new byte[size * size * 3];
        r.nextBytes(rgb);
        float c = size / 2f;
        FaceLandmarks marks = new FaceLandmarks(new Point(c - 20, c - 10), new Point(c + 20, c - 10), new Point(c, c),
                new Point(c - 15, c + 20), new Point(c + 15, c + 20));
        return new AlignedFace(new RgbImage(size, size, rgb),
                new DetectedFace(new BoundingBox(0, 0, size, size), 0.99f, marks));
    }

    /** Drops a JPEG into the camera inbox the way a camera would: written aside, renamed in. */
    static void drop(String as, long seed) throws IOException {
        Path inbox = Path.of(System.getProperty(FacegateTestSupport.INBOX));
        Path partial = inbox.resolve("." + as + ".part");
        Files.write(partial, jpeg(320, 240, seed));
        Files.move(partial, inbox.resolve(as), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static BufferedImage image(int width, int height, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int g = (x * 255 / Math.max(1, width - 1) + r.nextInt(32)) & 0xff;
                int b = (y * 255 / Math.max(1, height - 1) + r.nextInt(32)) & 0xff;
                img.setRGB(x, y, (r.nextInt(256) << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
