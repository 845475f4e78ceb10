package io.facegate.operations.internal;

import java.util.List;
import java.util.Map;

/**
 * What Service Component Runtime says about the components a configuration PID configures: a seam so the
 * settle-and-roll-back logic can be tested with a fake runtime.
 */
interface ComponentStates {

    /**
     * One enabled component that a PID configures.
     *
     * @param name       the component name
     * @param properties its description's properties: the defaults its configuration overrides
     */
    record Description(String name, Map<String, Object> properties) {
        /** Copies the map. */
        public Description {
            properties = Map.copyOf(properties);
        }
    }

    /**
     * One component configuration now.
     *
     * @param component  the component name
     * @param state      {@code ComponentConfigurationDTO} state: 1 unsatisfied configuration, 2 satisfied,
     *                   4 unsatisfied reference, 8 active, 16 failed activation
     * @param failure    why activation failed (a stack trace), or null
     * @param serviceId  the {@code service.id} of its registered service, or null
     * @param properties its component properties: description defaults overridden by the configuration
     */
    record State(String component, int state, String failure, Long serviceId, Map<String, Object> properties) {
        static final int UNSATISFIED_CONFIGURATION = 1;
        static final int SATISFIED = 2;
        static final int UNSATISFIED_REFERENCE = 4;
        static final int ACTIVE = 8;
        static final int FAILED_ACTIVATION = 16;

        /** Copies the map. */
        public State {
            properties = Map.copyOf(properties);
        }
    }

    /**
     * @param pid a configuration PID
     * @return the enabled components whose configuration PIDs include it
     */
    List<Description> describe(String pid);

    /**
     * @param pid a configuration PID
     * @return the configurations of those components now
     */
    List<State> of(String pid);
}
