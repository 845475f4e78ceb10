package io.facegate.gallery.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Aligned face crops: lossless PNG coding and the bilinear resize to an
 * embedder's input size.
 */
final class Crops {
    /** Largest crop side accepted for enrolment. */
    static final int MAX_SIZE = 2048;

    /** ArcFace 5-point template for 112 px (same constants as facegate-align). */
    private static final float[] TEMPLATE_X = {38.2946f, 73.5318f, 56.0252f, 41.5493f, 70.7299f};
    private static final float[] TEMPLATE_Y = {51.6963f, 51.5014f, 71.7366f, 92.3655f, 92.2041f};

    private Crops() {
    }

    /**
     * Resizes a square crop with bilinear interpolation.
     *
     * <p>The alignment template scales linearly about the origin with the crop
     * size, with pixel {@code (i, j)} centred on {@code (i, j)} (the convention of
     * facegate-align). So output pixel {@code u} of a {@code to}-sized crop shows
     * position {@code u * from / to} of the {@code from}-sized crop, and a 112
     * crop resized to 96 equals the alignment at 96 up to resampling. Positions
     * past the last pixel (upscaling) clamp to the edge.
     *
     * @param image a square crop
     * @param to    the output side, &gt; 0
     * @return the resized crop, or {@code image} itself if it already has that size
     */
    static RgbImage resize(RgbImage image, int to) {
        int from = image.width();
        if (from == to) {
            return image;
        }
        if (to <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + to);
        }
        byte[] src = image.toRgbBytes();
        byte[] out = new byte[to * to * 3];
        double scale = from / (double) to;
        int[] i0 = new int[to];
        int[] i1 = new int[to];
        float[] f = new float[to];
        for (int u = 0; u < to; u++) {
            double x = Math.min(u * scale, from - 1);
            i0[u] = (int) Math.floor(x);
            i1[u] = Math.min(i0[u] + 1, from - 1);
            f[u] = (float) (x - i0[u]);
        }
        int o = 0;
        for (int v = 0; v < to; v++) {
            int r0 = i0[v] * from * 3;
            int r1 = i1[v] * from * 3;
            float fy = f[v];
            for (int u = 0; u < to; u++) {
                int c0 = i0[u] * 3;
                int c1 = i1[u] * 3;
                float fx = f[u];
                for (int c = 0; c < 3; c++, o++) {
                    float top = (src[r0 + c0 + c] & 0xff) * (1 - fx) + (src[r0 + c1 + c] & 0xff) * fx;
                    float bottom = (src[r1 + c0 + c] & 0xff) * (1 - fx) + (src[r1 + c1 + c] & 0xff) * fx;
                    int val = Math.round(top * (1 - fy) + bottom * fy);
                    out[o] = (byte) Math.max(0, Math.min(255, val));
                }
            }
        }
        return new RgbImage(to, to, out);
    }

    /**
     * @param face an aligned face of any size
     * @param size the embedder's input size
     * @return the face at that size, same source detection
     */
    static AlignedFace resize(AlignedFace face, int size) {
        return face.size() == size ? face : new AlignedFace(resize(face.image(), size), face.source());
    }

    /**
     * Wraps a stored crop for an embedder. The original detection is not kept;
     * the crop is aligned, so its landmarks are the template's.
     *
     * @param image a stored square crop
     * @return the crop as an aligned face
     */
    static AlignedFace asAligned(RgbImage image) {
        int s = image.width();
        float k = s / 112f;
        Point[] p = new Point[5];
        for (int i = 0; i < 5; i++) {
            p[i] = new Point(TEMPLATE_X[i] * k, TEMPLATE_Y[i] * k);
        }
        return new AlignedFace(image, new DetectedFace(new BoundingBox(0, 0, s, s), 1f,
                new FaceLandmarks(p[0], p[1], p[2], p[3], p[4])));
    }

    /**
     * @param image pixels
     * @return 8-bit RGB PNG bytes (lossless)
     * @throws IOException if the JRE has no PNG writer
     */
    static byte[] encodePng(RgbImage image) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IOException("this JRE has no PNG encoder");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.width() * image.height() * 3 / 2 + 256);
        // memory cache: ImageIO's default would spool through java.io.tmpdir
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(image.toBufferedImage());
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * @param png PNG bytes
     * @return the pixels as RGB
     * @throws IOException if the bytes are not a readable, square image
     */
    static RgbImage decodePng(byte[] png) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        if (!readers.hasNext()) {
            throw new IOException("this JRE has no PNG decoder");
        }
        ImageReader reader = readers.next();
        BufferedImage img;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(png))) {
            reader.setInput(in, true, true);
            img = reader.read(0);
        } catch (RuntimeException e) {
            // ImageIO reports some damage as unchecked exceptions
            throw new IOException("damaged PNG: " + e, e);
        } finally {
            reader.dispose();
        }
        if (img.getWidth() != img.getHeight()) {
            throw new IOException("crop is not square: " + img.getWidth() + "x" + img.getHeight());
        }
        return RgbImage.of(img);
    }
}
