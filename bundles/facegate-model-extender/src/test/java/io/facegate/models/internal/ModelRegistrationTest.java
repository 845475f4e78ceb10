package io.facegate.models.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationException;

/**
 * The life of one model's registration with the real ECA-MobileFaceNet-96 model; the framework's registry is a
 * recording stand-in, and configuration updates run on the calling thread.
 */
class ModelRegistrationTest {
    private final List<String> log = new ArrayList<>();
    private final List<Registered> live = new ArrayList<>();
    private final AtomicInteger loads = new AtomicInteger();
    private ModelRegistration registration;

    /** One registered embedder service, as the registry holds it. */
    private final class Registered implements ServiceRegistration<FaceEmbedder> {
        final FaceEmbedder service;
        Dictionary<String, ?> properties;

        Registered(FaceEmbedder service, Dictionary<String, ?> properties) {
            this.service = service;
            this.properties = properties;
        }

        @Override
        public ServiceReference<FaceEmbedder> getReference() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setProperties(Dictionary<String, ?> p) {
            properties = p;
            log.add("modified ranking " + p.get("service.ranking"));
        }

        @Override
        public void unregister() {
            if (!live.remove(this)) {
                throw new IllegalStateException("already unregistered");
            }
            log.add("unregistered " + service.model().key());
        }
    }

    private ModelRegistration registration(ModelRegistration.Loader loader) {
        registration = new ModelRegistration("io.facegate.model.test", new ModelDeclaration("models/eca-mobilefacenet-96", 200, null),
                "eca-mobilefacenet-96", Runnable::run, loader, (embedder, props) -> {
                    Registered r = new Registered(embedder, props);
                    live.add(r);
                    log.add("registered " + embedder.model().key() + " ranking " + props.get("service.ranking"));
                    return r;
                });
        return registration;
    }

    private ModelEmbedder realLoad(ModelSettings s) {
        loads.incrementAndGet();
        return Models.eca(s);
    }

    private static Hashtable<String, Object> config(Object... kv) {
        Hashtable<String, Object> h = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) {
            h.put((String) kv[i], kv[i + 1]);
        }
        return h;
    }

    @AfterEach
    void close() {
        if (registration != null) {
            registration.close();
        }
    }

    @Test
    void registersTheCheckedModelWithItsPropertiesAndReplacesItWithoutAGap() throws Exception {
        ModelRegistration r = registration(this::realLoad);
        assertEquals("io.facegate.model.eca-mobilefacenet-96", r.pid());
        r.updated(null);
        assertEquals(1, live.size());
        Dictionary<String, ?> p = live.get(0).properties;
        assertEquals("eca-mobilefacenet-96", p.get(FaceEmbedder.PROP_MODEL_ID));
        assertEquals("2", p.get(FaceEmbedder.PROP_MODEL_VERSION));
        assertEquals(96, p.get(FaceEmbedder.PROP_INPUT_SIZE));
        assertEquals(128, p.get(FaceEmbedder.PROP_EMBEDDING_SIZE));
        assertEquals(200, p.get("service.ranking"));
        assertEquals("serving eca-mobilefacenet-96:2", r.state());

        r.updated(null); // the same settings again: nothing happens
        r.updated(config("service.ranking", 50)); // only the ranking: no reload
        assertEquals(1, loads.get());
        assertEquals(50, live.get(0).properties.get("service.ranking"));

        ModelEmbedder before = r.current();
        r.updated(config("service.ranking", 50, "flip_average", false));
        assertEquals(2, loads.get());
        assertNotSame(before, r.current());
        assertTrue(!r.current().flipAverage());
        assertEquals(List.of("registered eca-mobilefacenet-96:2 ranking 200", "modified ranking 50",
                "registered eca-mobilefacenet-96:2 ranking 50", "unregistered eca-mobilefacenet-96:2"), log,
                "the new embedder is registered before the old one goes");
        assertThrows(FaceGateException.class, () -> before.embed(List.of(SelfTest.syntheticFace(96))),
                "the replaced model is closed");
    }

    @Test
    void aModelThatFailsLeavesThePreviousServingAndBadConfigurationIsRefused() throws Exception {
        ModelRegistration r = registration(s -> {
            if (!s.flipAverage()) {
                throw new FaceGateException("self-test of eca-mobilefacenet-96:2: embedding is not finite");
            }
            return realLoad(s);
        });
        r.updated(null);
        ModelEmbedder serving = r.current();
        r.updated(config("flip_average", false));
        assertSame(serving, r.current());
        assertEquals(1, live.size());
        assertTrue(r.state().contains("embedding is not finite") && r.state().contains("previous settings still"),
                r.state());
        ConfigurationException bad = assertThrows(ConfigurationException.class,
                () -> r.updated(config("max_batch", 0)));
        assertTrue(bad.getMessage().contains("max_batch"), bad.getMessage());
        assertSame(serving, r.current());
    }

    @Test
    void aModelThatNeverLoadsIsNotRegisteredAndCloseUnregisters() throws Exception {
        ModelRegistration failing = registration(s -> {
            throw new FaceGateException("bundle has no model at models/eca-mobilefacenet-96");
        });
        failing.updated(null);
        assertEquals(List.of(), live);
        assertTrue(failing.state().startsWith("not served: bundle has no model"), failing.state());
        failing.close();

        ModelRegistration r = registration(this::realLoad);
        r.updated(null);
        ModelEmbedder serving = r.current();
        r.close();
        assertEquals(List.of(), live);
        assertNull(r.current());
        assertEquals("stopped", r.state());
        assertThrows(FaceGateException.class, () -> serving.embed(List.of(SelfTest.syntheticFace(96))));
        r.updated(null); // after close a late configuration changes nothing
        assertEquals(List.of(), live);
    }
}
