package io.facegate.benchmarks;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every pipeline-stage benchmark here runs with (JMH's annotations are
 * inherited): average time per call in milliseconds, one fork, one thread, 3 x 3 s warm-up,
 * 5 x 5 s measurement (a subclass may override the time unit); the native stages a trial
 * opens are closed when it ends.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public abstract class StageBenchmark {
    /** Native stages this trial opened, closed in reverse order when it ends. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /**
     * @param stage a detector or embedder that a {@code @Setup} opened
     * @return {@code stage}, closed by {@link #closeStages()} when the trial ends
     */
    protected final <T extends AutoCloseable> T closeAfterTrial(T stage) {
        opened.push(stage);
        return stage;
    }

    /**
     * Frees the native sessions of the trial.
     *
     * @throws Exception if a stage fails to close
     */
    @TearDown(Level.Trial)
    public void closeStages() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }
}
