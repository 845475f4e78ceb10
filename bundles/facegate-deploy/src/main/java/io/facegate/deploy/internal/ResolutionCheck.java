package io.facegate.deploy.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Checks, before the running revision is touched, that a new artifact's mandatory {@code Import-Package} and
 * {@code Require-Capability} clauses are satisfied by what the gateway has installed now (or by the artifact's own
 * exports), and that the bundles which import packages from the revision being replaced still find them
 * ({@link #stranded}). This is a conservative check of the requirements, not a full resolver: it does not look at {@code uses}
 * constraints, which the framework still checks when the update resolves.
 */
final class ResolutionCheck {
    private static final String PACKAGE = "osgi.wiring.package";

    private ResolutionCheck() {
    }

    /**
     * @param main     the new artifact's main manifest attributes
     * @param context  a bundle context, to see every installed bundle
     * @param replaced the bundle the artifact replaces, whose capabilities do not count, or {@code null}
     * @return the requirements nothing satisfies, as lines for an operator; empty when all are satisfied
     */
    static List<String> unsatisfied(Attributes main, BundleContext context, Bundle replaced) {
        List<BundleCapability> available = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleRevision rev = b.adapt(BundleRevision.class);
            if (b != replaced && rev != null && b.getState() != Bundle.UNINSTALLED) {
                available.addAll(rev.getDeclaredCapabilities(null));
            }
        }
        List<Headers.Clause> ownExports = Headers.parse(main.getValue("Export-Package"));
        List<String> missing = new ArrayList<>();
        for (Headers.Clause imp : Headers.parse(main.getValue("Import-Package"))) {
            if ("optional".equals(imp.directives().get("resolution"))) {
                continue;
            }
            VersionRange range = new VersionRange(imp.attributes().getOrDefault("version", "0.0.0"));
            boolean ok = ownExports.stream().anyMatch(e -> e.name().equals(imp.name())
                    && range.includes(Version.parseVersion(e.attributes().getOrDefault("version", "0.0.0"))))
                    || available.stream().anyMatch(c -> "osgi.wiring.package".equals(c.getNamespace())
                    && imp.name().equals(c.getAttributes().get("osgi.wiring.package"))
                    && range.includes(version(c.getAttributes().get("version"))));
            if (!ok) {
                missing.add("Import-Package " + imp.name() + " " + range);
            }
        }
        for (Headers.Clause req : Headers.parse(main.getValue("Require-Capability"))) {
            if ("optional".equals(req.directives().get("resolution")) || "osgi.ee".equals(req.name())) {
                continue; // the running JVM is the execution environment
            }
            String filter = req.directives().get("filter");
            try {
                Filter f = filter == null ? null : FrameworkUtil.createFilter(filter);
                boolean ok = available.stream().anyMatch(c -> req.name().equals(c.getNamespace())
                        && (f == null || f.matches(c.getAttributes())));
                if (!ok) {
                    missing.add("Require-Capability " + req.name() + (filter == null ? "" : " " + filter));
                }
            } catch (InvalidSyntaxException e) {
                missing.add("Require-Capability " + req.name() + ": bad filter " + filter);
            }
        }
        return missing;
    }

    /**
     * The other side of an update: the installed bundles that import a package from the bundle being replaced, and
     * would find it neither in the new revision at a version they accept nor in another bundle. An update that
     * strands them is refused, since the refresh after it would leave them unresolved (a new minor version of a
     * package, for instance, is outside the range of the bundles that implement its provider types).
     *
     * @param main     the new artifact's main manifest attributes
     * @param context  a bundle context, to see every installed bundle
     * @param replaced the bundle being updated, or {@code null} for a new one (which strands nobody)
     * @return one line per stranded import ({@code <importer> imports <package> <filter>}); empty when none
     */
    static List<String> stranded(Attributes main, BundleContext context, Bundle replaced) {
        BundleWiring wiring = replaced == null ? null : replaced.adapt(BundleWiring.class);
        if (wiring == null) {
            return List.of();
        }
        List<Map<String, Object>> offered = new ArrayList<>();
        for (Headers.Clause e : Headers.parse(main.getValue("Export-Package"))) {
            offered.add(Map.of(PACKAGE, e.name(), "version",
                    Version.parseVersion(e.attributes().getOrDefault("version", "0.0.0"))));
        }
        for (Bundle b : context.getBundles()) {
            BundleRevision rev = b.adapt(BundleRevision.class);
            if (b != replaced && rev != null && b.getState() != Bundle.UNINSTALLED) {
                rev.getDeclaredCapabilities(PACKAGE).forEach(c -> offered.add(c.getAttributes()));
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (BundleWire w : wiring.getProvidedWires(PACKAGE)) {
            Bundle importer = w.getRequirer().getBundle();
            String filter = w.getRequirement().getDirectives().get("filter");
            if (importer.equals(replaced) || filter == null) {
                continue;
            }
            try {
                Filter f = FrameworkUtil.createFilter(filter);
                if (offered.stream().noneMatch(f::matches)) {
                    out.add(importer.getSymbolicName() + " imports " + w.getCapability().getAttributes().get(PACKAGE)
                            + " " + filter);
                }
            } catch (InvalidSyntaxException e) {
                out.add(importer.getSymbolicName() + ": unreadable import filter " + filter);
            }
        }
        return List.copyOf(out);
    }

    private static Version version(Object v) {
        return v instanceof Version version ? version : v == null ? Version.emptyVersion
                : Version.parseVersion(v.toString());
    }

    /** @return the values of the {@code objectClass} attribute of every {@code osgi.service} capability */
    static List<String> declaredServices(Attributes main) {
        List<String> out = new ArrayList<>();
        for (Headers.Clause c : Headers.parse(main.getValue("Provide-Capability"))) {
            if ("osgi.service".equals(c.name())) {
                String classes = c.attributes().get("objectClass");
                if (classes != null) {
                    for (String s : classes.split(",")) {
                        out.add(s.trim());
                    }
                }
            }
        }
        return out;
    }
}
