package io.facegate.eval;

import io.facegate.tensorflow.ModelMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One model folder as model bundles ship them: a SavedModel plus {@value ModelMetadata#FILE_NAME}.
 *
 * @param dir        the folder
 * @param metadata   its parsed metadata
 * @param parameters {@code model.parameters} as the importer recorded it, or -1 if absent
 * @param bytes      size on disk of everything in the folder
 */
record ModelDir(Path dir, ModelMetadata metadata, long parameters, long bytes) {

    /** @return whether the model turns faces into embeddings (as opposed to a detector net) */
    boolean embedder() {
        return metadata.embeddingSize() > 0;
    }

    /**
     * @param dir a model folder
     * @return the model
     * @throws IOException if the metadata cannot be read
     * @throws IllegalArgumentException if the metadata is malformed
     */
    private static ModelDir read(Path dir) throws IOException {
        byte[] file = Files.readAllBytes(dir.resolve(ModelMetadata.FILE_NAME));
        // ModelMetadata does not carry the parameter count, so the properties are read once more here
        Properties p = new Properties();
        p.load(new InputStreamReader(new ByteArrayInputStream(file), StandardCharsets.UTF_8));
        String params = p.getProperty("model.parameters");
        return new ModelDir(dir, ModelMetadata.read(new ByteArrayInputStream(file)),
                params == null ? -1 : Long.parseLong(params.trim()), sizeOf(dir));
    }

    /**
     * @param root a folder of model folders, e.g. the unpacked {@code models/} of expo-face-models
     * @return every sub-folder that has model metadata, sorted by name
     * @throws IOException if the folder cannot be listed
     */
    static List<ModelDir> list(Path root) throws IOException {
        List<ModelDir> models = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path d : children.sorted().toList()) {
                if (Files.isRegularFile(d.resolve(ModelMetadata.FILE_NAME))) {
                    models.add(read(d));
                }
            }
        }
        return models;
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
