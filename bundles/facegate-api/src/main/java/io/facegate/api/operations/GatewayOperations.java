package io.facegate.api.operations;

import io.facegate.api.PersonSummary;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What an operator can do to a gateway, in one place: the console commands and the MQTT commands both call this
 * service, so the two never disagree. Images arrive as encoded bytes and go through the gateway's guarded decoder.
 * Every method either returns a result or throws {@link OperationException} with a code; none leaves the gallery
 * or the configuration half-changed. Thread-safe.
 */
@ProviderType
public interface GatewayOperations {
    /** @return every enrolled person with photo count and per-model embedding state */
    List<PersonSummary> people() throws OperationException;

    /**
     * Enrols a person from photos, the largest face of each. Nothing is enrolled unless at least one photo has a
     * face; the result says for every photo what happened to it.
     *
     * @param name   the person's name
     * @param photos 1..N encoded images
     * @return one result per photo, in order
     * @throws OperationException 400 on a bad name, no photo or no usable face; 503 without detector or gallery
     */
    EnrollResult enroll(String name, List<Photo> photos) throws OperationException;

    /**
     * @param name an enrolled person
     * @throws OperationException 404 if not enrolled
     */
    void forget(String name) throws OperationException;

    /**
     * @param from an enrolled person
     * @param to   the new name
     * @throws OperationException 404 if {@code from} is not enrolled; 409 if {@code to} is; 400 on a bad name
     */
    void rename(String from, String to) throws OperationException;

    /**
     * Detects and identifies every face of an image with the active model.
     *
     * @param photo an encoded image
     * @return the faces and who they are
     * @throws OperationException 400 on an image that cannot be decoded; 503 without the stage services
     */
    IdentifyResult identify(Photo photo) throws OperationException;

    /** @return the installed embedding models, the active one marked */
    List<ModelSummary> models() throws OperationException;

    /** @return the settings an operator may read and change, with their current values */
    List<Setting> settings() throws OperationException;

    /**
     * Changes whitelisted settings through Configuration Admin, so they persist and are validated by the
     * component they belong to exactly as a {@code .cfg} file would be. All or nothing: if one value is refused,
     * every configuration touched is restored.
     *
     * @param values setting key to new value (strings, numbers or booleans)
     * @return the settings after the change
     * @throws OperationException 400 on an unknown key, a wrong type or a value the component refused
     */
    List<Setting> configure(Map<String, Object> values) throws OperationException;
}
