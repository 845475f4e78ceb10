package io.facegate.models.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.tensorflow.LoadedModel;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real ECA-MobileFaceNet-96 SavedModel that the ECA model bundle carries. */
final class Models {
    static final Path ECA = Path.of("../facegate-embed-eca-mobilefacenet/src/main/resources/models/"
            + "eca-mobilefacenet-96");

    private Models() {
    }

    /** @return the real model with these settings, self-tested */
    static ModelEmbedder eca(ModelSettings settings) {
        assertTrue(Files.isDirectory(ECA), "the ECA-MobileFaceNet-96 SavedModel is committed at " + ECA);
        return ModelExtender.checked(new ModelEmbedder(new SavedModelEmbedder(LoadedModel.load(ECA),
                settings.maxBatch(), settings.flipAverage()), settings.threshold()));
    }
}
