package io.facegate.models.internal;

import io.facegate.api.FaceEmbedder;
import io.facegate.api.ModelInfo;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Executor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationException;
import org.osgi.service.cm.ManagedService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model of one model bundle: its configuration ({@link ManagedService} under the model's PID) and the
 * {@link FaceEmbedder} service registered for it, in the model bundle's name, so it goes when that bundle stops.
 *
 * <p>Every (re)configuration loads the model on the loader thread, self-tests it, registers the new embedder and
 * only then unregisters and closes the previous one: the pipeline always has an embedder while settings change. A
 * model that fails to load or to pass its self-test is not registered; a bad new configuration keeps the previous
 * embedder serving. Either is logged, and {@link #state()} says it.
 */
final class ModelRegistration implements ManagedService {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistration.class);

    /** Loads, wraps and self-tests the model with the given settings. */
    interface Loader {
        /**
         * @param settings the validated settings
         * @return a checked embedder, owned by the caller
         * @throws RuntimeException if the model cannot be loaded or fails its self-test
         */
        ModelEmbedder load(ModelSettings settings);
    }

    /** Registers a service in the model bundle's name (a seam for unit tests). */
    interface Registrar {
        /**
         * @param embedder   the service
         * @param properties its properties
         * @return its registration
         */
        ServiceRegistration<FaceEmbedder> register(FaceEmbedder embedder, Dictionary<String, Object> properties);
    }

    private final String bundle;
    private final ModelDeclaration declaration;
    private final String pid;
    private final Executor loaderThread;
    private final Loader loader;
    private final Registrar registrar;

    private ServiceRegistration<ManagedService> configRegistration;
    private ServiceRegistration<FaceEmbedder> registration;
    private ModelEmbedder current;
    private ModelSettings currentSettings;
    private String state = "waiting for its configuration";
    private boolean closed;

    /**
     * @param bundle       the model bundle's symbolic name, for messages and a service property
     * @param declaration  the model in its header
     * @param modelId      the model's id, from its metadata
     * @param loaderThread where models are loaded (one thread for all: loads are heavy)
     * @param loader       loads the model
     * @param registrar    registers the embedder service in the model bundle's name
     */
    ModelRegistration(String bundle, ModelDeclaration declaration, String modelId, Executor loaderThread,
            Loader loader, Registrar registrar) {
        this.bundle = bundle;
        this.declaration = declaration;
        this.pid = declaration.pidFor(modelId);
        this.loaderThread = loaderThread;
        this.loader = loader;
        this.registrar = registrar;
    }

    /** @return the configuration PID */
    String pid() {
        return pid;
    }

    /**
     * Registers the configuration target; Configuration Admin then calls {@link #updated} (with {@code null} when
     * there is no configuration), which loads the model.
     *
     * @param extenderContext the extender's context
     */
    synchronized void open(BundleContext extenderContext) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, pid);
        configRegistration = extenderContext.registerService(ManagedService.class, this, props);
    }

    @Override
    public void updated(Dictionary<String, ?> properties) throws ConfigurationException {
        ModelSettings settings;
        try {
            settings = ModelSettings.from(properties, declaration);
        } catch (IllegalArgumentException e) {
            synchronized (this) {
                state = "configuration " + pid + " refused: " + e.getMessage()
                        + (current == null ? "" : "; the previous settings still serve");
            }
            LOG.error("model {} of bundle {}: {}", declaration.path(), bundle, state);
            throw new ConfigurationException(null, e.getMessage(), e);
        }
        loaderThread.execute(() -> apply(settings));
    }

    /** Loads and registers with {@code settings} (on the loader thread). */
    void apply(ModelSettings settings) {
        synchronized (this) {
            if (closed || settings.equals(currentSettings)) {
                return;
            }
            if (current != null && sameModel(settings, currentSettings)) {
                registration.setProperties(properties(current.model(), settings)); // only the ranking changed
                currentSettings = settings;
                return;
            }
        }
        ModelEmbedder loaded;
        try {
            loaded = loader.load(settings);
        } catch (RuntimeException e) {
            synchronized (this) {
                state = "not served: " + e.getMessage() + (current == null ? "" : "; the previous settings still serve");
            }
            LOG.error("model {} of bundle {} {}", declaration.path(), bundle, state);
            return;
        }
        ServiceRegistration<FaceEmbedder> previousRegistration;
        ModelEmbedder previous;
        synchronized (this) {
            if (closed) {
                loaded.close();
                return;
            }
            ServiceRegistration<FaceEmbedder> r;
            try {
                r = registrar.register(loaded, properties(loaded.model(), settings));
            } catch (IllegalStateException e) { // the model bundle stopped meanwhile
                loaded.close();
                state = "not served: bundle " + bundle + " stopped";
                return;
            }
            previousRegistration = registration;
            previous = current;
            registration = r;
            current = loaded;
            currentSettings = settings;
            state = "serving " + loaded.model().key();
        }
        release(previousRegistration, previous);
        LOG.info("model {} of bundle {} serves as {} (ranking {}, max_batch {}, flip_average {})",
                declaration.path(), bundle, loaded.model().key(), settings.ranking(),
                settings.maxBatch(), settings.flipAverage());
    }

    /** @return what this model is doing, for operators */
    synchronized String state() {
        return state;
    }

    /** @return the embedder serving now, or {@code null} */
    synchronized ModelEmbedder current() {
        return current;
    }

    /** Unregisters everything and closes the model; waits for nothing but the service's unregistration. */
    void close() {
        ServiceRegistration<FaceEmbedder> r;
        ModelEmbedder e;
        ServiceRegistration<ManagedService> c;
        synchronized (this) {
            closed = true;
            r = registration;
            e = current;
            c = configRegistration;
            registration = null;
            current = null;
            configRegistration = null;
            state = "stopped";
        }
        if (c != null) {
            try {
                c.unregister();
            } catch (IllegalStateException ignored) {
                // already gone with the extender
            }
        }
        release(r, e);
    }

    private static void release(ServiceRegistration<FaceEmbedder> registration, ModelEmbedder embedder) {
        if (registration != null) {
            try {
                // the pipeline's unbind waits until no frame uses the embedder any more
                registration.unregister();
            } catch (IllegalStateException ignored) {
                // the framework unregistered it with its bundle
            }
        }
        if (embedder != null) {
            embedder.close();
        }
    }

    private static boolean sameModel(ModelSettings a, ModelSettings b) {
        return b != null && a.maxBatch() == b.maxBatch() && a.flipAverage() == b.flipAverage()
                && Float.compare(a.threshold(), b.threshold()) == 0;
    }

    private Dictionary<String, Object> properties(ModelInfo m, ModelSettings settings) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(FaceEmbedder.PROP_MODEL_ID, m.id());
        props.put(FaceEmbedder.PROP_MODEL_VERSION, m.version());
        props.put(FaceEmbedder.PROP_INPUT_SIZE, m.inputSize());
        props.put(FaceEmbedder.PROP_EMBEDDING_SIZE, m.embeddingSize());
        props.put(Constants.SERVICE_RANKING, settings.ranking());
        props.put("facegate.model.bundle", bundle);
        props.put("facegate.model.path", declaration.path());
        return props;
    }
}
