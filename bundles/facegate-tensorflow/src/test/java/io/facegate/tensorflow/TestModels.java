package io.facegate.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Tiny real SavedModels, exported with TensorFlow Java, in the layout model bundles ship. */
final class TestModels {
    private TestModels() {
    }

    /**
     * @param dir        model directory to create
     * @param inputShape placeholder shape
     * @param body       builds the output from the input
     * @param outputName signature output name
     * @param metadata   contents of facegate-model.properties
     */
    static Path export(Path dir, Shape inputShape, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> body,
                       String outputName, String metadata) throws Exception {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(inputShape));
            Signature sig = Signature.builder().key(Signature.DEFAULT_KEY)
                    .input("input", x).output(outputName, body.apply(tf, x)).build();
            SavedModelBundle.exporter(dir.toString()).withTags(LoadedModel.TAG)
                    .withFunction(SessionFunction.create(sig, s)).export();
        }
        Files.writeString(dir.resolve(ModelMetadata.FILE_NAME), metadata);
        return dir;
    }

    /** y = 2x + 1 over [-1, 2]. */
    static Path affine(Path dir) throws Exception {
        return export(dir, Shape.of(-1, 2), (tf, x) -> tf.math.add(tf.math.mul(x, tf.constant(2f)), tf.constant(1f)),
                "y", "model.id = affine\nmodel.version = 3\nmodel.inputs = input\nmodel.outputs = y\n");
    }

    /**
     * A 3-d "embedder" of {@code size x size} faces: the per-channel mean of the
     * normalised input, so expected embeddings are easy to compute by hand.
     */
    static Path channelMean(Path dir, int modelSize, String metadata) throws Exception {
        return export(dir, Shape.of(-1, modelSize, modelSize, 3),
                (tf, x) -> tf.math.mean(x, tf.constant(new int[] {1, 2})), "embedding", metadata);
    }
}
