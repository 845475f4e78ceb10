package io.facegate.itests;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Bulk frames for the folder camera: small face-free PNGs (96 x 96 colour gradients, a different one per frame), so
 * that MTCNN finds nothing quickly and a test can push hundreds of frames through the pipeline on 2 cores. Named
 * {@code <prefix>-0001.png}, ...: the camera takes the oldest file first, then by name, so the frames enter the
 * pipeline in the order of their numbers.
 */
final class Frames {
    static final int SIZE = 96;

    private Frames() {
    }

    /** @return the name of frame {@code i} (1-based) */
    static String name(String prefix, int i) {
        return String.format("%s-%04d.png", prefix, i);
    }

    /** @return the names of frames 1..n, in order */
    static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(name(prefix, i));
        }
        return out;
    }

    /**
     * Drops frames 1..n into the inbox the way a camera would: each written under a hidden name, then renamed in.
     *
     * @return their names, in order
     */
    static List<String> drop(Path inbox, String prefix, int n) throws IOException {
        for (int i = 1; i <= n; i++) {
            dropOne(inbox, name(prefix, i), i);
        }
        return names(prefix, n);
    }

    /**
     * Drops frames 1..n at a steady pace, one every {@code periodMillis}, the way a camera delivers them.
     *
     * @return their names, in order
     */
    static List<String> dropPaced(Path inbox, String prefix, int n, long periodMillis)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        for (int i = 1; i <= n; i++) {
            long wait = start + TimeUnit.MILLISECONDS.toNanos(periodMillis * (i - 1)) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            dropOne(inbox, name(prefix, i), i);
        }
        return names(prefix, n);
    }

    /** Drops one frame, its gradient picked by {@code variant}. */
    static void dropOne(Path inbox, String name, int variant) throws IOException {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int r = (x * 2 + variant * 7) & 0xff;
                int g = (y * 2 + variant * 13) & 0xff;
                int b = (x + y + variant * 29) & 0xff;
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        Path partial = inbox.resolve("." + name + ".part");
        if (!ImageIO.write(image, "png", partial.toFile())) {
            throw new IllegalStateException("no PNG writer");
        }
        Files.move(partial, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** @return the names of the image files directly in a folder (not hidden), sorted; empty if it does not exist */
    static List<String> in(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && n.endsWith(".png")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until at least {@code count} of the named frames are in the folder.
     *
     * @return those of them there now
     */
    static List<String> await(Path folder, List<String> names, int count, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            List<String> there = in(folder).stream().filter(names::contains).toList();
            if (there.size() >= count || System.nanoTime() > deadline) {
                return there;
            }
            Thread.sleep(50);
        }
    }
}
