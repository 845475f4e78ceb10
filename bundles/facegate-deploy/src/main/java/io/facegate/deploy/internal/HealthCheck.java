package io.facegate.deploy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * Whether a freshly installed revision works: the bundle is ACTIVE and has registered every service its manifest
 * declares ({@code Provide-Capability: osgi.service}), and a model bundle has its {@code FaceEmbedder}, which the
 * model extender registers only after the model passed its self-test (finite, unit-length embedding of the
 * declared size).
 */
final class HealthCheck {
    static final String FACE_EMBEDDER = "io.facegate.api.FaceEmbedder";

    private HealthCheck() {
    }

    /**
     * @param bundle   the installed bundle
     * @param services the service interfaces it must register
     * @param timeoutMs how long to wait for them
     * @return {@code null} when healthy, else what is wrong
     * @throws InterruptedException if interrupted while waiting
     */
    static String await(Bundle bundle, List<String> services, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<String> missing;
        do {
            missing = missing(bundle, services);
            if (bundle.getState() == Bundle.ACTIVE && missing.isEmpty()) {
                return null;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        if (bundle.getState() != Bundle.ACTIVE) {
            return "bundle " + bundle.getSymbolicName() + " is not active (state " + bundle.getState() + ")";
        }
        return "bundle " + bundle.getSymbolicName() + " registered no " + String.join(", ", missing) + " within "
                + timeoutMs / 1000 + " s";
    }

    private static List<String> missing(Bundle bundle, List<String> services) {
        List<String> missing = new ArrayList<>(services);
        ServiceReference<?>[] registered = bundle.getState() == Bundle.ACTIVE ? bundle.getRegisteredServices() : null;
        if (registered != null) {
            for (ServiceReference<?> r : registered) {
                Object classes = r.getProperty(Constants.OBJECTCLASS);
                if (classes instanceof String[] names) {
                    missing.removeAll(List.of(names));
                }
            }
        }
        return missing;
    }
}
