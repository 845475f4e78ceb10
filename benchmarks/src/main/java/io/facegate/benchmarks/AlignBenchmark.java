package io.facegate.benchmarks;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The production 5-point similarity aligner: estimate the transform from the landmarks, then
 * the bilinear inverse warp to a {@code size x size} crop, on the best face MTCNN finds in
 * {@value Fixtures#FACE_PHOTO} (detected once in setup). Score: <b>microseconds per warp</b>.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AlignBenchmark extends StageBenchmark {
    /** Side of the aligned crop. */
    @Param({"112"})
    public int size;

    private final FaceAligner aligner = Fixtures.aligner();
    private RgbImage image;
    private DetectedFace face;

    /** Decodes the photo and finds its face. */
    @Setup(Level.Trial)
    public void setUp() {
        image = RgbImage.of(Fixtures.read(Fixtures.photo(Fixtures.FACE_PHOTO)));
        try (MtcnnFaceDetector detector = Fixtures.detector()) {
            face = Fixtures.bestFace(image, detector, Fixtures.FACE_PHOTO);
        }
    }

    /** @return one aligned crop */
    @Benchmark
    public AlignedFace align() {
        return aligner.align(image, face, size);
    }
}
