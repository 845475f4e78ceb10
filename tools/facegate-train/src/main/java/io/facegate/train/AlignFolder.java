package io.facegate.train;

import io.facegate.align.internal.SimilarityFaceAligner;
import io.facegate.api.DetectedFace;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Detects and aligns every photo under a folder once and writes the crops, losslessly as PNG data,
 * under the same relative paths and file names (so LFW's {@code name_0001.jpg} layout still
 * resolves), so several embedders can be compared on identical faces with
 * {@code facegate-eval --aligned} (an ablation then measures the networks, not the detector).
 * Photos without a face are listed in {@code no-face.txt} and left out.
 */
final class AlignFolder {
    private AlignFolder() {
    }

    /** @param only identity folder names to include (empty: all) */
    static int run(Path images, Path out, int size, Path models, Set<String> only, PrintStream log) throws IOException {
        if (Files.exists(out) && !isEmpty(out)) {
            throw new IOException(out + " is not empty; choose a new folder");
        }
        Files.createDirectories(out);
        List<Path> files;
        try (Stream<Path> s = Files.walk(images)) {
            files = s.filter(Files::isRegularFile).filter(p -> only.isEmpty()
                    || only.contains(images.relativize(p).getName(0).toString())).sorted().toList();
        }
        SimilarityFaceAligner aligner = new SimilarityFaceAligner();
        StringBuilder noFace = new StringBuilder();
        int written = 0;
        try (MtcnnFaceDetector detector = MtcnnFaceDetector.load(models)) {
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                Path rel = images.relativize(file);
                var decoded = ImageIO.read(file.toFile());
                DetectedFace face = decoded == null ? null : Prepare.mainFace(detector.detect(RgbImage.of(decoded)));
                if (face == null) {
                    noFace.append(rel).append('\n');
                    continue;
                }
                RgbImage crop = aligner.align(RgbImage.of(decoded), face, size).image();
                Path target = out.resolve(rel.toString());
                Files.createDirectories(target.getParent());
                ImageIO.write(crop.toBufferedImage(), "png", target.toFile());
                written++;
                if ((i + 1) % 500 == 0) {
                    log.printf("align: %d/%d%n", i + 1, files.size());
                }
            }
        }
        Files.writeString(out.resolve("no-face.txt"), noFace.toString());
        log.printf("align: %d of %d photos aligned to %dx%d in %s (no face: see no-face.txt)%n", written, files.size(),
                size, size, out);
        return written;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
