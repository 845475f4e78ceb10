package io.facegate.api;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * An immutable 8-bit RGB raster, row-major, three interleaved bytes per pixel.
 *
 * <p>Every image that enters facegate is normalised to this type, whatever its
 * source format (gray, RGB, ARGB, 16-bit, indexed), so stages never have to
 * care about colour models.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb;

    /**
     * @param width  width in pixels, &gt; 0
     * @param height height in pixels, &gt; 0
     * @param rgb    {@code width * height * 3} bytes, copied
     * @throws IllegalArgumentException on non-positive size or wrong buffer length
     */
    public RgbImage(int width, int height, byte[] rgb) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb == null || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("expected " + ((long) width * height * 3) + " RGB bytes for "
                    + width + "x" + height + ", got " + (rgb == null ? "null" : rgb.length));
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb.clone();
    }

    /**
     * Converts any {@link BufferedImage} (gray, RGB, ARGB, 16-bit, indexed) to RGB.
     * Alpha is dropped; gray becomes three equal channels.
     *
     * @param image a decoded image
     * @return the RGB copy
     */
    public static RgbImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            // getRGB goes through the image's ColorModel, so every sample layout ends up as sRGB
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                int p = row[x];
                out[o] = (byte) (p >> 16);
                out[o + 1] = (byte) (p >> 8);
                out[o + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, out, true);
    }

    /** Takes ownership of a buffer this class just filled, skipping the defensive copy. */
    private RgbImage(int width, int height, byte[] rgb, boolean owned) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** @return width in pixels */
    public int width() {
        return width;
    }

    /** @return height in pixels */
    public int height() {
        return height;
    }

    /**
     * @param x column
     * @param y row
     * @param channel 0 = red, 1 = green, 2 = blue
     * @return the sample, 0..255
     */
    public int sample(int x, int y, int channel) {
        return rgb[(y * width + x) * 3 + channel] & 0xff;
    }

    /** @return a copy of the interleaved RGB bytes */
    public byte[] toRgbBytes() {
        return rgb.clone();
    }

    /** @return the image as a {@link BufferedImage#TYPE_INT_RGB}, e.g. to encode a thumbnail */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0, o = y * width * 3; x < width; x++, o += 3) {
                row[x] = (rgb[o] & 0xff) << 16 | (rgb[o + 1] & 0xff) << 8 | (rgb[o + 2] & 0xff);
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && other.width == width && other.height == height
                && Arrays.equals(other.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
