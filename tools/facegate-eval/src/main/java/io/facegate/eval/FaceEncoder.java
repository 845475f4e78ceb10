package io.facegate.eval;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The gateway's pipeline over image files: decode, detect, choose the face, align to the
 * model's input size, embed in batches. Decoding and detection run on a small thread pool;
 * every image ends as an embedding or a {@link Failure}, never as an exception.
 */
final class FaceEncoder implements AutoCloseable {
    /** Images prepared between two embedder calls: enough to fill several batches. */
    private static final int CHUNK = 64;

    /**
     * @param embedding the embedding, or null
     * @param failure   why there is none, or null
     */
    record Encoded(Embedding embedding, Failure failure) {
        boolean ok() {
            return embedding != null;
        }
    }

    /**
     * @param byFile         outcome per distinct file, in the order first given
     * @param prepareSeconds wall time spent decoding, detecting and aligning
     * @param embedSeconds   wall time spent in the embedder
     */
    record Run(Map<Path, Encoded> byFile, double prepareSeconds, double embedSeconds) {
        /** @return images per failure category, every category present */
        Map<Failure, Integer> failures() {
            Map<Failure, Integer> counts = new EnumMap<>(Failure.class);
            for (Failure f : Failure.values()) {
                counts.put(f, 0);
            }
            byFile.values().stream().filter(e -> !e.ok()).forEach(e -> counts.merge(e.failure(), 1, Integer::sum));
            return counts;
        }

        /** @return images that produced an embedding */
        long embedded() {
            return byFile.values().stream().filter(Encoded::ok).count();
        }
    }

    private record Prepared(AlignedFace face, Failure failure) {
    }

    private final FaceEmbedder embedder;
    private final FaceDetector detector;
    private final FaceAligner aligner;
    private final ExecutorService pool;

    /**
     * @param embedder the model
     * @param detector the detector, or null for pre-aligned input (resized to the model size)
     * @param aligner  the aligner, or null for pre-aligned input
     * @param threads  decode/detect threads, at least 1
     */
    FaceEncoder(FaceEmbedder embedder, FaceDetector detector, FaceAligner aligner, int threads) {
        if ((detector == null) != (aligner == null)) {
            throw new IllegalArgumentException("detector and aligner go together");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.detector = detector;
        this.aligner = aligner;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "facegate-eval-prepare");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param files    images; duplicates are encoded once
     * @param progress progress reporting
     * @return the outcome per distinct file
     * @throws FaceGateException if the detector or embedder fails (a broken model, not a bad image)
     */
    Run encode(Collection<Path> files, Progress progress) {
        List<Path> distinct = new ArrayList<>(new LinkedHashSet<>(files));
        Map<Path, Encoded> out = new LinkedHashMap<>();
        long prepareNanos = 0;
        long embedNanos = 0;
        progress.update(0, distinct.size());
        for (int from = 0; from < distinct.size(); from += CHUNK) {
            List<Path> chunk = distinct.subList(from, Math.min(distinct.size(), from + CHUNK));
            long t0 = System.nanoTime();
            List<Prepared> prepared = prepareAll(chunk);
            long t1 = System.nanoTime();
            List<AlignedFace> faces = prepared.stream().filter(p -> p.face() != null).map(Prepared::face).toList();
            List<Embedding> embeddings = faces.isEmpty() ? List.of() : embedder.embed(faces);
            long t2 = System.nanoTime();
            prepareNanos += t1 - t0;
            embedNanos += t2 - t1;
            int next = 0;
            for (int i = 0; i < chunk.size(); i++) {
                Prepared p = prepared.get(i);
                out.put(chunk.get(i), p.face() != null ? new Encoded(embeddings.get(next++), null)
                        : new Encoded(null, p.failure()));
            }
            progress.update(out.size(), distinct.size());
        }
        return new Run(out, prepareNanos / 1e9, embedNanos / 1e9);
    }

    private List<Prepared> prepareAll(List<Path> chunk) {
        List<Future<Prepared>> futures = new ArrayList<>(chunk.size());
        for (Path file : chunk) {
            futures.add(pool.submit((Callable<Prepared>) () -> prepare(file)));
        }
        List<Prepared> result = new ArrayList<>(chunk.size());
        try {
            for (Future<Prepared> f : futures) {
                result.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new FaceGateException("interrupted while preparing images", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw e.getCause() instanceof RuntimeException r ? r
                    : new FaceGateException("preparing images failed: " + e.getCause(), e.getCause());
        }
        return result;
    }

    private Prepared prepare(Path file) {
        ImageFiles.Decoded decoded = ImageFiles.read(file);
        if (decoded.image() == null) {
            return new Prepared(null, decoded.failure());
        }
        return prepare(decoded.image());
    }

    /**
     * @param image a decoded image
     * @return its aligned face at the model size, or why there is none
     */
    private Prepared prepare(RgbImage image) {
        int size = embedder.model().inputSize();
        if (detector == null) {
            return new Prepared(preAligned(image, size), null);
        }
        List<DetectedFace> faces = detector.detect(image);
        int chosen = FaceChoice.choose(faces, image.width(), image.height());
        if (chosen < 0) {
            return new Prepared(null, Failure.NO_FACE);
        }
        try {
            return new Prepared(aligner.align(image, faces.get(chosen), size), null);
        } catch (IllegalArgumentException e) {
            return new Prepared(null, Failure.UNALIGNABLE);
        }
    }

    /**
     * A pre-aligned crop has no detection; the embedder reads only the pixels, so the whole
     * image with nominal landmarks stands in for one.
     *
     * @param image a crop already aligned to some template
     * @param size  the model's input size
     * @return the crop resized to {@code size x size}
     */
    static AlignedFace preAligned(RgbImage image, int size) {
        Point c = new Point(size / 2f, size / 2f);
        DetectedFace whole = new DetectedFace(new BoundingBox(0, 0, size, size), 1f, new FaceLandmarks(c, c, c, c, c));
        return new AlignedFace(ImageFiles.resize(image, size, size), whole);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
