package io.facegate.operations.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.ChannelOrder;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Gallery;
import io.facegate.api.GalleryHealth;
import io.facegate.api.Identity;
import io.facegate.api.ModelInfo;
import io.facegate.api.PersonSummary;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/** Stand-ins for the stage services, recording what they were asked. */
final class Fakes {
    private Fakes() {
    }

    /** A PNG of the given size whose top-left pixel's red value encodes a face id (see {@link #faceOf}). */
    static byte[] png(int width, int height, int marker) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, marker << 16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A square face at x with the given side, its five landmarks at its centre. */
    static DetectedFace face(float x, float size) {
        Point p = new Point(x + size / 2, size / 2);
        return new DetectedFace(new BoundingBox(x, 0, size, size), 0.99f, new FaceLandmarks(p, p, p, p, p));
    }

    /** The red value of the top-left pixel: which "person" an image or crop shows. */
    static int faceOf(RgbImage image) {
        return image.sample(0, 0, 0);
    }

    /** Finds two faces (10 and 30 px) in images wider than 40 px, one (20 px) in others of at least 20, none below. */
    static final class Detector implements FaceDetector {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public List<DetectedFace> detect(RgbImage image) {
            calls.incrementAndGet();
            if (image.width() > 40) {
                return List.of(face(0, 10), face(20, 30));
            }
            return image.width() >= 20 ? List.of(face(0, 20)) : List.of();
        }
    }

    /** Crops of the requested size carrying the image's marker; refuses faces of exactly 10 px. */
    static final class Aligner implements FaceAligner {
        final List<DetectedFace> aligned = new ArrayList<>();

        @Override
        public synchronized AlignedFace align(RgbImage image, DetectedFace face, int size) {
            if (face.box().width() == 10f) {
                throw new IllegalArgumentException("degenerate landmarks");
            }
            aligned.add(face);
            byte[] rgb = new byte[size * size * 3];
            rgb[0] = (byte) faceOf(image);
            return new AlignedFace(new RgbImage(size, size, rgb), face);
        }
    }

    static ModelInfo model(String id, int inputSize) {
        return new ModelInfo(id, "1", inputSize, ChannelOrder.RGB, 127.5f, 128f, 4, 0.5f);
    }

    /** Embeds a crop as a one-hot vector of its marker (mod 4), so equal markers match. */
    static final class Embedder implements FaceEmbedder {
        private final ModelInfo model;

        Embedder(ModelInfo model) {
            this.model = model;
        }

        @Override
        public ModelInfo model() {
            return model;
        }

        @Override
        public List<Embedding> embed(List<AlignedFace> faces) {
            List<Embedding> out = new ArrayList<>();
            for (AlignedFace f : faces) {
                if (f.size() != model.inputSize()) {
                    throw new IllegalArgumentException("wrong size " + f.size());
                }
                float[] v = new float[4];
                v[faceOf(f.image()) % 4] = 1;
                out.add(new Embedding(model.id(), model.version(), v));
            }
            return out;
        }
    }

    /** An in-memory gallery: a person per name with their crops' markers; names validated like the real one. */
    static final class MemoryGallery implements Gallery {
        final Map<String, List<Integer>> people = new TreeMap<>();
        final AtomicInteger enrolCalls = new AtomicInteger();
        final List<Integer> enrolledSizes = new ArrayList<>();

        private static String valid(String name) {
            if (name == null || name.isBlank() || name.contains("/")) {
                throw new IllegalArgumentException("person name must not contain a path separator: " + name);
            }
            return name.strip();
        }

        @Override
        public synchronized void enroll(String name, List<AlignedFace> faces) {
            enrolCalls.incrementAndGet();
            String n = valid(name);
            if (faces.isEmpty()) {
                throw new IllegalArgumentException("no faces");
            }
            for (AlignedFace f : faces) {
                people.computeIfAbsent(n, k -> new ArrayList<>()).add(faceOf(f.image()));
                enrolledSizes.add(f.size());
            }
        }

        @Override
        public synchronized boolean forget(String name) {
            return people.remove(name == null ? null : name.strip()) != null;
        }

        @Override
        public synchronized boolean rename(String from, String to) {
            String t = valid(to);
            if (people.containsKey(t)) {
                throw new IllegalArgumentException(t + " is already enrolled");
            }
            List<Integer> crops = people.remove(from.strip());
            if (crops == null) {
                return false;
            }
            people.put(t, crops);
            return true;
        }

        @Override
        public synchronized List<String> people() {
            return List.copyOf(people.keySet());
        }

        @Override
        public synchronized List<PersonSummary> summaries() {
            return people.entrySet().stream()
                    .map(e -> new PersonSummary(e.getKey(), e.getValue().size(), Map.of("m:1", e.getValue().size())))
                    .toList();
        }

        @Override
        public GalleryHealth health() {
            return new GalleryHealth(GalleryHealth.OK, 0, 0, null);
        }

        @Override
        public synchronized Identity identify(Embedding embedding) {
            float[] v = embedding.values();
            for (Map.Entry<String, List<Integer>> e : people.entrySet()) {
                for (int marker : e.getValue()) {
                    if (v[marker % 4] > 0.99f) {
                        return Identity.of(e.getKey(), v[marker % 4], 0.5f);
                    }
                }
            }
            return Identity.unknown(0f, 0.5f);
        }
    }
}
