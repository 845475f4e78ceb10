package io.facegate.api.image;

import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The one guarded image decoder of the gateway: cameras, console commands and MQTT commands all decode
 * through it. It decodes with {@code javax.imageio} into an {@link RgbImage}, or says in one line why it
 * cannot. The format is sniffed from the content, not the name. The pixel count is checked from the header
 * before any pixel is decoded (a small file declaring a huge image, a decompression bomb, is refused without
 * allocating it). Truncated files are refused even where the decoder would return a partly gray picture (JPEG
 * only warns). Immutable and thread-safe.
 */
public final class ImageDecoder {

    /**
     * The outcome: exactly one of image and reason is set.
     *
     * @param image  the decoded image, or {@code null}
     * @param reason why it could not be decoded, or {@code null}
     */
    public record Result(RgbImage image, String reason) {
        /**
         * @param image a decoded image
         * @return a success
         */
        public static Result ok(RgbImage image) {
            return new Result(image, null);
        }

        /**
         * @param reason one line saying why
         * @return a failure
         */
        public static Result failed(String reason) {
            return new Result(null, reason);
        }

        /** @return whether an image was decoded */
        public boolean ok() {
            return image != null;
        }
    }

    private final long maxPixels;

    /**
     * @param maxPixels the largest width x height accepted
     * @throws IllegalArgumentException if not positive
     */
    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /** @return the largest width x height accepted */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * @param file an image file
     * @return the decoded image (first frame of an animation), or why not; never throws for bad input
     */
    public Result decode(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Result.failed("no such file");
            }
            if (Files.size(file) == 0) {
                return Result.failed("empty file (0 bytes)");
            }
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                return decode(in);
            }
        } catch (IOException | RuntimeException e) {
            return Result.failed("cannot decode image: " + describe(e));
        }
    }

    /**
     * @param bytes the bytes of an encoded image (JPEG, PNG, ...)
     * @return the decoded image (first frame of an animation), or why not; never throws for bad input
     */
    public Result decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return Result.failed("empty image (0 bytes)");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in);
        } catch (IOException | RuntimeException e) {
            return Result.failed("cannot decode image: " + describe(e));
        }
    }

    private Result decode(ImageInputStream in) {
        if (in == null) {
            return Result.failed("cannot open the image for reading");
        }
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Result.failed("not an image, or an unsupported image format");
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName();
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    return Result.failed(format + " image too large: " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " exceeds max_pixels=" + maxPixels);
                }
                BufferedImage image = reader.read(0);
                for (String w : warnings) {
                    String lower = w.toLowerCase(Locale.ROOT);
                    if (lower.contains("truncat") || lower.contains("premature end")) {
                        return Result.failed("truncated or corrupt " + format + ": " + w);
                    }
                }
                if (image == null) {
                    return Result.failed("cannot decode " + format + ": decoder returned no image");
                }
                return Result.ok(RgbImage.of(image));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Result.failed("cannot decode image: " + describe(e));
        }
    }

    /**
     * @param e a failure
     * @return its class and message on one line
     */
    public static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}
