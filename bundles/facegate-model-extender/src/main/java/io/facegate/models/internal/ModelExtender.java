package io.facegate.models.internal;

import io.facegate.api.FaceEmbedder;
import io.facegate.tensorflow.LoadedModel;
import io.facegate.tensorflow.ModelMetadata;
import io.facegate.tensorflow.SavedModelEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender for model bundles (the OSGi extender pattern, as Apache Sling and Aries use it): every started bundle
 * with a {@value ModelDeclaration#HEADER} header gets, for each model it declares, a {@link FaceEmbedder} registered
 * in its name ({@link ModelRegistration}), so a model bundle carries a SavedModel and its
 * {@code facegate-model.properties} and no code. Models load on one loader thread, never on the thread that starts
 * the bundle; stopping the bundle unregisters its embedders and closes their TensorFlow sessions.
 */
@Component(service = {}, immediate = true)
public final class ModelExtender implements BundleTrackerCustomizer<List<ModelRegistration>> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelExtender.class);

    private final BundleContext context;
    private final ExecutorService loaderThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "facegate-model-loader");
        t.setDaemon(true);
        return t;
    });
    private final BundleTracker<List<ModelRegistration>> tracker;

    /** @param context the extender's context; starts tracking model bundles */
    @Activate
    public ModelExtender(BundleContext context) {
        this.context = context;
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, this);
        tracker.open();
    }

    @Override
    public List<ModelRegistration> addingBundle(Bundle bundle, BundleEvent event) {
        String header = bundle.getHeaders("").get(ModelDeclaration.HEADER);
        if (header == null) {
            return null; // not a model bundle: not tracked
        }
        List<ModelRegistration> models = new ArrayList<>();
        try {
            for (ModelDeclaration d : ModelDeclaration.parse(header)) {
                ModelMetadata metadata = metadata(bundle, d);
                ModelRegistration r = new ModelRegistration(bundle.getSymbolicName(), d, metadata.id(), loaderThread,
                        settings -> load(bundle, d, settings), (embedder, props) -> bundle.getBundleContext()
                                .registerService(FaceEmbedder.class, embedder, props));
                r.open(context);
                models.add(r);
                LOG.info("model bundle {}: {} ({}) found, configured by {}", bundle.getSymbolicName(), d.path(),
                        metadata.id() + ":" + metadata.version(), r.pid());
            }
        } catch (RuntimeException e) {
            LOG.error("model bundle {} ({}) is not served: {}", bundle.getSymbolicName(), bundle.getBundleId(),
                    e.getMessage());
        }
        return models;
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, List<ModelRegistration> models) {
        // STARTING -> ACTIVE: nothing changes for its models
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, List<ModelRegistration> models) {
        models.forEach(ModelRegistration::close);
        if (!models.isEmpty()) {
            LOG.info("model bundle {}: {} model(s) no longer served", bundle.getSymbolicName(), models.size());
        }
    }

    /** Stops tracking (closing every model's registration) and ends the loader thread. */
    @Deactivate
    void deactivate() throws InterruptedException {
        tracker.close();
        loaderThread.shutdown();
        if (!loaderThread.awaitTermination(60, TimeUnit.SECONDS)) {
            loaderThread.shutdownNow();
            LOG.warn("model loader thread did not end within 60 s");
        }
    }

    private static ModelMetadata metadata(Bundle bundle, ModelDeclaration d) {
        URL url = bundle.getEntry(d.path() + "/" + ModelMetadata.FILE_NAME);
        if (url == null) {
            throw new IllegalArgumentException(d.path() + "/" + ModelMetadata.FILE_NAME + " is missing");
        }
        try (InputStream in = url.openStream()) {
            return ModelMetadata.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(d.path() + "/" + ModelMetadata.FILE_NAME + ": " + e.getMessage(), e);
        }
    }

    /** Loads a model of a bundle with its settings and self-tests it; closes what it made when that fails. */
    static ModelEmbedder load(Bundle bundle, ModelDeclaration d, ModelSettings settings) {
        return checked(new ModelEmbedder(new SavedModelEmbedder(LoadedModel.load(bundle, d.path()),
                settings.maxBatch(), settings.flipAverage()), settings.threshold()));
    }

    /** @return {@code embedder} once it passed its self-test; closed and thrown otherwise */
    static ModelEmbedder checked(ModelEmbedder embedder) {
        try {
            SelfTest.check(embedder);
            return embedder;
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
    }
}
