package io.facegate.deploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the deployment agent does to the framework: find, install, update, refresh, start, remove bundles. */
final class BundleOps {
    private static final Logger LOG = LoggerFactory.getLogger(BundleOps.class);

    private final BundleContext context;

    /** @param context a bundle context of the agent */
    BundleOps(BundleContext context) {
        this.context = context;
    }

    /** @return the installed bundle with this symbolic name, or {@code null} */
    Bundle find(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /** @return every installed bundle */
    Bundle[] all() {
        return context.getBundles();
    }

    /**
     * Updates {@code existing} in place (refreshing its importers if it exported packages) and makes sure it runs,
     * or installs and starts a new bundle under {@code newLocation}.
     *
     * @return the bundle that now has the jar's content
     */
    Bundle put(Bundle existing, Path jar, String newLocation) throws BundleException, IOException {
        if (existing == null) {
            return install(newLocation, jar);
        }
        BundleWiring old = existing.adapt(BundleWiring.class);
        boolean exported = old != null && !old.getProvidedWires("osgi.wiring.package").isEmpty();
        try (InputStream in = Files.newInputStream(jar)) {
            existing.update(in); // restarts it if it was active
        }
        if (exported) {
            refresh(existing);
        }
        if (existing.getState() != Bundle.ACTIVE) {
            existing.start();
        }
        return existing;
    }

    /**
     * Installs and starts a jar under a location (a new bundle, or one the framework lost); a bundle that does not
     * start is uninstalled again.
     */
    Bundle install(String location, Path jar) throws BundleException, IOException {
        Bundle b;
        try (InputStream in = Files.newInputStream(jar)) {
            b = context.installBundle(location, in);
        }
        try {
            b.start();
        } catch (BundleException | RuntimeException e) {
            uninstallQuietly(b);
            throw e;
        }
        return b;
    }

    private void refresh(Bundle b) {
        FrameworkWiring fw = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        fw.refreshBundles(List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            done.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void startQuietly(Bundle b) {
        try {
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("could not start {}: {}", b.getSymbolicName(), e.toString());
        }
    }

    static void uninstallQuietly(Bundle b) {
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("could not uninstall {}: {}", b.getSymbolicName(), e.toString());
        }
    }

    /** @return a bundle's state as {@code deploy/list} says it */
    static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "installed";
        };
    }
}
