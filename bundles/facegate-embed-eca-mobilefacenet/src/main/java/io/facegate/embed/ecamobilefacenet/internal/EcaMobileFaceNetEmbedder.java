package io.facegate.embed.ecamobilefacenet.internal;

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
 * ECA-MobileFaceNet-96 (Xiao, Jiang and Liu, 2022), trained by facegate
 * ({@code tools/facegate-train}): 96x96 ArcFace-aligned RGB faces to 128-d
 * embeddings. The SavedModel ships inside this bundle.
 *
 * <p>Its default {@code service.ranking} (200) is above MobileFaceNet-112's
 * (100): installing this bundle beside it switches the pipeline (and the
 * gallery's re-embedding) to this model; stopping or uninstalling it switches
 * back.
 */
@Component(service = FaceEmbedder.class, configurationPid = EcaMobileFaceNetEmbedder.PID, property = {
        FaceEmbedder.PROP_MODEL_ID + "=" + EcaMobileFaceNetEmbedder.MODEL_ID,
        FaceEmbedder.PROP_MODEL_VERSION + "=" + EcaMobileFaceNetEmbedder.MODEL_VERSION,
        FaceEmbedder.PROP_INPUT_SIZE + ":Integer=" + EcaMobileFaceNetEmbedder.INPUT_SIZE,
        FaceEmbedder.PROP_EMBEDDING_SIZE + ":Integer=" + EcaMobileFaceNetEmbedder.EMBEDDING_SIZE,
        "service.ranking:Integer=200"})
@Designate(ocd = EcaMobileFaceNetEmbedder.Config.class)
public class EcaMobileFaceNetEmbedder implements FaceEmbedder {
    static final String PID = "io.facegate.embed.ecamobilefacenet";
    static final String MODEL_ID = "eca-mobilefacenet-96";
    static final String MODEL_VERSION = "2";
    static final int INPUT_SIZE = 96;
    static final int EMBEDDING_SIZE = 128;
    static final String MODEL_PATH = "models/" + MODEL_ID;

    /** Configuration of the ECA-MobileFaceNet-96 embedder. */
    @ObjectClassDefinition(name = "facegate ECA-MobileFaceNet-96 embedder",
            description = "ECA-MobileFaceNet trained by facegate, 96x96 input, 128-d embeddings")
    public @interface Config {
        /** @return most faces per TensorFlow run */
        @AttributeDefinition(description = "Most faces embedded in one TensorFlow run; larger requests are split (1..256)")
        int max__batch() default 16;

        /** @return whether each face is averaged with its mirror image (flip test-time augmentation) */
        @AttributeDefinition(description = "Embed each face together with its left-right mirror image and use the "
                + "normalised sum of the two (flip test-time augmentation): each face costs a second forward pass "
                + "in the same TensorFlow run, about twice the embedding time. On by default, as for "
                + "MobileFaceNet-112 (about +0.5 points on LFW-a; with it on in both, this model is still the faster). "
                + "Embeddings made with and without it are comparable but not identical; re-enrol the gallery "
                + "after changing it for best results")
        boolean flip__average() default true;

        /** @return ranking among embedders; the pipeline follows the highest */
        @AttributeDefinition(name = "service.ranking",
                description = "Ranking among installed embedders; the pipeline uses the highest"
                        + " (MobileFaceNet-112 has 100, so by default this model takes over when installed)")
        int service_ranking() default 200;
    }

    private final SavedModelEmbedder embedder;

    /**
     * @param context this bundle's context, to find the shipped model
     * @param config  the typed configuration
     * @throws IllegalArgumentException on bad configuration
     * @throws FaceGateException if the shipped model is missing or not the expected one
     */
    @Activate
    public EcaMobileFaceNetEmbedder(BundleContext context, Config config) {
        this(loadChecked(context, config), config.max__batch(), config.flip__average());
    }

    /** Checks the configuration before the (large) model is extracted and loaded. */
    private static LoadedModel loadChecked(BundleContext context, Config config) {
        checkMaxBatch(config.max__batch());
        return LoadedModel.load(context.getBundle(), MODEL_PATH);
    }

    private static void checkMaxBatch(int maxBatch) {
        if (maxBatch < 1 || maxBatch > 256) {
            throw new IllegalArgumentException("max_batch must be within 1..256, got " + maxBatch);
        }
    }

    /** Wraps an already loaded model; takes ownership of it, also when it is refused. */
    EcaMobileFaceNetEmbedder(LoadedModel model, int maxBatch, boolean flipAverage) {
        try {
            checkMaxBatch(maxBatch);
        } catch (IllegalArgumentException e) {
            model.close();
            throw e;
        }
        this.embedder = new SavedModelEmbedder(model, maxBatch, flipAverage)
                .expect(MODEL_ID, MODEL_VERSION, INPUT_SIZE, EMBEDDING_SIZE);
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
