package io.facegate.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class RgbImageTest {

    @Test
    void grayBecomesThreeEqualChannels() {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 200);
        gray.getRaster().setSample(1, 0, 0, 0);
        RgbImage rgb = RgbImage.of(gray);
        // TYPE_BYTE_GRAY is linear gray; sRGB conversion keeps the extremes and stays gray
        assertEquals(rgb.sample(0, 0, 0), rgb.sample(0, 0, 1));
        assertEquals(rgb.sample(0, 0, 1), rgb.sample(0, 0, 2));
        assertEquals(0, rgb.sample(1, 0, 0));
    }

    @Test
    void argbDropsAlphaAndKeepsChannelOrder() {
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80112233);
        RgbImage rgb = RgbImage.of(argb);
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33}, rgb.toRgbBytes());
    }

    @Test
    void sixteenBitGrayIsScaledTo8Bit() {
        BufferedImage g16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(0, 0, 0, 65535);
        assertEquals(255, RgbImage.of(g16).sample(0, 0, 0));
    }

    @Test
    void roundTripsThroughBufferedImage() {
        byte[] px = {1, 2, 3, 4, 5, 6};
        RgbImage img = new RgbImage(2, 1, px);
        assertEquals(img, RgbImage.of(img.toBufferedImage()));
    }

    @Test
    void refusesWrongBufferLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RgbImage(2, 2, new byte[5]));
        assertEquals("expected 12 RGB bytes for 2x2, got 5", e.getMessage());
    }

    @Test
    void isImmutable() {
        byte[] px = {1, 2, 3};
        RgbImage img = new RgbImage(1, 1, px);
        px[0] = 9;
        img.toRgbBytes()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, img.toRgbBytes());
    }
}
