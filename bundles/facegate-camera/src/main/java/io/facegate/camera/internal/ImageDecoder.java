package io.facegate.camera.internal;

import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
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
 * Decodes an image file with {@code javax.imageio} into an {@link RgbImage}, or says in one line
 * why it cannot. The format is sniffed from the content, not the file name. Truncated files are
 * refused even where the decoder would return a partly gray picture (JPEG only warns).
 */
final class ImageDecoder {

    /** The outcome: exactly one of image and reason is set. */
    record Result(RgbImage image, String reason) {
        static Result ok(RgbImage image) {
            return new Result(image, null);
        }

        static Result failed(String reason) {
            return new Result(null, reason);
        }

        boolean ok() {
            return image != null;
        }
    }

    private final long maxPixels;

    ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /**
     * @param file an image file
     * @return the decoded image (first frame of an animation), or why not; never throws for bad input
     */
    Result decode(Path file) {
        try {
            long size = Files.size(file);
            if (size == 0) {
                return Result.failed("empty file (0 bytes)");
            }
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                if (in == null) {
                    return Result.failed("cannot open file for reading");
                }
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
            }
        } catch (IOException | RuntimeException e) {
            return Result.failed("cannot decode image: " + describe(e));
        } catch (OutOfMemoryError e) {
            return Result.failed("cannot decode image: out of memory (lower max_pixels)");
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}
