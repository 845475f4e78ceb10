package io.facegate.detect.mtcnn.internal;

import io.facegate.api.FaceGateException;
import io.facegate.tensorflow.CloseGuard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * {@link MtcnnNets} on three TensorFlow SavedModels (converted from the Caffe/facenet MTCNN
 * weights) with a {@value #SIGNATURE} signature taking {@value #INPUT} as NHWC float with
 * dynamic batch (and, for P-Net, dynamic height and width).
 *
 * <p>Outputs are recognised from the signature by their last dimension: 2 is the
 * (non-face, face) softmax, 4 the box regression, 10 the landmarks; where a shape is unknown
 * the names decide: facegate-model-import's {@code prob}, {@code regression},
 * {@code landmarks}, or the Caffe layer names ({@code prob1}, {@code conv4-2}/{@code conv5-2}/{@code conv6-2},
 * {@code conv6-3}). Thread-safe: TensorFlow sessions run concurrently; every call
 * closes its own tensors.
 */
final class TfMtcnnNets implements MtcnnNets {
    /** Signature key of the converted models. */
    static final String SIGNATURE = "serving_default";
    /** Signature input name of the converted models. */
    static final String INPUT = "input";
    /** Tag the converted models are saved with. */
    static final String TAG = "serve";

    private enum Role { PROB, REGRESSION, LANDMARKS }

    /** One net: its signature function and which output plays which role. */
    private record Net(String label, SessionFunction function, String prob, int probChannels,
                       String regression, String landmarks) {
    }

    private final List<SavedModelBundle> owned;
    private final CloseGuard guard = new CloseGuard("MTCNN");
    private final Net pnet;
    private final Net rnet;
    private final Net onet;

    /**
     * Takes ownership of the three models: {@link #close()} closes them.
     *
     * @param pnet P-Net SavedModel
     * @param rnet R-Net SavedModel
     * @param onet O-Net SavedModel
     * @throws FaceGateException if a model lacks the signature, input or outputs described above
     */
    TfMtcnnNets(SavedModelBundle pnet, SavedModelBundle rnet, SavedModelBundle onet) {
        this(signature("P-Net", pnet), signature("R-Net", rnet), signature("O-Net", onet), List.of(pnet, rnet, onet));
    }

    /**
     * Runs the given signature functions without owning them: {@link #close()} leaves them open,
     * whoever loaded the models closes them.
     *
     * @param pnet P-Net {@value #SIGNATURE} function
     * @param rnet R-Net {@value #SIGNATURE} function
     * @param onet O-Net {@value #SIGNATURE} function
     * @throws FaceGateException if a function lacks the input or outputs described above
     */
    TfMtcnnNets(SessionFunction pnet, SessionFunction rnet, SessionFunction onet) {
        this(pnet, rnet, onet, List.of());
    }

    private TfMtcnnNets(SessionFunction pnet, SessionFunction rnet, SessionFunction onet, List<SavedModelBundle> owned) {
        this.pnet = bind("P-Net", Objects.requireNonNull(pnet, "pnet"), false);
        this.rnet = bind("R-Net", Objects.requireNonNull(rnet, "rnet"), false);
        this.onet = bind("O-Net", Objects.requireNonNull(onet, "onet"), true);
        this.owned = owned;
    }

    /**
     * Loads the three SavedModel directories (tools and tests; the OSGi wiring loads them from
     * bundles instead).
     *
     * @param pnetDir P-Net SavedModel directory
     * @param rnetDir R-Net SavedModel directory
     * @param onetDir O-Net SavedModel directory
     * @return nets that own and close the models
     * @throws FaceGateException if a model cannot be loaded or does not fit
     */
    static TfMtcnnNets load(Path pnetDir, Path rnetDir, Path onetDir) {
        List<SavedModelBundle> loaded = new ArrayList<>();
        try {
            for (Path dir : List.of(pnetDir, rnetDir, onetDir)) {
                loaded.add(SavedModelBundle.load(dir.toString(), TAG));
            }
            return new TfMtcnnNets(loaded.get(0), loaded.get(1), loaded.get(2));
        } catch (RuntimeException e) {
            loaded.forEach(SavedModelBundle::close);
            throw e instanceof FaceGateException f ? f
                    : new FaceGateException("cannot load MTCNN SavedModels: " + e.getMessage(), e);
        }
    }

    private static SessionFunction signature(String label, SavedModelBundle model) {
        try {
            return Objects.requireNonNull(model, label).function(SIGNATURE);
        } catch (IllegalArgumentException e) {
            throw new FaceGateException(label + " has no '" + SIGNATURE + "' signature", e);
        }
    }

    private static Net bind(String label, SessionFunction fn, boolean withLandmarks) {
        Signature sig = fn.signature();
        if (!sig.inputNames().contains(INPUT)) {
            throw new FaceGateException(label + " signature has inputs " + sig.inputNames() + ", expected '" + INPUT + "'");
        }
        String[] byRole = new String[Role.values().length];
        int probChannels = 2;
        for (Map.Entry<String, Signature.TensorDescription> e : sig.getOutputs().entrySet()) {
            Role role = roleOf(e.getKey(), e.getValue().shape);
            if (role == null) {
                continue;
            }
            if (byRole[role.ordinal()] != null) {
                throw new FaceGateException(label + " has two " + role + " outputs: " + byRole[role.ordinal()]
                        + " and " + e.getKey() + " (signature outputs " + sig.outputNames() + ")");
            }
            byRole[role.ordinal()] = e.getKey();
            if (role == Role.PROB) {
                probChannels = lastDim(e.getValue().shape) == 1 ? 1 : 2;
            }
        }
        if (byRole[Role.PROB.ordinal()] == null || byRole[Role.REGRESSION.ordinal()] == null
                || (withLandmarks && byRole[Role.LANDMARKS.ordinal()] == null)) {
            throw new FaceGateException(label + ": cannot tell the face-probability, regression"
                    + (withLandmarks ? " and landmark" : "") + " outputs apart among " + describe(sig));
        }
        return new Net(label, fn, byRole[Role.PROB.ordinal()], probChannels, byRole[Role.REGRESSION.ordinal()],
                byRole[Role.LANDMARKS.ordinal()]);
    }

    private static Role roleOf(String name, Shape shape) {
        switch ((int) lastDim(shape)) {
            case 2:
                return Role.PROB;
            case 4:
                return Role.REGRESSION;
            case 10:
                return Role.LANDMARKS;
            default:
                break;
        }
        String n = name.toLowerCase(Locale.ROOT).replace('-', '_');
        if (n.contains("prob")) {
            return Role.PROB;
        }
        if (n.contains("regression") || n.contains("conv4_2") || n.contains("conv5_2") || n.contains("conv6_2")) {
            return Role.REGRESSION;
        }
        if (n.contains("landmark") || n.contains("conv6_3")) {
            return Role.LANDMARKS;
        }
        return null;
    }

    private static long lastDim(Shape shape) {
        if (shape == null || shape.isUnknown() || shape.numDimensions() < 1) {
            return -1;
        }
        return shape.size(shape.numDimensions() - 1);
    }

    private static String describe(Signature sig) {
        StringBuilder b = new StringBuilder();
        sig.getOutputs().forEach((k, v) -> b.append(k).append(v.shape).append(' '));
        return b.toString().trim();
    }

    @Override
    public PNetOutput pnet(float[] input, int height, int width) {
        return guard.run(() -> pnetRun(input, height, width));
    }

    private PNetOutput pnetRun(float[] input, int height, int width) {
        try (Result r = run(pnet, input, 1, height, width, 3)) {
            TFloat32 prob = output(r, pnet, pnet.prob());
            Shape s = prob.shape();
            if (s.numDimensions() != 4 || s.size(0) != 1) {
                throw new FaceGateException("P-Net face probability has shape " + s + ", expected [1, h, w, c]");
            }
            int gh = (int) s.size(1);
            int gw = (int) s.size(2);
            float[] p = faceProb(prob, pnet, gh * gw);
            float[] reg = values(output(r, pnet, pnet.regression()), pnet, gh * gw * 4);
            return new PNetOutput(p, reg, gh, gw);
        }
    }

    @Override
    public RNetOutput rnet(float[] batch, int n) {
        return guard.run(() -> {
            try (Result r = run(rnet, batch, n, RNET_SIZE, RNET_SIZE, 3)) {
                return new RNetOutput(faceProb(output(r, rnet, rnet.prob()), rnet, n),
                        values(output(r, rnet, rnet.regression()), rnet, n * 4));
            }
        });
    }

    @Override
    public ONetOutput onet(float[] batch, int n) {
        return guard.run(() -> {
            try (Result r = run(onet, batch, n, ONET_SIZE, ONET_SIZE, 3)) {
                return new ONetOutput(faceProb(output(r, onet, onet.prob()), onet, n),
                        values(output(r, onet, onet.regression()), onet, n * 4),
                        values(output(r, onet, onet.landmarks()), onet, n * 10));
            }
        });
    }

    private static Result run(Net net, float[] data, long... shape) {
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false))) {
            return net.function().call(Map.of(INPUT, in));
        } catch (RuntimeException e) {
            throw new FaceGateException(net.label() + " inference failed on input " + Shape.of(shape) + ": "
                    + e.getMessage(), e);
        }
    }

    private static TFloat32 output(Result r, Net net, String name) {
        Tensor t = r.get(name).orElseThrow(() -> new FaceGateException(net.label() + " returned no '" + name + "'"));
        if (!(t instanceof TFloat32 f)) {
            throw new FaceGateException(net.label() + " output '" + name + "' is " + t.dataType() + ", not float");
        }
        return f;
    }

    private static float[] values(TFloat32 t, Net net, int expected) {
        if (t.size() != expected) {
            throw new FaceGateException(net.label() + " output of shape " + t.shape() + " has " + t.size()
                    + " values, expected " + expected);
        }
        float[] a = new float[expected];
        t.copyTo(DataBuffers.of(a, false, false));
        return a;
    }

    /** The face channel of the softmax (index 1), or the single probability. */
    private static float[] faceProb(TFloat32 t, Net net, int n) {
        float[] all = values(t, net, n * net.probChannels());
        if (net.probChannels() == 1) {
            return all;
        }
        float[] face = new float[n];
        for (int i = 0; i < n; i++) {
            face[i] = all[i * 2 + 1];
        }
        return face;
    }

    @Override
    public void close() {
        // waits for running detections; native handles are released exactly once
        guard.close(() -> owned.forEach(SavedModelBundle::close));
    }
}
