package io.facegate.train;

import io.facegate.align.internal.SimilarityFaceAligner;
import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import io.facegate.tensorflow.LoadedModel;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Builds the {@link FaceCache} once: finds every training photo, detects the main face with our
 * MTCNN, aligns it to 112x112 with our aligner, and stores the teacher's embeddings of the face
 * and its mirror. Sources: {@code utkface-crops} (no identities), {@code orl} and the training
 * half of {@code celeba-dev} identities (seeded split; the other half is held out for evaluation
 * and listed in {@code celeba-heldout.txt}). LFW is never read.
 */
final class Prepare {
    static final int TEACHER_SIZE = 112;
    static final String TEACHER_ID = "mobilefacenet-112";
    /** Share of identities (or of unlabelled faces) kept for validation. */
    private static final double VALIDATION_SHARE = 0.1;

    /** A photo with its identity group (-1: none) and split. */
    record Photo(Path file, int group, boolean validation) {
    }

    private Prepare() {
    }

    /**
     * Lists the training photos and writes {@code celeba-train.txt} / {@code celeba-heldout.txt}
     * into {@code cache}.
     *
     * @param limit at most this many photos per source (0: all), for smoke runs
     */
    static List<Photo> photos(Path data, Path cache, long seed, int limit) throws IOException {
        List<Photo> photos = new ArrayList<>();
        Random random = new Random(seed);
        int[] nextGroup = {0};
        // unlabelled crops: a seeded share of single faces goes to validation
        for (Path f : limit(files(data.resolve("utkface-crops/images")), limit)) {
            photos.add(new Photo(f, -1, random.nextDouble() < VALIDATION_SHARE));
        }
        addIdentities(photos, folders(data.resolve("orl")), random, nextGroup, limit);
        List<Path> celeba = folders(data.resolve("celeba-dev"));
        Collections.shuffle(celeba, new Random(seed));
        List<Path> train = new ArrayList<>(celeba.subList(0, celeba.size() / 2));
        List<Path> heldOut = new ArrayList<>(celeba.subList(celeba.size() / 2, celeba.size()));
        train.sort(Comparator.naturalOrder());
        heldOut.sort(Comparator.naturalOrder());
        Files.createDirectories(cache);
        Files.write(cache.resolve("celeba-train.txt"), names(train), StandardCharsets.UTF_8);
        Files.write(cache.resolve("celeba-heldout.txt"), names(heldOut), StandardCharsets.UTF_8);
        addIdentities(photos, train, random, nextGroup, limit);
        return photos;
    }

    private static void addIdentities(List<Photo> photos, List<Path> identities, Random random, int[] nextGroup,
            int limit) throws IOException {
        int added = 0;
        for (Path identity : identities) {
            boolean validation = random.nextDouble() < VALIDATION_SHARE;
            int group = nextGroup[0]++;
            for (Path f : files(identity)) {
                if (limit > 0 && added++ >= limit) {
                    return;
                }
                photos.add(new Photo(f, group, validation));
            }
        }
    }

    /**
     * Detects, aligns and embeds every photo; photos without a face are counted and skipped.
     *
     * @return the cache (also written to {@code cache})
     */
    static FaceCache run(List<Photo> photos, Path models, Path cache, PrintStream log) throws IOException {
        List<FaceCache.Face> faces = new ArrayList<>();
        int noFace = 0;
        int unreadable = 0;
        long start = System.nanoTime();
        SimilarityFaceAligner aligner = new SimilarityFaceAligner();
        try (MtcnnFaceDetector detector = MtcnnFaceDetector.load(models);
                SavedModelEmbedder teacher = new SavedModelEmbedder(LoadedModel.load(models.resolve(TEACHER_ID)), 32)) {
            if (teacher.model().inputSize() != TEACHER_SIZE) {
                throw new IOException("teacher " + TEACHER_ID + " takes " + teacher.model().inputSize() + "px");
            }
            List<Photo> pending = new ArrayList<>();
            List<AlignedFace> aligned = new ArrayList<>();
            for (int i = 0; i < photos.size(); i++) {
                Photo photo = photos.get(i);
                RgbImage image = decode(photo.file());
                if (image == null) {
                    unreadable++;
                    continue;
                }
                DetectedFace face = mainFace(detector.detect(image));
                if (face == null) {
                    noFace++;
                    continue;
                }
                AlignedFace a = aligner.align(image, face, TEACHER_SIZE);
                pending.add(photo);
                aligned.add(a);
                aligned.add(new AlignedFace(mirror(a.image()), a.source()));
                if (pending.size() == 16 || i == photos.size() - 1) {
                    embed(teacher, pending, aligned, faces);
                }
                if ((i + 1) % 500 == 0) {
                    log.printf("prepare: %d/%d photos, %d faces, %d without a face, %.0f s%n", i + 1, photos.size(),
                            faces.size() + pending.size(), noFace, (System.nanoTime() - start) / 1e9);
                }
            }
            embed(teacher, pending, aligned, faces);
            FaceCache result = new FaceCache(TEACHER_SIZE, teacher.model().embeddingSize(), faces);
            result.write(cache);
            log.printf("prepare: %d faces cached (%d validation) from %d photos; %d without a face, %d unreadable; %.0f s%n",
                    faces.size(), result.split(true).size(), photos.size(), noFace, unreadable,
                    (System.nanoTime() - start) / 1e9);
            return result;
        }
    }

    private static void embed(SavedModelEmbedder teacher, List<Photo> pending, List<AlignedFace> aligned,
            List<FaceCache.Face> into) {
        if (pending.isEmpty()) {
            return;
        }
        List<Embedding> e = teacher.embed(aligned);
        for (int j = 0; j < pending.size(); j++) {
            Photo p = pending.get(j);
            into.add(new FaceCache.Face(aligned.get(2 * j).image().toRgbBytes(), e.get(2 * j).values(),
                    e.get(2 * j + 1).values(), p.group(), p.validation()));
        }
        pending.clear();
        aligned.clear();
    }

    /** The largest detected face: in these sources the labelled person fills the photo. */
    static DetectedFace mainFace(List<DetectedFace> faces) {
        return faces.stream().max(Comparator.comparingDouble(f -> f.box().width() * f.box().height()))
                .orElse(null);
    }

    static RgbImage mirror(RgbImage image) {
        int w = image.width();
        int h = image.height();
        byte[] src = image.toRgbBytes();
        byte[] dst = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * 3, dst, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return new RgbImage(w, h, dst);
    }

    private static RgbImage decode(Path file) {
        try {
            var image = ImageIO.read(file.toFile());
            return image == null ? null : RgbImage.of(image);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("training source " + dir + " is missing");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<Path> folders(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("training source " + dir + " is missing");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(Files::isDirectory).sorted().toList());
        }
    }

    private static <T> List<T> limit(List<T> list, int limit) {
        return limit > 0 && list.size() > limit ? list.subList(0, limit) : list;
    }

    private static List<String> names(List<Path> dirs) {
        return dirs.stream().map(p -> p.getFileName().toString()).toList();
    }
}
