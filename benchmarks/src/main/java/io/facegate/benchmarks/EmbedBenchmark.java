package io.facegate.benchmarks;

import io.facegate.api.AlignedFace;
import io.facegate.api.Embedding;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.util.Collections;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/**
 * MobileFaceNet-112 through the production {@link SavedModelEmbedder} (input normalisation,
 * one TensorFlow session run, output copy, L2 normalisation) on a real aligned face: the best
 * face of {@value Fixtures#FACE_PHOTO}, detected and aligned once in setup, replicated to 8.
 *
 * <p>Both scores are <b>milliseconds per face</b>: {@code batch8} is annotated with
 * {@code @OperationsPerInvocation(8)}, so JMH divides the time of one 8-face run by 8.
 */
public class EmbedBenchmark extends StageBenchmark {
    private SavedModelEmbedder embedder;
    private List<AlignedFace> one;
    private List<AlignedFace> eight;

    /** Loads the model and prepares the faces. */
    @Setup(Level.Trial)
    public void setUp() {
        AlignedFace face = Fixtures.alignedFace(Fixtures.FACE_PHOTO, 112);
        embedder = closeAfterTrial(Fixtures.embedder());
        one = List.of(face);
        eight = Collections.nCopies(8, face);
        // a wrong batch would not fail loudly in a benchmark: check once
        if (embedder.embed(eight).size() != 8) {
            throw new IllegalStateException("embedder returned the wrong number of embeddings");
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
