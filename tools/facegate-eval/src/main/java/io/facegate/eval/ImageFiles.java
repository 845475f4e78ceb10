package io.facegate.eval;

import io.facegate.api.RgbImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Decodes image files into {@link RgbImage}s, sorting every way of failing into a {@link Failure}. */
final class ImageFiles {
    private ImageFiles() {
    }

    /**
     * @param image   the decoded image, or null
     * @param failure why there is none, or null
     */
    record Decoded(RgbImage image, Failure failure) {
    }

    /**
     * @param file an image file of any format ImageIO reads (JPEG, PNG, GIF, BMP, ...)
     * @return the image, or the failure category; never throws for bad content
     */
    static Decoded read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Decoded(null, Failure.MISSING);
        } catch (IOException e) {
            return new Decoded(null, Files.exists(file) ? Failure.CORRUPT : Failure.MISSING);
        }
        if (bytes.length == 0) {
            return new Decoded(null, Failure.EMPTY);
        }
        // in-memory stream: ImageIO's default may spill to temp files, and reading the bytes once tells
        // "no decoder for this" apart from "decoder failed"
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return new Decoded(null, Failure.NOT_AN_IMAGE);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Decoded(RgbImage.of(reader.read(0)), null);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // decoders throw runtime exceptions too on damaged data (index out of bounds, bad tables)
            return new Decoded(null, Failure.CORRUPT);
        }
    }

    /**
     * Bilinear resize, e.g. a pre-aligned crop to the model's input size.
     *
     * @param image  source
     * @param width  target width
     * @param height target height
     * @return the resized copy
     */
    static RgbImage resize(RgbImage image, int width, int height) {
        if (image.width() == width && image.height() == height) {
            return image;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image.toBufferedImage(), 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return RgbImage.of(out);
    }

    /**
     * Centre crop to the target aspect ratio, then resize, so a photo becomes a frame of
     * another shape without distorting faces.
     *
     * @param image  source
     * @param width  frame width
     * @param height frame height
     * @return the frame
     */
    static RgbImage frame(RgbImage image, int width, int height) {
        double target = width / (double) height;
        int cw = image.width();
        int ch = image.height();
        if (cw / (double) ch > target) {
            cw = (int) Math.round(ch * target);
        } else {
            ch = (int) Math.round(cw / target);
        }
        int x0 = (image.width() - cw) / 2;
        int y0 = (image.height() - ch) / 2;
        BufferedImage crop = image.toBufferedImage().getSubimage(x0, y0, cw, ch);
        return resize(RgbImage.of(crop), width, height);
    }
}
