package io.facegate.benchmarks;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Native-memory leak check: runs the production stages N times on a real photo and watches
 * the process's resident set size ({@code VmRSS} in {@code /proc/self/status}). Every
 * TensorFlow tensor the stages create is native memory; one that is not closed grows RSS
 * with the number of calls, or, while the garbage collector still frees it through JavaCPP,
 * shows as a rising count of live native objects. Exit status 0 when RSS after warm-up grew by
 * no more than the limit and no native objects outlived their call, 1 otherwise, 2 on bad
 * usage or missing {@code /proc}, 3 when the results changed between calls. Without the
 * models or photos it prints SKIPPED and exits 0.
 *
 * <p>Run it with a fixed, pre-touched heap ({@code -Xms512m -Xmx512m -XX:+AlwaysPreTouch})
 * so that the Java heap does not show up as RSS growth, and with
 * {@code -XX:TrimNativeHeapInterval=1000} (JDK 17.0.9+) so that glibc hands memory that was freed
 * (for instance the JIT compiler's arenas) back to the system: without it RSS rises in steps of
 * 5-20 MB during the first few thousand calls that are not leaks.
 */
public final class LeakCheck {
    /** Exit status when RSS grew by more than the limit or native objects outlived their call. */
    static final int EXIT_LEAK = 1;
    /** Samples at each end of the run whose lowest value the growth criterion compares. */
    static final int FLOOR_WINDOW = 5;
    /** Exit status on bad usage or an unsupported platform. */
    static final int EXIT_USAGE = 2;
    /** Exit status when a call returned something else than the first call. */
    static final int EXIT_INCONSISTENT = 3;

    enum Mode { FULL, EMBED }

    /**
     * @param calls        calls to run
     * @param mode         {@code full}: detect + align + embed a frame per call; {@code embed}: embed pre-aligned faces
     * @param sampleEvery  calls between RSS samples
     * @param warmup       calls before the reference RSS sample
     * @param maxGrowthMb  allowed VmRSS growth from the end of warm-up to the end, MB
     * @param photo        demo photo (file name in the demo folder, or a path)
     * @param frame        {@code WIDTHxHEIGHT} the photo is cropped/scaled to, or {@code original}
     * @param batch        faces per embed call in {@code embed} mode
     * @param strict       whether JavaCPP's garbage-collector-driven freeing is off
     * @param injectLeakKb negative control: KB of tensor leaked on purpose per call, 0 for none
     * @param maxLiveNativeGrowth allowed rise of JavaCPP's live native objects over the count after the first call
     */
    record Options(long calls, Mode mode, long sampleEvery, long warmup, double maxGrowthMb, String photo,
                   String frame, int batch, boolean strict, int injectLeakKb, long maxLiveNativeGrowth) {

        static final String USAGE = String.join("\n",
                "usage: java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:TrimNativeHeapInterval=1000 \\",
                "            -cp facegate-benchmarks.jar " + LeakCheck.class.getName() + " [options]",
                "  --calls N            calls to run (default 100000)",
                "  --mode full|embed    full: detect + align + embed one frame per call (default);",
                "                       embed: embed pre-aligned faces only (much faster)",
                "  --batch B            faces per embed call in embed mode (default 1)",
                "  --sample-every K     calls between RSS samples (default calls/50)",
                "  --warmup W           calls before the reference RSS sample (default calls/10)",
                "  --max-growth-mb M    fail (exit 1) if the VmRSS floor (lowest of 5 samples) at the end is more than",
                "                       M MB above the floor right after warm-up (default 32)",
                "  --max-live-native N  fail (exit 1) if, at a sample after warm-up, JavaCPP tracks more than N",
                "                       native objects (tensors...) above the count after the first call (default 16);",
                "                       catches unclosed tensors that the GC frees before RSS shows them",
                "  --photo FILE         demo photo, a name in <facegate.data.dir>/demo or a path",
                "                       (default " + Fixtures.FRAME_PHOTO + ")",
                "  --frame WxH|original frame the photo is scaled and cropped to (default 640x480)",
                "  --strict             set org.bytedeco.javacpp.nopointergc=true: nothing is freed by the GC,",
                "                       so every native object that is not closed explicitly stays allocated",
                "  --inject-leak-kb L   negative control: also create a float tensor of L KB per call and never",
                "                       close it, to see that the check catches a leak (default 0)",
                "system properties: -Dfacegate.data.dir (folder holding demo/), -Dfacegate.models.dir");

        static Options parse(String... args) {
            long calls = 100_000;
            Mode mode = Mode.FULL;
            long every = -1;
            long warmup = -1;
            double maxGrowth = 32;
            String photo = Fixtures.FRAME_PHOTO;
            String frame = "640x480";
            int batch = 1;
            boolean strict = false;
            int injectLeakKb = 0;
            long maxLive = 16;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--strict")) {
                    strict = true;
                    continue;
                }
                if (a.equals("-h") || a.equals("--help")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + a);
                }
                String v = args[++i];
                try {
                    switch (a) {
                        case "--calls" -> calls = Long.parseLong(v);
                        case "--mode" -> mode = Mode.valueOf(v.toUpperCase(Locale.ROOT));
                        case "--sample-every" -> every = Long.parseLong(v);
                        case "--warmup" -> warmup = Long.parseLong(v);
                        case "--max-growth-mb" -> maxGrowth = Double.parseDouble(v);
                        case "--photo" -> photo = v;
                        case "--frame" -> frame = v;
                        case "--batch" -> batch = Integer.parseInt(v);
                        case "--inject-leak-kb" -> injectLeakKb = Integer.parseInt(v);
                        case "--max-live-native" -> maxLive = Long.parseLong(v);
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(a + " needs a number, got '" + v + "'");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage().startsWith("unknown") ? e.getMessage()
                            : "bad value '" + v + "' for " + a);
                }
            }
            if (calls < 3) {
                throw new IllegalArgumentException("--calls must be at least 3, got " + calls);
            }
            if (every < 0) {
                every = Math.max(1, calls / 50);
            }
            if (warmup < 0) {
                warmup = Math.max(2, calls / 10);
            }
            if (every < 1 || warmup < 2 || warmup >= calls) {
                // call 1 is the reference result, so warm-up ends at call 2 at the earliest
                throw new IllegalArgumentException("need --sample-every >= 1 and 2 <= --warmup < --calls");
            }
            if (!(maxGrowth >= 0)) {
                throw new IllegalArgumentException("--max-growth-mb must be >= 0, got " + maxGrowth);
            }
            if (batch < 1 || batch > 256) {
                throw new IllegalArgumentException("--batch must be within 1..256, got " + batch);
            }
            if (maxLive < 0) {
                throw new IllegalArgumentException("--max-live-native must be >= 0, got " + maxLive);
            }
            if (injectLeakKb < 0 || injectLeakKb > 1 << 20) {
                throw new IllegalArgumentException("--inject-leak-kb must be within 0..1048576, got " + injectLeakKb);
            }
            if (!frame.equalsIgnoreCase("original")) {
                Fixtures.parseSize(frame);
            }
            return new Options(calls, mode, every, warmup, maxGrowth, photo, frame, batch, strict, injectLeakKb,
                    maxLive);
        }
    }

    /** One unit of work; returns the embeddings so results can be compared between calls. */
    private interface Call {
        List<Embedding> run();
    }

    private LeakCheck() {
    }

    /**
     * @param args see {@link Options#USAGE}
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println(Options.USAGE);
            return e.getMessage().isEmpty() ? 0 : EXIT_USAGE;
        }
        if (!RssSampler.available()) {
            System.err.println("error: the leak check reads /proc/self/status and runs on Linux only");
            return EXIT_USAGE;
        }
        if (o.strict()) {
            // must happen before JavaCPP's Pointer class is initialised, i.e. before any model is loaded
            System.setProperty("org.bytedeco.javacpp.nopointergc", "true");
        }
        String missing = BenchmarkMain.missingData();
        if (missing == null) {
            try {
                Fixtures.photo(o.photo());
            } catch (Fixtures.MissingDataException e) {
                missing = e.getMessage();
            }
        }
        if (missing != null) {
            System.out.println("SKIPPED: leak check not run. " + missing);
            return 0;
        }
        return check(o);
    }

    private static int check(Options o) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.printf(Locale.ROOT, "leak check: %d %s calls on %s (%s), warm-up %d, sample every %d, limit %.1f MB%s%n",
                o.calls(), o.mode().name().toLowerCase(Locale.ROOT), o.photo(), o.frame(), o.warmup(), o.sampleEvery(),
                o.maxGrowthMb(), o.strict() ? ", strict (no JavaCPP GC freeing)" : "");
        System.out.printf(Locale.ROOT, "java %s, %d CPUs, heap init %d MB max %d MB, TF_NUM_INTRAOP_THREADS=%s"
                        + " TF_NUM_INTEROP_THREADS=%s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), heap.getInit() >> 20, heap.getMax() >> 20,
                System.getenv("TF_NUM_INTRAOP_THREADS"), System.getenv("TF_NUM_INTEROP_THREADS"));
        if (heap.getInit() != heap.getMax()) {
            System.out.println("WARNING: heap can grow (-Xms != -Xmx), heap growth will show as RSS growth;"
                    + " run with -Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:TrimNativeHeapInterval=1000");
        }
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .noneMatch(a -> a.startsWith("-XX:TrimNativeHeapInterval="))) {
            System.out.println("NOTE: without -XX:TrimNativeHeapInterval=1000 glibc keeps freed memory, so RSS"
                    + " rises in steps (5-20 MB) that are not leaks");
        }
        RssSampler.Rss atStart = RssSampler.sample();
        System.out.printf(Locale.ROOT, "RSS at start (before models): %.1f MB%n", atStart.vmRssMb());

        RgbImage photo = RgbImage.of(Fixtures.read(Fixtures.photo(o.photo())));
        RgbImage frame = o.frame().equalsIgnoreCase("original") ? photo : frame(photo, o.frame());
        FaceAligner aligner = Fixtures.aligner();
        try (MtcnnFaceDetector detector = Fixtures.detector(); SavedModelEmbedder embedder = Fixtures.embedder()) {
            int size = embedder.model().inputSize();
            Call call;
            if (o.mode() == Mode.FULL) {
                call = () -> {
                    List<DetectedFace> faces = detector.detect(frame);
                    List<AlignedFace> aligned = new ArrayList<>(faces.size());
                    for (DetectedFace f : faces) {
                        aligned.add(aligner.align(frame, f, size));
                    }
                    return aligned.isEmpty() ? List.of() : embedder.embed(aligned);
                };
            } else {
                AlignedFace face = aligner.align(frame, Fixtures.bestFace(frame, detector, o.photo()), size);
                List<AlignedFace> faces = Collections.nCopies(o.batch(), face);
                call = () -> embedder.embed(faces);
            }
            if (o.injectLeakKb() > 0) {
                System.out.println("NEGATIVE CONTROL: leaking a " + o.injectLeakKb() + " KB tensor per call on purpose");
                Call real = call;
                long floats = o.injectLeakKb() * 256L;
                call = () -> {
                    leakTensor(floats);
                    return real.run();
                };
            }
            return loop(o, call, atStart);
        }
    }

    private static RgbImage frame(RgbImage photo, String size) {
        int[] wh = Fixtures.parseSize(size);
        return Fixtures.frame(photo.toBufferedImage(), wh[0], wh[1]);
    }

    private static int loop(Options o, Call call, RssSampler.Rss atStart) {
        List<Embedding> reference = call.run();
        RssSampler.Rss loaded = RssSampler.sample();
        // the models' own native objects; every call's tensors must be gone again when the call returns
        long baseLive = pointerCount();
        long maxLive = baseLive;
        System.out.printf(Locale.ROOT, "RSS with models loaded, after the first call: %.1f MB (%d face(s) per call)%n",
                loaded.vmRssMb(), reference.size());
        if (o.mode() == Mode.FULL && reference.isEmpty()) {
            System.out.println("WARNING: MTCNN finds no face in " + o.photo() + " at " + o.frame()
                    + ": only detection runs");
        }
        System.out.println("     calls  elapsed_s   calls/s  VmRSS_MB  RssAnon_MB  dRSS_MB  heap_MB  javacpp_ptrs");
        Slope slope = new Slope();
        Slope anonSlope = new Slope();
        // a one-off step (an allocator arena, JIT code) skews a straight line; the second half shows the trend
        Slope lateSlope = new Slope();
        long lateFrom = o.warmup() + (o.calls() - o.warmup()) / 2;
        RssSampler.Rss afterWarmup = null;
        RssSampler.Rss last = loaded;
        double maxAfterWarmup = 0;
        List<Double> afterWarmupMb = new ArrayList<>();
        long t0 = System.nanoTime();
        for (long i = 2; i <= o.calls(); i++) {
            List<Embedding> result = call.run();
            boolean atWarmup = i == o.warmup();
            if (i % o.sampleEvery() != 0 && !atWarmup && i != o.calls()) {
                continue;
            }
            String mismatch = compare(reference, result);
            if (mismatch != null) {
                System.out.println("FAIL: call " + i + " " + mismatch);
                return EXIT_INCONSISTENT;
            }
            last = RssSampler.sample();
            if (atWarmup) {
                afterWarmup = last;
            }
            if (afterWarmup != null) {
                if (i >= lateFrom) {
                    lateSlope.add(i, last.vmRssMb());
                }
                slope.add(i, last.vmRssMb());
                afterWarmupMb.add(last.vmRssMb());
                anonSlope.add(i, last.rssAnonMb());
                maxAfterWarmup = Math.max(maxAfterWarmup, last.vmRssMb() - afterWarmup.vmRssMb());
            }
            long live = pointerCount();
            if (afterWarmup != null) {
                maxLive = Math.max(maxLive, live);
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Runtime rt = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "%10d %10.1f %9.1f %9.1f %11.1f %8s %8d %13d%s%n", i, elapsed,
                    (i - 1) / elapsed, last.vmRssMb(), last.rssAnonMb(),
                    afterWarmup == null ? "-" : String.format(Locale.ROOT, "%+.1f", last.vmRssMb() - afterWarmup.vmRssMb()),
                    (rt.totalMemory() - rt.freeMemory()) >> 20, live, atWarmup ? "  <- end of warm-up" : "");
        }
        double growth = floorGrowth(afterWarmupMb);
        System.out.printf(Locale.ROOT, "%nRSS start %.1f MB, models loaded %.1f MB, after warm-up (%d calls) %.1f MB,"
                        + " end (%d calls) %.1f MB%n", atStart.vmRssMb(), loaded.vmRssMb(), o.warmup(),
                afterWarmup.vmRssMb(), o.calls(), last.vmRssMb());
        System.out.printf(Locale.ROOT, "growth after warm-up: %+.1f MB at the end, %+.1f MB at most, %+.1f MB floor to"
                        + " floor (lowest of the last %d samples minus lowest of the first %d after warm-up)%n",
                last.vmRssMb() - afterWarmup.vmRssMb(), maxAfterWarmup, growth, FLOOR_WINDOW, FLOOR_WINDOW);
        System.out.printf(Locale.ROOT, "slope after warm-up: %+.2f MB per 10k calls (RssAnon %+.2f MB per 10k calls,"
                + " %d samples)%n", slope.mbPer10kCalls(), anonSlope.mbPer10kCalls(), slope.count());
        System.out.printf(Locale.ROOT, "slope over the second half (calls %d-%d): %+.2f MB per 10k calls (%d samples)%n",
                lateFrom, o.calls(), lateSlope.mbPer10kCalls(), lateSlope.count());
        System.out.println(o.strict() ? "live JavaCPP native objects: not tracked in strict mode"
                : "live JavaCPP native objects: " + baseLive + " after the first call, at most " + maxLive
                        + " after warm-up (limit +" + o.maxLiveNativeGrowth() + ")");
        boolean fail = false;
        if (growth > o.maxGrowthMb()) {
            System.out.printf(Locale.ROOT, "FAIL: RSS floor grew %.1f MB after warm-up, more than the %.1f MB limit%n",
                    growth, o.maxGrowthMb());
            fail = true;
        }
        if (maxLive - baseLive > o.maxLiveNativeGrowth()) {
            System.out.printf(Locale.ROOT, "FAIL: %d native objects outlived their call (unclosed tensors?),"
                    + " more than the limit of %d%n", maxLive - baseLive, o.maxLiveNativeGrowth());
            fail = true;
        }
        if (fail) {
            return EXIT_LEAK;
        }
        System.out.printf(Locale.ROOT, "PASS: RSS floor grew %.1f MB after warm-up (limit %.1f MB), %d native objects"
                + " outlived their call%n", growth, o.maxGrowthMb(), maxLive - baseLive);
        return 0;
    }

    /**
     * RSS growth judged by its floor: a leak lifts the lowest RSS for good, while a sample that
     * happens to fall on a burst (a JIT compilation, a big frame's buffers before glibc trims
     * them) does not.
     *
     * @param mb VmRSS samples from the end of warm-up on, in order
     * @return lowest of the last {@value #FLOOR_WINDOW} samples minus lowest of the first ones (fewer when
     *         there are fewer than twice as many samples)
     */
    static double floorGrowth(List<Double> mb) {
        int w = Math.min(FLOOR_WINDOW, Math.max(1, mb.size() / 2)); // the two windows never overlap
        double first = mb.subList(0, w).stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double last = mb.subList(mb.size() - w, mb.size()).stream().mapToDouble(Double::doubleValue).min().orElse(0);
        return last - first;
    }

    /** @return why {@code actual} differs from the first call's result, or null if it does not */
    static String compare(List<Embedding> expected, List<Embedding> actual) {
        if (expected.size() != actual.size()) {
            return "returned " + actual.size() + " embeddings, the first call " + expected.size();
        }
        for (int i = 0; i < expected.size(); i++) {
            float c = expected.get(i).cosine(actual.get(i));
            if (c < 0.999f) {
                return "embedding " + i + " has cosine " + c + " to the first call's";
            }
        }
        return null;
    }

    /** Allocates a native tensor and drops it without closing it: the bug this check exists to catch. */
    @SuppressWarnings("resource")
    private static void leakTensor(long floats) {
        org.tensorflow.types.TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(floats)).setFloat(1f, 0);
    }

    /** Native objects JavaCPP tracks (tensors, buffers) that are neither closed nor collected yet. */
    private static long pointerCount() {
        return org.bytedeco.javacpp.Pointer.totalCount();
    }
}
