package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way an image file can be bad ends in its own category, never in an exception. */
class ImageFilesTest {
    @TempDir
    Path tmp;

    /** The start of a JPEG (SOI, then an APP0 segment whose length runs past the end), then garbage. */
    static byte[] corruptJpeg() {
        byte[] b = new byte[64];
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        b[3] = (byte) 0xE0;
        b[4] = (byte) 0x7F;
        b[5] = (byte) 0xFF;
        for (int i = 6; i < b.length; i++) {
            b[i] = (byte) (i * 37);
        }
        return b;
    }

    @Test
    void sortsBadFilesIntoCategories() throws Exception {
        assertEquals(Failure.MISSING, ImageFiles.read(tmp.resolve("absent.jpg")).failure());
        assertEquals(Failure.EMPTY, ImageFiles.read(Files.write(tmp.resolve("empty.jpg"), new byte[0])).failure());
        assertEquals(Failure.NOT_AN_IMAGE, ImageFiles.read(Files.writeString(tmp.resolve("notes.jpg"),
                "this is not a picture\n")).failure());
        ImageFiles.Decoded corrupt = ImageFiles.read(Files.write(tmp.resolve("corrupt.jpg"), corruptJpeg()));
        assertEquals(Failure.CORRUPT, corrupt.failure());
        assertNull(corrupt.image());
    }

    @Test
    void decodesByContentNotByName() throws Exception {
        BufferedImage gray = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(2, 1, 0, 200);
        Path png = tmp.resolve("actually-a-png.jpg");
        ImageIO.write(gray, "png", png.toFile());
        ImageFiles.Decoded d = ImageFiles.read(png);
        assertNull(d.failure());
        RgbImage img = d.image();
        assertEquals(5, img.width());
        assertEquals(4, img.height());
        // gray becomes three equal channels
        assertEquals(img.sample(2, 1, 0), img.sample(2, 1, 1));
        assertEquals(img.sample(2, 1, 0), img.sample(2, 1, 2));
    }

    @Test
    void frameCropsToTheAspectRatioBeforeResizing() {
        // 200x100 with the left half black and the right half white; a 1:1 frame keeps the centre square
        byte[] px = new byte[200 * 100 * 3];
        for (int y = 0; y < 100; y++) {
            for (int x = 100; x < 200; x++) {
                int o = (y * 200 + x) * 3;
                px[o] = px[o + 1] = px[o + 2] = (byte) 255;
            }
        }
        RgbImage f = ImageFiles.frame(new RgbImage(200, 100, px), 10, 10);
        assertEquals(10, f.width());
        assertEquals(10, f.height());
        assertEquals(0, f.sample(1, 5, 0));
        assertEquals(255, f.sample(8, 5, 0));
    }
}
