package io.facegate.eval;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceGateException;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import io.facegate.tensorflow.LoadedModel;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code bench}: quick wall-clock figures on this machine, median over timed runs after
 * warm-up runs (the first TensorFlow runs set up kernels and are not representative).
 * Embedders are timed on a face detected and aligned from the photo; MTCNN on the photo
 * centre-cropped to each frame's aspect ratio and resized.
 */
final class BenchCommand {
    /** A frame size. */
    private record Size(int width, int height) {
    }

    /** Frame sizes MTCNN is timed at: QVGA, VGA, 720p. */
    private static final List<Size> FRAME_SIZES = List.of(new Size(320, 240), new Size(640, 480), new Size(1280, 720));
    /** Batch sizes embedders are timed at, ascending. */
    private static final List<Integer> BATCHES = List.of(1, 8);

    private BenchCommand() {
    }

    /**
     * @param models     folder of model folders
     * @param photo      a real photo with a face
     * @param iterations timed runs per measurement
     * @param warmup     untimed runs before them
     */
    record Config(Path models, Path photo, int iterations, int warmup) {
    }

    /**
     * @param median median wall time of one run, ms
     * @param mean   mean wall time, ms
     */
    record Timing(double median, double mean) {
        static Timing of(double[] ms) {
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Timing(median, Arrays.stream(ms).average().orElse(Double.NaN));
        }

        Timing per(int items) {
            return new Timing(median / items, mean / items);
        }
    }

    /**
     * @param id     model id
     * @param loadMs time to load the SavedModel and build the embedder
     * @param perFace per batch size, the time per face
     */
    record EmbedderResult(String id, double loadMs, Map<Integer, Timing> perFace) {
    }

    /**
     * @param width  frame width
     * @param height frame height
     * @param frame  time per frame
     * @param faces  faces detected in the frame
     */
    record DetectorResult(int width, int height, Timing frame, int faces) {
    }

    /**
     * @param config    what was run
     * @param models    every model found, with size and parameter count
     * @param embedders timings per embedder
     * @param mtcnn     timings per frame size; empty without the MTCNN models
     */
    record Report(Config config, List<ModelDir> models, List<EmbedderResult> embedders, List<DetectorResult> mtcnn) {

        String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "bench on %d cores, %d timed runs after %d warm-up runs, photo %s%n",
                    Runtime.getRuntime().availableProcessors(), config.iterations(), config.warmup(), config.photo()));
            Table m = new Table("model", "kind", "parameters", "on disk");
            for (ModelDir d : models) {
                m.row(d.metadata().id(), d.embedder() ? "embedder" : "detector net",
                        d.parameters() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", d.parameters()),
                        String.format(Locale.ROOT, "%.2f MB", d.bytes() / 1e6));
            }
            b.append(m).append('\n');
            Table e = new Table("embedder", "load ms", "ms/face batch 1 (median)", "ms/face batch 8 (median)");
            for (EmbedderResult r : embedders) {
                e.row(r.id(), Table.fixed(r.loadMs(), 0), Table.fixed(r.perFace().get(1).median(), 2),
                        Table.fixed(r.perFace().get(8).median(), 2));
            }
            b.append(e);
            if (!mtcnn.isEmpty()) {
                b.append('\n');
                Table d = new Table("MTCNN frame", "ms/frame (median)", "ms/frame (mean)", "faces");
                for (DetectorResult r : mtcnn) {
                    d.row(r.width() + "x" + r.height(), Table.fixed(r.frame().median(), 1),
                            Table.fixed(r.frame().mean(), 1), r.faces());
                }
                b.append(d);
            }
            return b.toString();
        }

        Map<String, Object> json() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("command", "bench");
            j.put("input", Reports.map("models", config.models().toString(), "photo", config.photo().toString(),
                    "iterations", config.iterations(), "warmup", config.warmup()));
            List<Object> ms = new ArrayList<>();
            for (ModelDir d : models) {
                ms.add(Reports.map("id", d.metadata().id(), "version", d.metadata().version(),
                        "kind", d.embedder() ? "embedder" : "detector-net",
                        "parameters", d.parameters() < 0 ? null : d.parameters(), "bytesOnDisk", d.bytes()));
            }
            j.put("models", ms);
            List<Object> es = new ArrayList<>();
            for (EmbedderResult r : embedders) {
                Map<String, Object> batches = new LinkedHashMap<>();
                r.perFace().forEach((batch, t) -> batches.put(String.valueOf(batch),
                        Reports.map("msPerFaceMedian", t.median(), "msPerFaceMean", t.mean())));
                es.add(Reports.map("id", r.id(), "loadMs", r.loadMs(), "batches", batches));
            }
            j.put("embedders", es);
            List<Object> ds = new ArrayList<>();
            for (DetectorResult r : mtcnn) {
                ds.add(Reports.map("width", r.width(), "height", r.height(), "msPerFrameMedian", r.frame().median(),
                        "msPerFrameMean", r.frame().mean(), "faces", r.faces()));
            }
            j.put("mtcnn", ds);
            j.put("machine", Machine.describe());
            return j;
        }
    }

    /**
     * @param c        the configuration
     * @param progress progress lines, one per measurement
     * @return the report
     * @throws IOException if the models folder cannot be listed
     * @throws FaceGateException if the photo is unusable or a model fails
     */
    static Report run(Config c, Progress progress) throws IOException {
        ImageFiles.Decoded decoded = ImageFiles.read(c.photo());
        if (decoded.image() == null) {
            throw new FaceGateException("bench photo " + c.photo() + ": " + decoded.failure().label());
        }
        RgbImage photo = decoded.image();
        List<ModelDir> models = ModelDir.list(c.models());
        List<ModelDir> embedderDirs = models.stream().filter(ModelDir::embedder).toList();
        boolean hasMtcnn = List.of("mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet").stream()
                .allMatch(id -> Files.isDirectory(c.models().resolve(id)));
        int steps = embedderDirs.size() * BATCHES.size() + (hasMtcnn ? FRAME_SIZES.size() : 0);
        int step = 0;
        List<DetectorResult> mtcnn = new ArrayList<>();
        List<EmbedderResult> embedders = new ArrayList<>();
        DetectedFace face = null;
        FaceAligner aligner = StageFactory.aligner();
        if (hasMtcnn) {
            try (MtcnnFaceDetector detector = StageFactory.mtcnn(c.models())) {
                List<DetectedFace> faces = detector.detect(photo);
                int chosen = FaceChoice.choose(faces, photo.width(), photo.height());
                face = chosen < 0 ? null : faces.get(chosen);
                for (Size size : FRAME_SIZES) {
                    RgbImage frame = ImageFiles.frame(photo, size.width(), size.height());
                    int found = detector.detect(frame).size();
                    mtcnn.add(new DetectorResult(size.width(), size.height(), time(c, () -> detector.detect(frame)),
                            found));
                    progress.update(++step, steps);
                }
            }
        }
        for (ModelDir d : embedderDirs) {
            int size = d.metadata().inputSize();
            // a real aligned face where there is one; the timing does not depend on the pixels
            AlignedFace aligned = face != null ? aligner.align(photo, face, size) : FaceEncoder.preAligned(photo, size);
            long t0 = System.nanoTime();
            int maxBatch = BATCHES.get(BATCHES.size() - 1);
            try (SavedModelEmbedder embedder = new SavedModelEmbedder(LoadedModel.load(d.dir()), maxBatch)) {
                double loadMs = (System.nanoTime() - t0) / 1e6;
                Map<Integer, Timing> perFace = new LinkedHashMap<>();
                for (int batch : BATCHES) {
                    List<AlignedFace> faces = Collections.nCopies(batch, aligned);
                    perFace.put(batch, time(c, () -> embedder.embed(faces)).per(batch));
                    progress.update(++step, steps);
                }
                embedders.add(new EmbedderResult(d.metadata().id(), loadMs, perFace));
            }
        }
        return new Report(c, models, embedders, mtcnn);
    }

    private static Timing time(Config c, Supplier<?> work) {
        for (int i = 0; i < c.warmup(); i++) {
            work.get();
        }
        double[] ms = new double[c.iterations()];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            work.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return Timing.of(ms);
    }
}
