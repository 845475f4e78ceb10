package io.facegate.deploy.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.kar.KarService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * What the deployment agent does with Karaf for a feature archive: install it (Karaf extracts its repository into
 * {@code data/kar}, adds its feature repositories and installs their features), check that the named feature is
 * installed with every bundle active, and uninstall it again. A KAR is installed under its file name, which the
 * agent makes the manifest's name.
 */
final class Kars {
    private final KarService kars;
    private final FeaturesService features;
    private final BundleContext context;

    Kars(KarService kars, FeaturesService features, BundleContext context) {
        this.kars = kars;
        this.features = features;
        this.context = context;
    }

    /** @return whether a KAR of this name is installed */
    boolean installed(String name) throws Exception {
        return kars.list().contains(name);
    }

    /** @param kar a file named {@code <name>.kar} */
    void install(Path kar) throws Exception {
        kars.install(kar.toUri());
    }

    void uninstall(String name) throws Exception {
        kars.uninstall(name);
    }

    /**
     * @return {@code null} once the feature is installed and each of its bundles is active, else (after the
     *         timeout) what is not
     */
    String awaitHealthy(String feature, String version, long timeoutMs) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String problem;
        do {
            problem = problem(feature, version);
            if (problem == null) {
                return null;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < end);
        return problem;
    }

    private String problem(String name, String version) throws Exception {
        Feature f = features.getFeature(name, version);
        if (f == null || !features.isInstalled(f)) {
            return "feature " + name + " " + version + " is not installed";
        }
        List<String> inactive = new ArrayList<>();
        for (BundleInfo b : f.getBundles()) {
            Bundle bundle = context.getBundle(b.getLocation());
            if (bundle == null || (bundle.getState() != Bundle.ACTIVE && !isFragment(bundle))) {
                inactive.add(b.getLocation() + (bundle == null ? " (not installed)" : " (state "
                        + BundleOps.state(bundle) + ")"));
            }
        }
        return inactive.isEmpty() ? null : "feature " + name + ": bundles not active: " + String.join(", ", inactive);
    }

    private static boolean isFragment(Bundle b) {
        return b.getHeaders("").get("Fragment-Host") != null && b.getState() == Bundle.RESOLVED;
    }

    /** @return the installed features, as name and version */
    List<String[]> installedFeatures() throws Exception {
        List<String[]> out = new ArrayList<>();
        for (Feature f : features.listInstalledFeatures()) {
            out.add(new String[] {f.getName(), f.getVersion()});
        }
        return out;
    }
}
