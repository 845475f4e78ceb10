package io.facegate.operations.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** {@link ComponentStates} read from the framework's {@link ServiceComponentRuntime} (DS 1.4 DTOs). */
final class ScrComponentStates implements ComponentStates {
    private final ServiceComponentRuntime scr;

    ScrComponentStates(ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    private List<ComponentDescriptionDTO> descriptions(String pid) {
        List<ComponentDescriptionDTO> out = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.configurationPid != null && Arrays.asList(d.configurationPid).contains(pid)
                    && scr.isComponentEnabled(d)) {
                out.add(d);
            }
        }
        return out;
    }

    @Override
    public List<Description> describe(String pid) {
        List<Description> out = new ArrayList<>();
        for (ComponentDescriptionDTO d : descriptions(pid)) {
            out.add(new Description(d.name, nonNull(d.properties)));
        }
        return out;
    }

    @Override
    public List<State> of(String pid) {
        List<State> out = new ArrayList<>();
        for (ComponentDescriptionDTO d : descriptions(pid)) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                out.add(state(d, c));
            }
        }
        return out;
    }

    /**
     * @param d a description
     * @param c one of its configurations
     * @return the state as the settle logic reads it
     */
    static State state(ComponentDescriptionDTO d, ComponentConfigurationDTO c) {
        return new State(d.name, c.state, c.failure, c.service == null ? null : c.service.id, nonNull(c.properties));
    }

    private static Map<String, Object> nonNull(Map<String, Object> props) {
        Map<String, Object> out = new HashMap<>();
        if (props != null) {
            props.forEach((k, v) -> {
                if (k != null && v != null) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }
}
