package io.facegate.api.deploy;

import org.osgi.annotation.versioning.ConsumerType;

/** Told every change of a deployment job (whiteboard: register as a service); the MQTT bundle publishes it. */
@ConsumerType
public interface DeployListener {
    /**
     * Called on the agent's thread; must return quickly and not throw.
     *
     * @param job the job after the change
     */
    void changed(DeployJob job);
}
