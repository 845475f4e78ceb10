package io.facegate.benchmarks;

import io.facegate.api.DetectedFace;
import io.facegate.api.RgbImage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The production MTCNN detector (image pyramid, P-Net per level, R-Net and O-Net batches, NMS)
 * with the gateway's default settings on one camera-sized frame: a demo photo scaled to cover
 * the frame size and centre-cropped. Score: <b>milliseconds per frame</b>.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class DetectBenchmark {
    /** Frame size, {@code WIDTHxHEIGHT}. */
    @Param({"640x480", "320x240", "1280x720"})
    public String frame;

    /** Demo photo the frame is made of (a file name in the demo folder, or a path). */
    @Param({Fixtures.FRAME_PHOTO})
    public String photo;

    private Mtcnn detector;
    private RgbImage image;

    /** Loads the nets and makes the frame. */
    @Setup(Level.Trial)
    public void setUp() {
        int[] size = Fixtures.parseSize(frame);
        image = Fixtures.frame(Fixtures.read(Fixtures.photo(photo)), size[0], size[1]);
        detector = Fixtures.detector();
        List<DetectedFace> faces = detector.detect(image);
        // goes to the JMH log, so the result says what the frame held
        System.out.println("MTCNN " + Mtcnn.describeSettings() + " finds " + faces.size()
                + " face(s) in " + photo + " as " + frame);
    }

    /** Closes the native sessions. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (detector != null) {
            detector.close();
        }
    }

    /** @return the faces of one frame */
    @Benchmark
    public List<DetectedFace> detect() {
        return detector.detect(image);
    }
}
