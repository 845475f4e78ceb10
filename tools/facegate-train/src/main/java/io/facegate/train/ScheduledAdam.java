package io.facegate.train;

import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Adam on the tensorflow-framework {@link Optimizer} (its slots and gradient plumbing), with the
 * learning rate and the bias corrections fed per step: the framework's {@code Adam} bakes a
 * constant rate into the graph, and the schedule (warm-up, cosine decay) needs it to move. The
 * step count lives in the trainer's state, so a resumed run continues the same schedule.
 */
final class ScheduledAdam extends Optimizer {
    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-7f;

    final Placeholder<TFloat32> learningRate;
    final Placeholder<TFloat32> beta1Power;
    final Placeholder<TFloat32> beta2Power;

    ScheduledAdam(Graph graph) {
        super(graph, "ScheduledAdam");
        learningRate = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        beta1Power = tf.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        beta2Power = tf.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    }

    @Override
    protected void createSlots(List<Output<? extends TType>> variables) {
        for (Output<? extends TType> v : variables) {
            createZeroSlot(v, "m");
            createZeroSlot(v, "v");
        }
    }

    private <T extends TType> void createZeroSlot(Output<T> variable, String name) {
        Ops init = tf.withInitScope();
        createSlot(variable, name, init.zeros(init.constant(variable.shape().asArray()), variable.type()));
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T extends TType> Op applyDense(Ops ops, Output<T> gradient, Output<T> variable) {
        Optional<Variable<T>> m = getSlot(variable, "m");
        Optional<Variable<T>> v = getSlot(variable, "v");
        return ops.train.applyAdam(variable, m.orElseThrow(), v.orElseThrow(), (Operand<T>) beta1Power,
                (Operand<T>) beta2Power, (Operand<T>) learningRate, (Operand<T>) ops.constant(BETA1),
                (Operand<T>) ops.constant(BETA2), (Operand<T>) ops.constant(EPSILON), gradient);
    }

    @Override
    public String getOptimizerName() {
        return "ScheduledAdam";
    }
}
