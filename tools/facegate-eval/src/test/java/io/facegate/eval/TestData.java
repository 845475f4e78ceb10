package io.facegate.eval;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the data tests find the shared photos and the unpacked models; they skip, saying why, without them. */
final class TestData {
    private TestData() {
    }

    /**
     * @param sub a folder under the data dir, e.g. {@code lfw-a}
     * @return its path
     */
    static Path data(String sub) {
        String dir = System.getProperty("facegate.data.dir");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir, sub)),
                "skipped: shared face data '" + sub + "' not found (system property facegate.data.dir = " + dir + ")");
        return Path.of(dir, sub).normalize();
    }

    /** @return the unpacked models folder, with the embedder and the three MTCNN nets */
    static Path models() {
        Path models = EvalCli.defaultModelsDir();
        for (String id : new String[] {EvalCli.DEFAULT_MODEL, "mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet"}) {
            assumeTrue(Files.isRegularFile(models.resolve(id).resolve("saved_model.pb")),
                    "skipped: model " + id + " not unpacked under " + models + " (the build unpacks expo-face-models)");
        }
        return models;
    }
}
