package io.facegate.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The gate for every boot: the distribution comes up, each facegate feature
 * resolved and installed, every bundle active, and TensorFlow computes inside it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GatewaySmokeIT extends FacegateTestSupport {
    /** Carried by the distribution for {@code feature:install}, deliberately not booted. */
    private static final Set<String> NOT_BOOTED = Set.of("facegate-embed-eca-mobilefacenet");

    @Test
    public void everyFacegateFeatureIsInstalled() throws Exception {
        List<Feature> facegate = Arrays.stream(featuresService.listFeatures())
                .filter(f -> f.getName().startsWith("facegate-"))
                .toList();
        assertFalse("the facegate feature repository is registered", facegate.isEmpty());
        List<String> missing = facegate.stream().filter(f -> !NOT_BOOTED.contains(f.getName()))
                .filter(f -> !featuresService.isInstalled(f))
                .map(Feature::getName).toList();
        assertEquals("facegate features not installed", List.of(), missing);
    }

    @Test
    public void optionalFeaturesAreCarriedButNotBooted() throws Exception {
        for (String name : NOT_BOOTED) {
            Feature feature = featuresService.getFeature(name);
            assertTrue("the distribution lists " + name, feature != null);
            assertFalse(name + " is not booted", featuresService.isInstalled(feature));
            // resolves offline, from the distribution's system repository (simulated: nothing changes)
            featuresService.installFeature(name, EnumSet.of(FeaturesService.Option.Simulate));
            assertFalse(name + " still not installed after the simulation", featuresService.isInstalled(feature));
        }
    }

    @Test
    public void everyBundleIsActive() throws InterruptedException {
        // bundles of the last start levels may still be starting when boot is declared finished
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String notActive = notActiveBundles();
        while (!notActive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            notActive = notActiveBundles();
        }
        assertEquals("bundles not active", "", notActive);
        assertTrue("facegate bundles present", Arrays.stream(bundleContext.getBundles())
                .anyMatch(b -> "facegate-tensorflow".equals(b.getSymbolicName())));
    }

    private String notActiveBundles() {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getHeaders().get(Constants.FRAGMENT_HOST) == null)
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " (state " + b.getState() + ")")
                .collect(Collectors.joining(", "));
    }

    @Test
    public void tensorFlowComputesInsideTheGateway() {
        assertTrue(TensorFlow.version(), TensorFlow.version().startsWith("2."));
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            var product = tf.linalg.matMul(
                    tf.constant(new float[][] {{1, 2}, {3, 4}}),
                    tf.constant(new float[][] {{5, 6}, {7, 8}}));
            try (TFloat32 result = (TFloat32) s.runner().fetch(product).run().get(0)) {
                assertArrayEquals(new float[] {19, 22}, StdArrays.array2dCopyOf(result)[0], 0f);
                assertArrayEquals(new float[] {43, 50}, StdArrays.array2dCopyOf(result)[1], 0f);
            }
        }
    }
}
