package io.facegate.tensorflow;

import io.facegate.api.FaceGateException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;

/**
 * A SavedModel plus its {@link ModelMetadata}, loaded and ready to run.
 * Owns the native graph and session: close it (in {@code @Deactivate}).
 */
public final class LoadedModel implements AutoCloseable {
    /** The SavedModel tag facegate models are exported with. */
    public static final String TAG = "serve";

    private final ModelMetadata metadata;
    private final SavedModelBundle savedModel;

    private LoadedModel(ModelMetadata metadata, SavedModelBundle savedModel) {
        this.metadata = metadata;
        this.savedModel = savedModel;
    }

    /**
     * Loads a model directory holding a SavedModel and {@value ModelMetadata#FILE_NAME}.
     *
     * @param dir the model directory
     * @return the loaded model
     * @throws FaceGateException if the metadata or the SavedModel cannot be loaded
     */
    public static LoadedModel load(Path dir) {
        ModelMetadata metadata;
        try (InputStream in = Files.newInputStream(dir.resolve(ModelMetadata.FILE_NAME))) {
            metadata = ModelMetadata.read(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new FaceGateException("cannot read model metadata in " + dir + ": " + e.getMessage(), e);
        }
        try {
            return new LoadedModel(metadata, SavedModelBundle.load(dir.toString(), TAG));
        } catch (RuntimeException e) {
            throw new FaceGateException("cannot load SavedModel " + metadata.id() + " from " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Loads a model shipped inside a bundle. TensorFlow reads SavedModels from
     * the file system only, so the entries under {@code path} are extracted to
     * the bundle's data area first, once per bundle revision.
     *
     * @param bundle the model bundle
     * @param path   entry path of the model directory inside the bundle, e.g. {@code models/mobilefacenet-112}
     * @return the loaded model
     * @throws FaceGateException if the bundle lacks the model or it cannot be loaded
     */
    public static LoadedModel load(Bundle bundle, String path) {
        return load(extract(bundle, path));
    }

    static Path extract(Bundle bundle, String path) {
        String clean = path.replaceAll("^/+|/+$", "");
        Enumeration<URL> entries = bundle.findEntries(clean, "*", true);
        if (entries == null) {
            throw new FaceGateException("bundle " + bundle.getSymbolicName() + " has no model at " + clean);
        }
        File area = bundle.getDataFile("");
        if (area == null) {
            throw new FaceGateException("framework gives bundle " + bundle.getSymbolicName() + " no data area");
        }
        Path root = area.toPath().resolve("models");
        String name = clean.replace('/', '_') + "-" + bundle.getVersion() + "-" + bundle.getLastModified();
        Path target = root.resolve(name);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path staging = root.resolve(name + ".partial");
        try {
            deleteTree(staging);
            while (entries.hasMoreElements()) {
                URL url = entries.nextElement();
                String relative = url.getPath().replaceAll("^/+", "").substring(clean.length()).replaceAll("^/+", "");
                if (relative.isEmpty() || url.getPath().endsWith("/")) {
                    continue;
                }
                Path file = staging.resolve(relative).normalize();
                if (!file.startsWith(staging)) {
                    throw new FaceGateException("model entry escapes its directory: " + url.getPath());
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = url.openStream()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            // a half-extracted model must never be mistaken for a complete one
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            removeOtherRevisions(root, clean.replace('/', '_') + "-", name);
            return target;
        } catch (IOException e) {
            throw new FaceGateException("cannot extract model " + clean + " of bundle "
                    + bundle.getSymbolicName() + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static void removeOtherRevisions(Path root, String prefix, String keep) throws IOException {
        try (Stream<Path> siblings = Files.list(root)) {
            for (Path p : siblings.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && !n.equals(keep)) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** @return what the model is */
    public ModelMetadata metadata() {
        return metadata;
    }

    /** @return the SavedModel's session; thread-safe for concurrent {@code run}s */
    public Session session() {
        return savedModel.session();
    }

    /** @return the SavedModel, e.g. to look up its signature */
    public SavedModelBundle savedModel() {
        return savedModel;
    }

    @Override
    public void close() {
        savedModel.close();
    }
}
