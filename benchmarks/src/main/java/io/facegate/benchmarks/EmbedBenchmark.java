package io.facegate.benchmarks;

import io.facegate.api.AlignedFace;
import io.facegate.api.Embedding;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MobileFaceNet-112 through the production {@link SavedModelEmbedder} (input normalisation,
 * one TensorFlow session run, output copy, L2 normalisation) on a real aligned face: the best
 * face of {@value Fixtures#FACE_PHOTO}, detected and aligned once in setup, replicated to 8.
 *
 * <p>Both scores are <b>milliseconds per face</b>: {@code batch8} is annotated with
 * {@code @OperationsPerInvocation(8)}, so JMH divides the time of one 8-face run by 8.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class EmbedBenchmark {
    private SavedModelEmbedder embedder;
    private List<AlignedFace> one;
    private List<AlignedFace> eight;

    /** Loads the model and prepares the faces. */
    @Setup(Level.Trial)
    public void setUp() {
        AlignedFace face = Fixtures.alignedFace(Fixtures.FACE_PHOTO, 112);
        embedder = Fixtures.embedder();
        one = List.of(face);
        eight = Collections.nCopies(8, face);
        // a wrong batch would not fail loudly in a benchmark: check once
        if (embedder.embed(eight).size() != 8) {
            throw new IllegalStateException("embedder returned the wrong number of embeddings");
        }
    }

    /** Closes the native session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (embedder != null) {
            embedder.close();
        }
    }

    /** @return the embedding of one face, one session run */
    @Benchmark
    public List<Embedding> batch1() {
        return embedder.embed(one);
    }

    /** @return 8 embeddings from one session run; the score is per face */
    @Benchmark
    @OperationsPerInvocation(8)
    public List<Embedding> batch8() {
        return embedder.embed(eight);
    }
}
