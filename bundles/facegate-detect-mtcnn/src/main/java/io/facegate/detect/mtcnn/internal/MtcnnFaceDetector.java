package io.facegate.detect.mtcnn.internal;

import io.facegate.api.DetectedFace;
import io.facegate.api.FaceDetector;
import io.facegate.api.RgbImage;
import io.facegate.tensorflow.LoadedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The MTCNN {@link FaceDetector}: the cascade of {@link MtcnnCascade} over the three
 * nets this bundle ships (SavedModels under {@code models/mtcnn-*}). Thread-safe.
 * {@link AutoCloseable} for the tools that run it outside OSGi; DS registers it only as a
 * {@link FaceDetector}.
 */
@Component(service = FaceDetector.class, configurationPid = MtcnnFaceDetector.PID,
        property = FaceDetector.PROP_DETECTOR_ID + "=" + MtcnnFaceDetector.DETECTOR_ID)
@Designate(ocd = MtcnnDetectorConfig.class)
public final class MtcnnFaceDetector implements FaceDetector, AutoCloseable {
    /** Configuration PID. */
    public static final String PID = "io.facegate.detect.mtcnn";
    /** Value of {@link FaceDetector#PROP_DETECTOR_ID}. */
    public static final String DETECTOR_ID = "mtcnn";

    private final MtcnnCascade cascade;
    /** The nets this component loaded and must close; null when a caller lent them. */
    private final MtcnnNets ownedNets;

    /**
     * DS constructor: validates the configuration first (no model is loaded for a bad one),
     * then loads the three nets from this bundle.
     *
     * @param context this bundle's context
     * @param config  the DS configuration
     * @throws IllegalArgumentException on a bad configuration value, naming it
     * @throws io.facegate.api.FaceGateException if the shipped models cannot be loaded
     */
    @Activate
    public MtcnnFaceDetector(BundleContext context, MtcnnDetectorConfig config) {
        MtcnnSettings settings = MtcnnSettings.from(config);
        this.ownedNets = loadNets(context.getBundle());
        this.cascade = new MtcnnCascade(ownedNets, settings);
    }

    /**
     * For wiring outside DS and for tests.
     *
     * @param nets     the nets, still owned by the caller
     * @param settings validated settings
     */
    MtcnnFaceDetector(MtcnnNets nets, MtcnnSettings settings) {
        this(Objects.requireNonNull(nets, "nets"), settings, false);
    }

    /**
     * For tools that run the detector outside OSGi (evaluation, benchmarks): loads the three
     * nets from {@code modelsDir/mtcnn-{pnet,rnet,onet}} with the default settings.
     * {@link #close()} the detector to free them.
     *
     * @param modelsDir directory holding the three model directories
     * @return a detector owning its nets
     * @throws io.facegate.api.FaceGateException if the models cannot be loaded
     */
    public static MtcnnFaceDetector load(Path modelsDir) {
        return new MtcnnFaceDetector(TfMtcnnNets.load(modelsDir.resolve("mtcnn-pnet"),
                modelsDir.resolve("mtcnn-rnet"), modelsDir.resolve("mtcnn-onet")), MtcnnSettings.defaults(), true);
    }

    private MtcnnFaceDetector(MtcnnNets nets, MtcnnSettings settings, boolean owned) {
        this.cascade = new MtcnnCascade(nets, settings);
        this.ownedNets = owned ? nets : null;
    }

    private static MtcnnNets loadNets(Bundle bundle) {
        List<LoadedModel> loaded = new ArrayList<>();
        try {
            for (String net : List.of("mtcnn-pnet", "mtcnn-rnet", "mtcnn-onet")) {
                loaded.add(LoadedModel.load(bundle, "models/" + net));
            }
            return new TfMtcnnNets(loaded.get(0).savedModel(), loaded.get(1).savedModel(), loaded.get(2).savedModel());
        } catch (RuntimeException e) {
            loaded.forEach(LoadedModel::close);
            throw e;
        }
    }

    @Override
    public List<DetectedFace> detect(RgbImage image) {
        return cascade.detect(Objects.requireNonNull(image, "image"));
    }

    /** Frees the nets this detector loaded; nets lent by a caller stay open. */
    @Deactivate
    @Override
    public void close() {
        if (ownedNets != null) {
            ownedNets.close();
        }
    }
}
