package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.io.File;
import java.util.List;
import javax.imageio.ImageIO;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * Detect, align and embed real photos with the services of the gateway's own
 * bundles, inside the running distribution.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaceModelsIT extends FacegateTestSupport {

    @Inject
    @Filter(timeout = 60_000)
    private FaceDetector detector;

    @Inject
    @Filter(timeout = 60_000)
    private FaceAligner aligner;

    @Inject
    @Filter(value = "(facegate.model.id=mobilefacenet-112)", timeout = 60_000)
    private FaceEmbedder embedder;

    private static RgbImage demo(String name) throws Exception {
        String data = System.getProperty("facegate.data.dir", "");
        File file = new File(data, "demo/" + name);
        assumeTrue("skipped: demo photos not found under facegate.data.dir=" + data, file.isFile());
        return RgbImage.of(ImageIO.read(file));
    }

    @Test
    public void detectsEveryFaceOfTheDemoPhotosWithAnatomicalLandmarks() throws Exception {
        assertFaces("obama.jpg", 1);
        assertFaces("astronaut.png", 1);
        assertFaces("two_people.jpg", 2);
        assertFaces("group6.jpg", 6);
    }

    private void assertFaces(String photo, int expected) throws Exception {
        List<DetectedFace> faces = detector.detect(demo(photo));
        assertEquals(photo + ": " + faces, expected, faces.size());
        for (DetectedFace f : faces) {
            FaceLandmarks lm = f.landmarks();
            for (Point p : lm.asList()) {
                assertTrue(photo + ": landmark " + p + " outside " + f.box(), f.box().contains(p));
            }
            assertTrue(photo + ": eyes above nose " + lm, Math.max(lm.leftEye().y(), lm.rightEye().y()) < lm.nose().y());
            assertTrue(photo + ": nose above mouth " + lm, lm.nose().y() < Math.min(lm.mouthLeft().y(), lm.mouthRight().y()));
        }
    }

    @Test
    public void samePersonScoresHigherThanADifferentPerson() throws Exception {
        Embedding obama = embedOnlyFace("obama.jpg");
        Embedding obama2 = embedOnlyFace("obama2.jpg");
        Embedding biden = embedOnlyFace("biden.jpg");
        float same = obama.cosine(obama2);
        float different = obama.cosine(biden);
        assertTrue("obama/obama2 " + same + " vs obama/biden " + different, same > different + 0.2f);
    }

    private Embedding embedOnlyFace(String photo) throws Exception {
        RgbImage image = demo(photo);
        List<DetectedFace> faces = detector.detect(image);
        assertEquals(photo + ": " + faces, 1, faces.size());
        AlignedFace aligned = aligner.align(image, faces.get(0), embedder.model().inputSize());
        return embedder.embed(List.of(aligned)).get(0);
    }
}
