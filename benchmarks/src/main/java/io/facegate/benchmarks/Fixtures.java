package io.facegate.benchmarks;

import io.facegate.align.internal.SimilarityFaceAligner;
import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnDetectorConfig;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import io.facegate.tensorflow.LoadedModel;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import javax.imageio.ImageIO;

/**
 * Where the benchmarks find models and photos, and how they build the production stages
 * outside OSGi. Shared by the JMH benchmarks and {@link LeakCheck}.
 */
public final class Fixtures {
    /** Folder holding {@code demo/} with the shared face photos (the project-wide property). */
    public static final String DATA_DIR_PROPERTY = "facegate.data.dir";
    /** Folder holding the unpacked SavedModels ({@code mtcnn-*}, {@code mobilefacenet-112}). */
    public static final String MODELS_DIR_PROPERTY = "facegate.models.dir";
    /** JavaCPP's cache of unpacked TensorFlow natives. */
    public static final String JAVACPP_CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";
    /** The embedding model benchmarked. */
    public static final String EMBEDDER_ID = "mobilefacenet-112";
    /** Photo that the embedder and aligner benchmarks take their face from. */
    public static final String FACE_PHOTO = "obama.jpg";
    /**
     * Landscape photo that the detector benchmark and the leak check make camera frames of: three faces
     * survive the centre crop to 4:3 and 16:9 ({@value #FACE_PHOTO} is a portrait whose face a 4:3 crop cuts).
     */
    public static final String FRAME_PHOTO = "obama_and_biden.jpg";
    /** The detector settings {@link #describeDetectorSettings()} reports, in this order. */
    static final List<String> DETECTOR_SETTINGS = List.of("minFaceSize", "scaleFactor", "pnetThreshold",
            "rnetThreshold", "onetThreshold", "maxImageSide");
    /** Most faces per TensorFlow run, as the MobileFaceNet bundle's default {@code max_batch}. */
    public static final int MAX_BATCH = 16;

    private Fixtures() {
    }

    /** Thrown when models or photos are absent; the message says where they were looked for. */
    public static final class MissingDataException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        MissingDataException(String message) {
            super(message);
        }
    }

    /**
     * {@code target/} of this module: the folder of the jar, or the parent of {@code target/classes}.
     */
    static Path targetDir() {
        try {
            Path location = Path.of(Fixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toAbsolutePath().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("target").toAbsolutePath();
        }
    }

    /** @return {@code -Dfacegate.data.dir}, else {@code ../shared/data} beside the repository */
    public static Path dataDir() {
        String p = System.getProperty(DATA_DIR_PROPERTY);
        // benchmarks/target -> benchmarks -> repository -> its parent, which holds shared/
        return p != null && !p.isBlank() ? Path.of(p).toAbsolutePath()
                : targetDir().resolve("../../../shared/data").normalize();
    }

    /** @return the folder of demo photos */
    public static Path demoDir() {
        return dataDir().resolve("demo");
    }

    /** @return {@code -Dfacegate.models.dir}, else {@code target/models} */
    public static Path modelsDir() {
        String p = System.getProperty(MODELS_DIR_PROPERTY);
        return p != null && !p.isBlank() ? Path.of(p).toAbsolutePath() : targetDir().resolve("models");
    }

    /**
     * @param photo a file name inside {@link #demoDir()}, or a path
     * @return the existing file
     * @throws MissingDataException if it is not there
     */
    public static Path photo(String photo) {
        Path given = Path.of(photo);
        Path file = given.isAbsolute() || given.getNameCount() > 1 ? given : demoDir().resolve(photo);
        if (!Files.isRegularFile(file)) {
            throw new MissingDataException("photo " + file + " not found: the benchmarks need the shared demo photos"
                    + " (set -D" + DATA_DIR_PROPERTY + "=<folder holding demo/>, see docs/data.md)");
        }
        return file;
    }

    /** @throws MissingDataException naming the first model folder that is missing */
    public static void requireModels() {
        for (String id : List.of("mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet", EMBEDDER_ID)) {
            Path dir = modelsDir().resolve(id);
            if (!Files.isDirectory(dir)) {
                throw new MissingDataException("model " + dir + " not found: build the module (mvn install -f"
                        + " benchmarks/pom.xml unpacks expo-face-models into target/models) or set -D"
                        + MODELS_DIR_PROPERTY);
            }
        }
    }

    /** Points JavaCPP at the shared natives cache unless the caller chose one. */
    public static void configureJavaCpp() {
        if (System.getProperty(JAVACPP_CACHE_PROPERTY) == null) {
            System.setProperty(JAVACPP_CACHE_PROPERTY,
                    Path.of(System.getProperty("user.home"), ".javacpp", "cache").toString());
        }
    }

    /**
     * @param file a photo
     * @return it as RGB
     */
    public static BufferedImage read(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new IllegalArgumentException("no image reader for " + file);
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Scales a photo to cover {@code width x height} and crops the centre, keeping its aspect
     * ratio, like a camera with that resolution would frame the scene.
     *
     * @param img    the photo
     * @param width  frame width
     * @param height frame height
     * @return the frame
     */
    public static RgbImage frame(BufferedImage img, int width, int height) {
        double scale = Math.max((double) width / img.getWidth(), (double) height / img.getHeight());
        int sw = Math.max(width, (int) Math.round(img.getWidth() * scale));
        int sh = Math.max(height, (int) Math.round(img.getHeight() * scale));
        Image scaled = img.getScaledInstance(sw, sh, Image.SCALE_AREA_AVERAGING);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(scaled, -(sw - width) / 2, -(sh - height) / 2, null);
        } finally {
            g.dispose();
        }
        return RgbImage.of(out);
    }

    /**
     * @param size {@code WIDTHxHEIGHT}, e.g. {@code 640x480}
     * @return {width, height}
     * @throws IllegalArgumentException if malformed
     */
    public static int[] parseSize(String size) {
        String[] parts = size.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int w = Integer.parseInt(parts[0].trim());
                int h = Integer.parseInt(parts[1].trim());
                if (w > 0 && h > 0) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("frame size must be WIDTHxHEIGHT, e.g. 640x480, got '" + size + "'");
    }

    /** @return the production MTCNN detector with the gateway's defaults; close it */
    public static MtcnnFaceDetector detector() {
        configureJavaCpp();
        requireModels();
        return MtcnnFaceDetector.load(modelsDir());
    }

    /**
     * The defaults that {@link #detector()} runs with, read from the defaults of the detector's
     * configuration type (both come from the same constants), for reports.
     *
     * @return e.g. {@code defaults[minFaceSize=20, ..., onetThreshold=0.9, maxImageSide=1280]}
     */
    public static String describeDetectorSettings() {
        StringJoiner s = new StringJoiner(", ", "defaults[", "]");
        for (String name : DETECTOR_SETTINGS) {
            Object value;
            try {
                value = MtcnnDetectorConfig.class.getMethod(name).getDefaultValue();
            } catch (NoSuchMethodException | RuntimeException e) {
                value = "?";
            }
            s.add(name + "=" + value);
        }
        return s.toString();
    }

    /** @return the production MobileFaceNet-112 embedder (the code the model bundle wraps); close it */
    public static SavedModelEmbedder embedder() {
        configureJavaCpp();
        requireModels();
        return new SavedModelEmbedder(LoadedModel.load(modelsDir().resolve(EMBEDDER_ID)), MAX_BATCH);
    }

    /** @return the production aligner */
    public static FaceAligner aligner() {
        return new SimilarityFaceAligner();
    }

    /**
     * @param image    a photo
     * @param detector a detector
     * @return the highest-scoring face
     * @throws IllegalStateException if there is none
     */
    public static DetectedFace bestFace(RgbImage image, FaceDetector detector, String what) {
        List<DetectedFace> faces = detector.detect(image);
        if (faces.isEmpty()) {
            throw new IllegalStateException("MTCNN finds no face in " + what);
        }
        return faces.get(0);
    }

    /**
     * Detects and aligns the best face of a photo once, with a detector that is closed again.
     *
     * @param photo file name in the demo folder
     * @param size  aligned side
     * @return the aligned face
     */
    public static AlignedFace alignedFace(String photo, int size) {
        RgbImage image = RgbImage.of(read(photo(photo)));
        try (MtcnnFaceDetector detector = detector()) {
            return aligner().align(image, bestFace(image, detector, photo), size);
        }
    }
}
