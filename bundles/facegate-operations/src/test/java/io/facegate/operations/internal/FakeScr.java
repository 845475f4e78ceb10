package io.facegate.operations.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.dto.ServiceReferenceDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.promise.Promise;

/**
 * Service Component Runtime as the settings change sees it, driven by a {@link FakeConfigAdmin}: on every change of
 * its PID a component is deactivated (satisfied, the new properties, no service) and, a moment later on another
 * thread, activated: its validator decides between active (a new service id) and failed activation (a stack trace
 * like the one Felix SCR keeps). Close it after the test.
 */
final class FakeScr implements ServiceComponentRuntime, AutoCloseable {

    /** One component: its name, PID, default properties and what its constructor refuses. */
    final class Component {
        final String name;
        final String pid;
        final Map<String, Object> defaults;
        final Function<Map<String, Object>, String> validator;
        volatile boolean stuck;
        volatile int state = ComponentConfigurationDTO.ACTIVE;
        volatile String failure;
        volatile Long serviceId = serviceIds.incrementAndGet();
        volatile Map<String, Object> properties;
        final List<Map<String, Object>> activations = new CopyOnWriteArrayList<>();

        Component(String name, String pid, Map<String, Object> defaults, Function<Map<String, Object>, String> validator) {
            this.name = name;
            this.pid = pid;
            this.defaults = Map.copyOf(defaults);
            this.validator = validator;
            this.properties = new HashMap<>(defaults);
        }

        void configurationChanged(Dictionary<String, Object> config) {
            if (stuck) {
                return;
            }
            Map<String, Object> props = new HashMap<>(defaults);
            if (config != null) {
                for (Enumeration<String> keys = config.keys(); keys.hasMoreElements(); ) {
                    String k = keys.nextElement();
                    props.put(k, config.get(k));
                }
            }
            executor.schedule(() -> {
                synchronized (this) {
                    // deactivated: new properties, service gone; an old failure stays until the next activation
                    properties = props;
                    state = ComponentConfigurationDTO.SATISFIED;
                    serviceId = null;
                }
                executor.schedule(() -> activate(props), 20, TimeUnit.MILLISECONDS);
            }, 10, TimeUnit.MILLISECONDS);
        }

        private synchronized void activate(Map<String, Object> props) {
            if (props != properties) {
                return; // reconfigured again meanwhile
            }
            activations.add(props);
            String refused = validator.apply(props);
            if (refused == null) {
                failure = null;
                state = ComponentConfigurationDTO.ACTIVE;
                serviceId = serviceIds.incrementAndGet();
            } else {
                failure = "java.lang.reflect.InvocationTargetException\n\tat jdk.internal.reflect.Foo.newInstance(Foo.java:1)\n"
                        + "Caused by: java.lang.IllegalArgumentException: " + refused + "\n\tat " + name + ".<init>(X.java:9)\n";
                state = ComponentConfigurationDTO.FAILED_ACTIVATION;
            }
        }

        private synchronized ComponentConfigurationDTO dto(ComponentDescriptionDTO d) {
            ComponentConfigurationDTO c = new ComponentConfigurationDTO();
            c.description = d;
            c.id = 1;
            c.state = failure != null ? ComponentConfigurationDTO.FAILED_ACTIVATION : state;
            c.failure = failure;
            c.properties = new HashMap<>(properties);
            if (serviceId != null) {
                c.service = new ServiceReferenceDTO();
                c.service.id = serviceId;
            }
            return c;
        }

        private ComponentDescriptionDTO description() {
            ComponentDescriptionDTO d = new ComponentDescriptionDTO();
            d.name = name;
            d.configurationPid = new String[] {pid};
            d.properties = new HashMap<>(defaults);
            return d;
        }
    }

    private final AtomicLong serviceIds = new AtomicLong(100);
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final List<Component> components = new CopyOnWriteArrayList<>();

    FakeScr(FakeConfigAdmin cm) {
        cm.onChange((pid, props) -> {
            for (Component c : components) {
                if (c.pid.equals(pid)) {
                    c.configurationChanged(props);
                }
            }
        });
    }

    /** Adds a component, active with its defaults. */
    Component add(String name, String pid, Map<String, Object> defaults, Function<Map<String, Object>, String> validator) {
        Component c = new Component(name, pid, defaults, validator);
        components.add(c);
        return c;
    }

    @Override
    public Collection<ComponentDescriptionDTO> getComponentDescriptionDTOs(Bundle... bundles) {
        List<ComponentDescriptionDTO> out = new ArrayList<>();
        for (Component c : components) {
            out.add(c.description());
        }
        return out;
    }

    @Override
    public ComponentDescriptionDTO getComponentDescriptionDTO(Bundle bundle, String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Collection<ComponentConfigurationDTO> getComponentConfigurationDTOs(ComponentDescriptionDTO description) {
        for (Component c : components) {
            if (c.name.equals(description.name)) {
                return List.of(c.dto(description));
            }
        }
        return List.of();
    }

    @Override
    public boolean isComponentEnabled(ComponentDescriptionDTO description) {
        return true;
    }

    @Override
    public Promise<Void> enableComponent(ComponentDescriptionDTO description) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Promise<Void> disableComponent(ComponentDescriptionDTO description) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
