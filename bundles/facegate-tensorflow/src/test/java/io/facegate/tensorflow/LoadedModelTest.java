package io.facegate.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.FaceGateException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.tensorflow.Result;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;

/** Real TensorFlow: exports a tiny SavedModel, then loads it the way model bundles do. */
class LoadedModelTest {

    @TempDir
    Path tmp;

    private static float[][] run(LoadedModel model, float[][] input) {
        try (TFloat32 in = TFloat32.tensorOf(StdArrays.ndCopyOf(input));
             Result out = model.savedModel().call(Map.of("input", in))) {
            TFloat32 y = (TFloat32) out.get("y").orElseThrow();
            return StdArrays.array2dCopyOf(y);
        }
    }

    @Test
    void loadsAndRunsASavedModelDirectory() throws Exception {
        try (LoadedModel model = LoadedModel.load(TestModels.affine(tmp.resolve("affine")))) {
            assertEquals("affine", model.metadata().id());
            float[][] y = run(model, new float[][] {{0, 1}, {-1, 2.5f}});
            assertEquals(List.of(1f, 3f, -1f, 6f), List.of(y[0][0], y[0][1], y[1][0], y[1][1]));
        }
    }

    @Test
    void extractsAModelFromABundleOncePerRevision() throws Exception {
        Path content = tmp.resolve("bundle-content");
        TestModels.affine(content.resolve("models/affine"));
        Path dataArea = Files.createDirectories(tmp.resolve("data"));
        Bundle bundle = fakeBundle(content, dataArea, 1000L);

        Path first = LoadedModel.extract(bundle, "models/affine");
        try (LoadedModel model = LoadedModel.load(bundle, "/models/affine/")) {
            assertEquals(2f * 4 + 1, run(model, new float[][] {{4, 4}})[0][0]);
        }
        assertEquals(first, LoadedModel.extract(bundle, "models/affine"));

        // an updated bundle gets a fresh copy and the old one is removed
        Path second = LoadedModel.extract(fakeBundle(content, dataArea, 2000L), "models/affine");
        assertTrue(Files.isDirectory(second));
        assertTrue(Files.notExists(first), "stale revision removed");
        try (Stream<Path> left = Files.list(dataArea.resolve("models"))) {
            assertEquals(List.of(second), left.toList());
        }
    }

    @Test
    void missingModelGivesAClearError() throws Exception {
        Bundle bundle = fakeBundle(Files.createDirectories(tmp.resolve("empty")), tmp, 1L);
        FaceGateException e = assertThrows(FaceGateException.class, () -> LoadedModel.load(bundle, "models/none"));
        assertEquals("bundle test.model has no model at models/none", e.getMessage());
    }

    @Test
    void corruptSavedModelGivesAClearError() throws Exception {
        Path dir = TestModels.affine(tmp.resolve("corrupt"));
        Files.write(dir.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4});
        FaceGateException e = assertThrows(FaceGateException.class, () -> LoadedModel.load(dir));
        assertTrue(e.getMessage().startsWith("cannot load SavedModel affine from " + dir), e.getMessage());
    }

    /** Just enough of a Bundle: entries served from a directory, a data area, a revision stamp. */
    private static Bundle fakeBundle(Path root, Path dataArea, long lastModified) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> "test.model";
                    case "getVersion" -> new Version(1, 0, 0);
                    case "getLastModified" -> lastModified;
                    case "getDataFile" -> new File(dataArea.toFile(), (String) args[0]);
                    case "findEntries" -> entries(root, (String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Entries as the framework gives them: {@code bundle://} URLs whose path is the entry path. */
    private static Enumeration<URL> entries(Path root, String path) throws IOException {
        Path dir = root.resolve(path);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                URLStreamHandler handler = new URLStreamHandler() {
                    @Override
                    protected URLConnection openConnection(URL u) {
                        return new URLConnection(u) {
                            @Override
                            public void connect() {
                            }

                            @Override
                            public InputStream getInputStream() throws IOException {
                                return Files.newInputStream(file);
                            }
                        };
                    }
                };
                urls.add(new URL(null, "bundle://1.0:1/" + root.relativize(file), handler));
            }
        }
        return Collections.enumeration(urls);
    }
}
