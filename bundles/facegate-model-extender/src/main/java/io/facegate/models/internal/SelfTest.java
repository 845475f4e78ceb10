package io.facegate.models.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.ModelInfo;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.util.List;

/**
 * The check a model passes before its embedder is registered: the embedding of a built-in synthetic face is of the
 * declared size, finite and of unit length, and the same when computed twice. It catches a SavedModel with another
 * output size, one that outputs NaN, infinities or zeros, or one that is not deterministic.
 */
final class SelfTest {
    private SelfTest() {
    }

    /**
     * @param embedder the embedder to check
     * @throws FaceGateException saying what is wrong
     */
    static void check(FaceEmbedder embedder) {
        ModelInfo m = embedder.model();
        AlignedFace face = syntheticFace(m.inputSize());
        List<Embedding> first;
        List<Embedding> second;
        try {
            first = embedder.embed(List.of(face));
            second = embedder.embed(List.of(face));
        } catch (IllegalArgumentException e) {
            // Embedding refuses a vector with a NaN, infinite or zero norm
            throw new FaceGateException("self-test of " + m.key() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new FaceGateException("self-test of " + m.key() + " failed: " + e, e);
        }
        if (first.size() != 1 || second.size() != 1) {
            throw new FaceGateException("self-test of " + m.key() + ": one face gave " + first.size()
                    + " embeddings");
        }
        float[] v = first.get(0).values();
        if (v.length != m.embeddingSize()) {
            throw new FaceGateException("self-test of " + m.key() + ": embedding has " + v.length
                    + " values, the model declares " + m.embeddingSize());
        }
        double norm = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new FaceGateException("self-test of " + m.key() + ": embedding is not finite");
            }
            norm += (double) x * x;
        }
        if (Math.abs(Math.sqrt(norm) - 1) > 1e-3) {
            throw new FaceGateException("self-test of " + m.key() + ": embedding norm " + Math.sqrt(norm)
                    + " is not 1");
        }
        if (first.get(0).cosine(second.get(0)) < 0.9999f) {
            throw new FaceGateException("self-test of " + m.key() + ": the same face gives different embeddings");
        }
    }

    /** A face-like pattern: a bright oval on a dark ground with darker eyes and mouth, the same every time. */
    static AlignedFace syntheticFace(int size) {
        byte[] px = new byte[size * size * 3];
        double c = size / 2.0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = (x - c) / (0.38 * size);
                double dy = (y - c) / (0.48 * size);
                double value = dx * dx + dy * dy <= 1 ? 190 - 40 * dy : 40 + 30.0 * y / size;
                if (spot(x, y, 0.35 * size, 0.42 * size, 0.06 * size) || spot(x, y, 0.65 * size, 0.42 * size,
                        0.06 * size) || spot(x, y, 0.5 * size, 0.72 * size, 0.08 * size)) {
                    value = 60;
                }
                int i = 3 * (y * size + x);
                px[i] = (byte) Math.min(255, value + 20);
                px[i + 1] = (byte) value;
                px[i + 2] = (byte) Math.max(0, value - 25);
            }
        }
        Point left = new Point(0.35f * size, 0.42f * size);
        Point right = new Point(0.65f * size, 0.42f * size);
        Point nose = new Point(0.5f * size, 0.58f * size);
        return new AlignedFace(new RgbImage(size, size, px), new DetectedFace(new BoundingBox(0, 0, size, size), 1f,
                new FaceLandmarks(left, right, nose, new Point(0.4f * size, 0.72f * size),
                        new Point(0.6f * size, 0.72f * size))));
    }

    private static boolean spot(int x, int y, double cx, double cy, double r) {
        return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
    }
}
