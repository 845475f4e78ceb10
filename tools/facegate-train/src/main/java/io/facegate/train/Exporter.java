package io.facegate.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Freezes trained weights into an inference graph (batch norm folded, constants only) and writes
 * it as a facegate model: a SavedModel with signature {@code input -> embeddings} plus
 * {@code facegate-model.properties}, the layout every facegate model bundle carries.
 */
final class Exporter {
    static final String INPUT = "input";
    static final String OUTPUT = "embeddings";

    private Exporter() {
    }

    /** Reads the current values of {@code variables} from a session. */
    static Map<String, float[]> values(Session session, Map<String, Variable<TFloat32>> variables) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Variable<TFloat32>> e : variables.entrySet()) {
            try (TFloat32 t = (TFloat32) session.runner().fetch(e.getValue()).run().get(0)) {
                float[] v = new float[Math.toIntExact(t.shape().size())];
                t.copyTo(DataBuffers.of(v, false, false));
                values.put(e.getKey(), v);
            }
        }
        return values;
    }

    /** An inference graph in {@code graph}; returns its input and normalised output. */
    static Frozen freeze(Graph graph, NetworkConfig config, Map<String, float[]> values) {
        Ops tf = Ops.create(graph);
        int s = config.inputSize();
        Placeholder<TFloat32> input = tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
        FrozenWeights weights = new FrozenWeights(tf, values);
        EcaMobileFaceNet net = new EcaMobileFaceNet(config, tf, weights);
        Operand<TFloat32> output = tf.withName(OUTPUT).identity(net.l2Normalise(net.embed(input)));
        return new Frozen(input, output, weights.constantCount());
    }

    record Frozen(Placeholder<TFloat32> input, Operand<TFloat32> output, long parameters) {
    }

    /**
     * Writes the model and reads it back once to check that the written file embeds like the graph.
     *
     * @param metadata extra {@code model.*} entries (id, version, threshold, source)
     * @return parameters in the shipped graph
     */
    static long export(NetworkConfig config, Map<String, float[]> values, Path dir, Map<String, String> metadata)
            throws IOException {
        if (Files.exists(dir.resolve("saved_model.pb"))) {
            throw new IOException(dir + " already holds a model; choose an empty folder");
        }
        Files.createDirectories(dir);
        long parameters;
        float[] expected;
        int s = config.inputSize();
        float[] probe = probe(s);
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Frozen frozen = freeze(graph, config, values);
            parameters = frozen.parameters();
            Signature signature = Signature.builder().key("serving_default").input(INPUT, frozen.input())
                    .output(OUTPUT, frozen.output()).build();
            SavedModelBundle.exporter(dir.toString()).withTags("serve")
                    .withFunction(SessionFunction.create(signature, session)).export();
            expected = run(session, frozen, probe, s);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
             TFloat32 in = TFloat32.tensorOf(Shape.of(2, s, s, 3), DataBuffers.of(probe, true, false));
             Result r = bundle.function("serving_default").call(Map.of(INPUT, in))) {
            float[] actual = new float[expected.length];
            ((TFloat32) r.get(OUTPUT).orElseThrow()).copyTo(DataBuffers.of(actual, false, false));
            for (int i = 0; i < actual.length; i++) {
                if (!(Math.abs(actual[i] - expected[i]) <= 1e-5f)) {
                    throw new IOException("written model differs from the frozen graph at " + i);
                }
            }
        }
        Properties p = new Properties();
        p.setProperty("model.format", "tensorflow-savedmodel");
        p.setProperty("model.tags", "serve");
        p.setProperty("model.signature", "serving_default");
        p.setProperty("model.inputs", INPUT);
        p.setProperty("model.outputs", OUTPUT);
        p.setProperty("model.input.shape", "-1," + s + "," + s + ",3");
        p.setProperty("model.input.size", Integer.toString(s));
        p.setProperty("model.channel.order", "RGB");
        p.setProperty("model.input.mean", "127.5");
        p.setProperty("model.input.scale", "128");
        p.setProperty("model.input.transposed", "false");
        p.setProperty("model.embedding.size", Integer.toString(config.embeddingSize()));
        p.setProperty("model.parameters", Long.toString(parameters));
        metadata.forEach(p::setProperty);
        try (OutputStream out = Files.newOutputStream(dir.resolve("facegate-model.properties"))) {
            p.store(out, "facegate model metadata, written by facegate-train");
        }
        return parameters;
    }

    /** Embeds normalised faces {@code [n, s, s, 3]} with a frozen graph. */
    static float[] run(Session session, Frozen frozen, float[] faces, int s) {
        int n = faces.length / (s * s * 3);
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, s, s, 3), DataBuffers.of(faces, true, false));
             Result r = session.runner().feed(frozen.input(), in).fetch(frozen.output()).run()) {
            TFloat32 out = (TFloat32) r.get(0);
            float[] v = new float[Math.toIntExact(out.shape().size())];
            out.copyTo(DataBuffers.of(v, false, false));
            return v;
        }
    }

    private static float[] probe(int s) {
        java.util.Random random = new java.util.Random(96);
        float[] v = new float[2 * s * s * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }
}
