package io.facegate.models.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.facegate.tensorflow.LoadedModel;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two shipped model bundles as the extender sees them: a {@value ModelDeclaration#HEADER} header, a SavedModel
 * with its metadata, no code. Each is read from its built artifact, loaded with its defaults and self-tested.
 */
class ShippedModelBundlesTest {
    @TempDir
    Path tmp;

    private static Manifest manifestOf(String symbolicName) throws IOException {
        Enumeration<URL> all = ShippedModelBundlesTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
        while (all.hasMoreElements()) {
            try (InputStream in = all.nextElement().openStream()) {
                Manifest m = new Manifest(in);
                if (symbolicName.equals(m.getMainAttributes().getValue("Bundle-SymbolicName"))) {
                    return m;
                }
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " on the test class path");
    }

    /** Copies a model folder out of the bundle artifact (a jar, or target/classes in a reactor build). */
    private Path extract(String folder) throws Exception {
        URL url = getClass().getClassLoader().getResource(folder + "/facegate-model.properties");
        assertNotNull(url, folder + " is in a bundle on the test class path");
        Path target = tmp.resolve(folder);
        if ("jar".equals(url.getProtocol())) {
            String s = url.toString();
            URI jar = URI.create(s.substring(0, s.indexOf("!/")));
            try (FileSystem zip = FileSystems.newFileSystem(jar, Map.of())) {
                copy(zip.getPath("/" + folder), target);
            }
        } else {
            copy(Path.of(url.toURI()).getParent(), target);
        }
        return target;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    private void check(String bundle, String pid, int ranking, String key, int inputSize, int dimension)
            throws Exception {
        Manifest m = manifestOf(bundle);
        assertEquals(null, m.getMainAttributes().getValue("Import-Package"), bundle + " has no code to import for");
        List<ModelDeclaration> declared = ModelDeclaration.parse(m.getMainAttributes().getValue(
                ModelDeclaration.HEADER));
        assertEquals(1, declared.size());
        ModelDeclaration d = declared.get(0);
        assertEquals(ranking, d.ranking());
        ModelSettings defaults = ModelSettings.from(null, d);
        try (ModelEmbedder e = ModelExtender.checked(new ModelEmbedder(new SavedModelEmbedder(
                LoadedModel.load(extract(d.path())), defaults.maxBatch(), defaults.flipAverage()),
                defaults.threshold()))) {
            assertEquals(key, e.model().key());
            assertEquals(pid, d.pidFor(e.model().id()), "the PID of its earlier DS component, so .cfg files stay");
            assertEquals(inputSize, e.model().inputSize());
            assertEquals(dimension, e.embed(List.of(SelfTest.syntheticFace(inputSize))).get(0).dimension());
        }
    }

    @Test
    void mobileFaceNet112IsADataBundle() throws Exception {
        check("facegate-embed-mobilefacenet", "io.facegate.embed.mobilefacenet", 100, "mobilefacenet-112:1", 112,
                192);
    }

    @Test
    void ecaMobileFaceNet96IsADataBundle() throws Exception {
        check("facegate-embed-eca-mobilefacenet", "io.facegate.embed.ecamobilefacenet", 200,
                "eca-mobilefacenet-96:2", 96, 128);
    }
}
