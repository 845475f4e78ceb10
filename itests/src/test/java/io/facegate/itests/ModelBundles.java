package io.facegate.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;

/**
 * Model bundles made in a test from the installed MobileFaceNet-112 bundle: its SavedModel, with its
 * {@code facegate-model.properties} changed as the test says, under a new bundle version.
 */
final class ModelBundles {
    static final String SYMBOLIC_NAME = "facegate-embed-mobilefacenet";
    private static final String FOLDER = "models/mobilefacenet-112";

    private ModelBundles() {
    }

    /**
     * @param installed the running MobileFaceNet-112 model bundle
     * @param version   the new bundle's version
     * @param metadata  changes the model's metadata
     * @return the new bundle's jar
     */
    static byte[] mobileFaceNet(Bundle installed, String version, Consumer<Properties> metadata) throws IOException {
        List<URL> files = new ArrayList<>();
        Enumeration<URL> entries = installed.findEntries(FOLDER, "*", true);
        while (entries.hasMoreElements()) {
            files.add(entries.nextElement());
        }
        return write(files, version, metadata);
    }

    /**
     * @param shipped  the MobileFaceNet-112 model bundle jar, e.g. from the distribution's {@code system/} folder
     * @param version  the new bundle's version
     * @param metadata changes the model's metadata
     * @return the new bundle's jar
     */
    static byte[] mobileFaceNet(Path shipped, String version, Consumer<Properties> metadata) throws IOException {
        List<URL> files = new ArrayList<>();
        try (JarFile jar = new JarFile(shipped.toFile())) {
            for (JarEntry e : jar.stream().toList()) {
                if (e.getName().startsWith(FOLDER + "/")) {
                    files.add(new URL("jar:" + shipped.toUri() + "!/" + e.getName()));
                }
            }
        }
        return write(files, version, metadata);
    }

    private static byte[] write(List<URL> files, String version, Consumer<Properties> metadata) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", SYMBOLIC_NAME);
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Name", "facegate :: embed :: MobileFaceNet-112 (pushed by a test)");
        a.putValue("Facegate-Model", FOLDER + ";ranking=100;pid=io.facegate.embed.mobilefacenet");
        a.putValue("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=facegate.model)(version>=1.0)"
                + "(!(version>=2.0)))\"");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, mf)) {
            for (URL url : files) {
                String path = url.getPath().replaceAll("^.*!/", "").replaceAll("^/+", "");
                if (path.endsWith("/")) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(path));
                try (InputStream in = url.openStream()) {
                    if (path.endsWith("facegate-model.properties")) {
                        Properties p = new Properties();
                        p.load(in);
                        metadata.accept(p);
                        p.store(jar, "changed by a test");
                    } else {
                        in.transferTo(jar);
                    }
                }
                jar.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
