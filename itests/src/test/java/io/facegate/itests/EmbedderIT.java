package io.facegate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Point;
import io.facegate.api.RgbImage;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/** The MobileFaceNet model bundle activates inside the gateway and runs real inference. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EmbedderIT extends FacegateTestSupport {

    @Test
    public void mobileFaceNetServiceEmbedsInsideTheGateway() throws Exception {
        ServiceTracker<FaceEmbedder, FaceEmbedder> tracker = new ServiceTracker<>(bundleContext,
                bundleContext.createFilter("(&(objectClass=" + FaceEmbedder.class.getName()
                        + ")(" + FaceEmbedder.PROP_MODEL_ID + "=mobilefacenet-112))"), null);
        tracker.open();
        try {
            FaceEmbedder embedder = tracker.waitForService(30_000);
            assertNotNull("MobileFaceNet-112 embedder registered", embedder);
            ServiceReference<FaceEmbedder> ref = tracker.getServiceReference();
            assertEquals(192, ref.getProperty(FaceEmbedder.PROP_EMBEDDING_SIZE));

            byte[] px = new byte[112 * 112 * 3];
            new Random(7).nextBytes(px);
            Point p = new Point(56, 56);
            AlignedFace face = new AlignedFace(new RgbImage(112, 112, px),
                    new DetectedFace(new BoundingBox(0, 0, 112, 112), 1f, new FaceLandmarks(p, p, p, p, p)));
            List<Embedding> out = embedder.embed(List.of(face, face));
            assertEquals(2, out.size());
            assertEquals("mobilefacenet-112:1", out.get(0).modelKey());
            assertEquals(192, out.get(0).dimension());
            assertEquals(1f, out.get(0).cosine(out.get(1)), 1e-4f);
        } finally {
            tracker.close();
        }
    }

    @Test
    public void modelIsExtractedIntoTheBundleDataArea() throws Exception {
        Collection<ServiceReference<FaceEmbedder>> refs = bundleContext.getServiceReferences(FaceEmbedder.class, null);
        assertTrue("an embedder is registered", !refs.isEmpty());
        ServiceReference<FaceEmbedder> ref = refs.iterator().next();
        bundleContext.getService(ref);
        try {
            java.io.File models = ref.getBundle().getDataFile("models");
            String[] extracted = models.list();
            assertNotNull("model extracted to " + models, extracted);
            assertEquals(1, extracted.length);
            assertTrue(extracted[0], extracted[0].startsWith("models_mobilefacenet-112-"));
        } finally {
            bundleContext.ungetService(ref);
        }
    }
}
