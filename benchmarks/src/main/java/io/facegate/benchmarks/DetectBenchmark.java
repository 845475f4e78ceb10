package io.facegate.benchmarks;

import io.facegate.api.DetectedFace;
import io.facegate.api.RgbImage;
import io.facegate.detect.mtcnn.internal.MtcnnFaceDetector;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The production MTCNN detector (image pyramid, P-Net per level, R-Net and O-Net batches, NMS)
 * with the gateway's default settings on one camera-sized frame: a demo photo scaled to cover
 * the frame size and centre-cropped. Score: <b>milliseconds per frame</b>.
 */
public class DetectBenchmark extends StageBenchmark {
    /** Frame size, {@code WIDTHxHEIGHT}. */
    @Param({"640x480", "320x240", "1280x720"})
    public String frame;

    /** Demo photo the frame is made of (a file name in the demo folder, or a path). */
    @Param({Fixtures.FRAME_PHOTO})
    public String photo;

    private MtcnnFaceDetector detector;
    private RgbImage image;

    /** Loads the nets and makes the frame. */
    @Setup(Level.Trial)
    public void setUp() {
        int[] size = Fixtures.parseSize(frame);
        image = Fixtures.frame(Fixtures.read(Fixtures.photo(photo)), size[0], size[1]);
        detector = closeAfterTrial(Fixtures.detector());
        List<DetectedFace> faces = detector.detect(image);
        // goes to the JMH log, so the result says what the frame held
        System.out.println("MTCNN " + Fixtures.describeDetectorSettings() + " finds " + faces.size()
                + " face(s) in " + photo + " as " + frame);
    }

    /** @return the faces of one frame */
    @Benchmark
    public List<DetectedFace> detect() {
        return detector.detect(image);
    }
}
