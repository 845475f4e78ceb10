package io.facegate.gallery.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.ChannelOrder;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.ModelInfo;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for a face model: the embedding is a fixed random
 * projection of the mean colours of an 8x8 grid of the crop (centred), so crops
 * of the same synthetic "person" (same block colours, different pixel noise,
 * any size) embed close together and different people far apart. Like a real
 * embedder it refuses crops that are not at its input size.
 */
final class FakeEmbedder implements FaceEmbedder {
    private static final int GRID = 8;
    private static final int FEATURES = GRID * GRID * 3;

    private final ModelInfo model;
    private final float[][] projection;
    final AtomicInteger facesEmbedded = new AtomicInteger();
    volatile long delayMillisPerCall;
    volatile RuntimeException failure;

    FakeEmbedder(String id, int inputSize, int dimension, float threshold, long seed) {
        this.model = new ModelInfo(id, "1", inputSize, ChannelOrder.RGB, 127.5f, 128f, dimension, threshold);
        Random r = new Random(seed);
        projection = new float[dimension][FEATURES];
        for (float[] row : projection) {
            for (int i = 0; i < FEATURES; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    @Override
    public List<Embedding> embed(List<AlignedFace> faces) {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        if (delayMillisPerCall > 0) {
            try {
                Thread.sleep(delayMillisPerCall);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FaceGateException("interrupted");
            }
        }
        List<Embedding> out = new ArrayList<>();
        for (AlignedFace face : faces) {
            if (face.size() != model.inputSize()) {
                throw new IllegalArgumentException("expected " + model.inputSize() + " px, got " + face.size());
            }
            out.add(new Embedding(model.id(), model.version(), project(features(face.image()))));
            facesEmbedded.incrementAndGet();
        }
        return out;
    }

    /** @return the embedding of one crop of any size (resized like the gallery does) */
    Embedding probe(RgbImage image) {
        return embed(List.of(aligned(Crops.resize(image, model.inputSize())))).get(0);
    }

    private float[] project(double[] x) {
        float[] v = new float[projection.length];
        for (int i = 0; i < v.length; i++) {
            double s = 0;
            for (int j = 0; j < FEATURES; j++) {
                s += projection[i][j] * x[j];
            }
            v[i] = (float) s;
        }
        return v;
    }

    private static double[] features(RgbImage img) {
        int s = img.width();
        double[] f = new double[FEATURES];
        int[] n = new int[GRID * GRID];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int b = (y * GRID / s) * GRID + x * GRID / s;
                n[b]++;
                for (int c = 0; c < 3; c++) {
                    f[b * 3 + c] += img.sample(x, y, c);
                }
            }
        }
        double mean = 0;
        for (int i = 0; i < FEATURES; i++) {
            f[i] /= n[i / 3];
            mean += f[i];
        }
        mean /= FEATURES;
        for (int i = 0; i < FEATURES; i++) {
            f[i] -= mean;
        }
        return f;
    }

    /**
     * A synthetic face crop: 8x8 blocks coloured from {@code person}, plus pixel noise from {@code photo}.
     */
    static RgbImage face(long person, long photo, int size) {
        // SplittableRandom mixes its seed: java.util.Random gives correlated first values for nearby seeds
        SplittableRandom colours = new SplittableRandom(person * 7919L + 17);
        int[] block = new int[GRID * GRID * 3];
        for (int i = 0; i < block.length; i++) {
            block[i] = 30 + colours.nextInt(196);
        }
        SplittableRandom noise = new SplittableRandom(photo * 104729L + person);
        byte[] px = new byte[size * size * 3];
        for (int y = 0, o = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int b = (y * GRID / size) * GRID + x * GRID / size;
                for (int c = 0; c < 3; c++, o++) {
                    int v = block[b * 3 + c] + noise.nextInt(21) - 10;
                    px[o] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new RgbImage(size, size, px);
    }

    static AlignedFace aligned(RgbImage image) {
        Point p = new Point(image.width() / 2f, image.height() / 2f);
        return new AlignedFace(image, new DetectedFace(new BoundingBox(0, 0, image.width(), image.height()), 0.99f,
                new FaceLandmarks(p, p, p, p, p)));
    }

    static List<AlignedFace> photos(long person, int count, int size) {
        List<AlignedFace> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(aligned(face(person, 1000 + i, size)));
        }
        return out;
    }
}
