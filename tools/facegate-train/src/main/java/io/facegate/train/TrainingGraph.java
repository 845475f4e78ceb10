package io.facegate.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer.GradAndVar;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The distillation graph: student -> L2-normalised 128-d embedding s; a training-only linear head
 * maps s to the teacher's 192-d space. Loss = mean(1 - cos(head(s), t)) (match the teacher's
 * embedding) + {@link #SIMILARITY_WEIGHT} * mean((S S^T - T T^T)^2) over the batch (match the
 * teacher's pairwise similarities in the student's own space, the one the gallery uses).
 */
final class TrainingGraph {
    static final float SIMILARITY_WEIGHT = 1f;

    final Placeholder<TFloat32> input;
    final Placeholder<TFloat32> targets;
    final Operand<TFloat32> embeddingLoss;
    final Operand<TFloat32> similarityLoss;
    final Operand<TFloat32> loss;
    final Op train;
    final List<Op> statisticUpdates;
    final ScheduledAdam optimizer;
    final TrainableWeights weights;

    TrainingGraph(Graph graph, NetworkConfig config, int teacherDims, long seed) {
        Ops tf = Ops.create(graph);
        int size = config.inputSize();
        input = tf.withName("input").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
        targets = tf.withName("targets").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, teacherDims)));
        weights = new TrainableWeights(tf, seed);
        EcaMobileFaceNet net = new EcaMobileFaceNet(config, tf, weights);
        Operand<TFloat32> student = net.l2Normalise(net.embed(input));
        Operand<TFloat32> projected = net.l2Normalise(tf.linalg.matMul(student,
                weights.dense("distill/head", config.embeddingSize(), teacherDims)));
        Operand<TFloat32> cos = tf.sum(tf.math.mul(projected, targets), tf.constant(1));
        embeddingLoss = tf.math.mean(tf.math.sub(tf.constant(1f), cos), tf.constant(0));
        Operand<TFloat32> studentSims = tf.linalg.matMul(student, student, org.tensorflow.op.linalg.MatMul.transposeB(true));
        Operand<TFloat32> teacherSims = tf.linalg.matMul(targets, targets, org.tensorflow.op.linalg.MatMul.transposeB(true));
        similarityLoss = tf.math.mean(tf.reshape(tf.math.squaredDifference(studentSims, teacherSims),
                tf.constant(new long[] {-1})), tf.constant(0));
        loss = tf.withName("loss").math.add(embeddingLoss, tf.math.mul(similarityLoss, tf.constant(SIMILARITY_WEIGHT)));
        statisticUpdates = weights.statisticUpdates();
        optimizer = new ScheduledAdam(graph);
        List<Variable<TFloat32>> trainable = weights.trainable();
        List<Output<?>> gradients = tf.gradients(loss, trainable).dy();
        List<GradAndVar<? extends org.tensorflow.types.family.TType>> pairs = new ArrayList<>();
        for (int i = 0; i < trainable.size(); i++) {
            pairs.add(new GradAndVar<>(gradients.get(i).expect(TFloat32.class), trainable.get(i).asOutput()));
        }
        train = optimizer.applyGradients(pairs, "train");
    }

    /** Variables of the student network only (the head and optimizer slots are training-only). */
    Map<String, Variable<TFloat32>> studentVariables() {
        Map<String, Variable<TFloat32>> v = new java.util.LinkedHashMap<>(weights.variables());
        v.keySet().removeIf(name -> name.startsWith("distill/"));
        return v;
    }
}
