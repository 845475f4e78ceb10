package io.facegate.tensorflow;

import io.facegate.api.AlignedFace;
import io.facegate.api.ChannelOrder;
import io.facegate.api.Embedding;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.ModelInfo;
import io.facegate.api.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A {@link FaceEmbedder} over any loaded SavedModel that maps a batch of
 * aligned faces {@code [n, size, size, 3]} (float, normalised as its metadata
 * says) to embeddings {@code [n, d]}. Model bundles wrap one of these in their
 * DS component, so they carry data and almost no code.
 *
 * <p><b>Flip averaging</b> (test-time augmentation, optional): each face is also embedded
 * mirrored left to right, in the same session run, and the embedding is the L2-normalised
 * sum of the two raw model outputs, {@code normalise(f(face) + f(mirror(face)))}, as in
 * insightface's evaluation. The raw outputs are added before normalising, so for a model
 * whose outputs are not unit length (MobileFaceNet-112) the view with the larger output
 * norm weighs more; for a model that normalises in its graph it is the normalised sum of
 * the two plain embeddings. A face and its mirror image get the same embedding. It costs a
 * second forward pass per face (twice the rows per run), nothing else.
 *
 * <p>Thread-safe: TensorFlow sessions run concurrently; each call owns its tensors.
 */
public final class SavedModelEmbedder implements FaceEmbedder, AutoCloseable {
    private final LoadedModel model;
    private final ModelInfo info;
    private final String inputName;
    private final String outputName;
    private final int maxBatch;
    private final boolean flipAverage;
    private final CloseGuard guard;

    /**
     * An embedder without flip averaging: one row per face.
     * Takes ownership of {@code model}: it is closed with this embedder,
     * also when validation fails.
     *
     * @param model    a loaded embedding model
     * @param maxBatch most faces per session run; larger requests are split
     * @throws FaceGateException if the model's signature does not have the shapes its metadata promises
     */
    public SavedModelEmbedder(LoadedModel model, int maxBatch) {
        this(model, maxBatch, false);
    }

    /**
     * Takes ownership of {@code model}: it is closed with this embedder,
     * also when validation fails.
     *
     * @param model       a loaded embedding model
     * @param maxBatch    most faces per session run; larger requests are split. It counts
     *                    faces, not rows: with {@code flipAverage} a run carries up to
     *                    {@code 2 * maxBatch} rows (each face and its mirror image), so the
     *                    same setting splits requests the same way with and without flip,
     *                    and a run needs up to twice the memory
     * @param flipAverage true to embed each face together with its mirror image and use the
     *                    normalised sum of the two outputs (see the class comment)
     * @throws FaceGateException if the model's signature does not have the shapes its metadata promises
     */
    public SavedModelEmbedder(LoadedModel model, int maxBatch, boolean flipAverage) {
        this.model = model;
        this.flipAverage = flipAverage;
        this.guard = new CloseGuard("model " + model.metadata().id());
        try {
            if (maxBatch < 1) {
                throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
            }
            this.maxBatch = maxBatch;
            this.info = model.metadata().toModelInfo();
            this.inputName = model.metadata().inputs().get(0);
            this.outputName = model.metadata().outputs().get(0);
            validateSignature();
        } catch (RuntimeException e) {
            model.close();
            throw e instanceof FaceGateException ? e
                    : new FaceGateException("model " + model.metadata().id() + " is not usable: " + e.getMessage(), e);
        }
    }

    private void validateSignature() {
        Signature sig = model.savedModel().function(Signature.DEFAULT_KEY).signature();
        Signature.TensorDescription in = sig.getInputs().get(inputName);
        Signature.TensorDescription out = sig.getOutputs().get(outputName);
        if (in == null || out == null) {
            throw new FaceGateException("model " + info.id() + " has no signature input '" + inputName
                    + "' or output '" + outputName + "' (has " + sig.inputNames() + " -> " + sig.outputNames() + ")");
        }
        int s = info.inputSize();
        if (in.dataType != DataType.DT_FLOAT || !compatible(in.shape, -1, s, s, 3)) {
            throw new FaceGateException("model " + info.id() + " input must be float [batch, " + s + ", " + s
                    + ", 3] as its metadata says, but is " + in.dataType + " " + in.shape);
        }
        if (out.dataType != DataType.DT_FLOAT || !compatible(out.shape, -1, info.embeddingSize())) {
            throw new FaceGateException("model " + info.id() + " output must be float [batch, "
                    + info.embeddingSize() + "] as its metadata says, but is " + out.dataType + " " + out.shape);
        }
    }

    /** Unknown dimensions (-1) on either side match anything; the rank must match. */
    private static boolean compatible(Shape actual, long... expected) {
        if (actual.isUnknown() || actual.numDimensions() != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            long a = actual.get(i);
            if (a != -1 && expected[i] != -1 && a != expected[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    /**
     * Checks that the loaded model is the one a model bundle registers as: a bundle whose
     * service properties promise one model must not serve another.
     *
     * @return this embedder
     * @throws FaceGateException after closing this embedder, if id, version or sizes differ
     */
    public SavedModelEmbedder expect(String id, String version, int inputSize, int embeddingSize) {
        if (!id.equals(info.id()) || !version.equals(info.version()) || info.inputSize() != inputSize
                || info.embeddingSize() != embeddingSize) {
            close();
            throw new FaceGateException("bundle ships " + info.key() + " (" + info.inputSize() + "px, "
                    + info.embeddingSize() + "-d) but registers as " + id + ":" + version + " (" + inputSize + "px, "
                    + embeddingSize + "-d)");
        }
        return this;
    }

    /** @return whether each face is averaged with its mirror image */
    public boolean flipAverage() {
        return flipAverage;
    }

    @Override
    public List<Embedding> embed(List<AlignedFace> faces) {
        for (int i = 0; i < faces.size(); i++) {
            if (faces.get(i).size() != info.inputSize()) {
                throw new IllegalArgumentException("face " + i + " is aligned at " + faces.get(i).size() + "x"
                        + faces.get(i).size() + " but " + info.id() + " needs " + info.inputSize() + "x"
                        + info.inputSize());
            }
        }
        List<Embedding> result = new ArrayList<>(faces.size());
        for (int from = 0; from < faces.size(); from += maxBatch) {
            List<AlignedFace> batch = faces.subList(from, Math.min(faces.size(), from + maxBatch));
            result.addAll(guard.run(() -> embedBatch(batch)));
        }
        return result;
    }

    /**
     * One session run. Without flip: rows {@code 0..n-1} are the faces. With flip: rows
     * {@code 0..n-1} are the faces and rows {@code n..2n-1} their mirror images, in the same order.
     */
    private List<Embedding> embedBatch(List<AlignedFace> faces) {
        int n = faces.size();
        int rows = flipAverage ? 2 * n : n;
        int s = info.inputSize();
        int d = info.embeddingSize();
        int faceLength = s * s * 3;
        float[] input = new float[rows * faceLength];
        for (int i = 0; i < n; i++) {
            RgbImage image = faces.get(i).image();
            normalise(image, input, i * faceLength, false);
            if (flipAverage) {
                normalise(image, input, (n + i) * faceLength, true);
            }
        }
        float[] output = new float[rows * d];
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(rows, s, s, 3), DataBuffers.of(input, true, false));
             Result result = model.savedModel().call(Map.of(inputName, in))) {
            Tensor out = result.get(outputName).orElseThrow(
                    () -> new FaceGateException("model " + info.id() + " returned no '" + outputName + "'"));
            if (!(out instanceof TFloat32 values) || !out.shape().equals(Shape.of(rows, d))) {
                throw new FaceGateException("model " + info.id() + " returned " + out.dataType() + " "
                        + out.shape() + ", expected float [" + rows + ", " + d + "]");
            }
            values.copyTo(DataBuffers.of(output, false, false));
        } catch (FaceGateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FaceGateException("inference failed in model " + info.id() + ": " + e.getMessage(), e);
        }
        List<Embedding> embeddings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[d];
            System.arraycopy(output, i * d, v, 0, d);
            if (flipAverage) {
                for (int k = 0, m = (n + i) * d; k < d; k++) {
                    v[k] += output[m + k];
                }
            }
            embeddings.add(new Embedding(info.id(), info.version(), v));
        }
        return embeddings;
    }

    /**
     * Writes {@code image} as the model's normalised input, row-major HWC, at {@code offset};
     * with {@code mirror} each row is written right to left (a horizontal flip).
     */
    private void normalise(RgbImage image, float[] into, int offset, boolean mirror) {
        byte[] rgb = image.toRgbBytes();
        int w = image.width();
        float mean = info.inputMean();
        float scale = info.inputScale();
        boolean bgr = info.channelOrder() == ChannelOrder.BGR;
        for (int p = 0; p < rgb.length; p += 3) {
            int r = rgb[p] & 0xff;
            int g = rgb[p + 1] & 0xff;
            int b = rgb[p + 2] & 0xff;
            int q = p;
            if (mirror) {
                int pixel = p / 3;
                int x = pixel % w;
                q = (pixel - x + (w - 1 - x)) * 3;
            }
            into[offset + q] = ((bgr ? b : r) - mean) / scale;
            into[offset + q + 1] = (g - mean) / scale;
            into[offset + q + 2] = ((bgr ? r : b) - mean) / scale;
        }
    }

    /** Waits for running embeddings, then frees the model; later calls fail with a clear error. */
    @Override
    public void close() {
        guard.close(model::close);
    }
}
