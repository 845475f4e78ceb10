package io.facegate.itests.broken;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.RgbImage;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * The whole code of a bundle that installs, starts and registers its service, so it passes the bundle part of a
 * health check, and then fails every frame the pipeline gives it: the pipeline part of the check must catch it.
 * {@code DeployOverMqttIT} copies this class into a jar of its own; it imports only the OSGi framework and the
 * facegate API.
 */
public final class BrokenAligner implements BundleActivator, FaceAligner {
    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, 1000); // above the shipped aligner, so the pipeline takes this one
        context.registerService(FaceAligner.class, this, props);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }

    @Override
    public AlignedFace align(RgbImage image, DetectedFace face, int size) {
        throw new IllegalStateException("this aligner fails on purpose");
    }
}
