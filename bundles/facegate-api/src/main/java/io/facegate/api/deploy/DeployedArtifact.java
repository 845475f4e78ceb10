package io.facegate.api.deploy;

/**
 * A facegate bundle, model bundle or feature on the gateway.
 *
 * @param name     bundle symbolic name
 * @param version  bundle version
 * @param kind     {@code bundle}, {@code model} (a bundle with a {@code Facegate-Model} header) or {@code feature}
 *                 (a Karaf feature, since 1.1)
 * @param state    {@code installed}, {@code resolved}, {@code starting}, {@code active} or {@code stopping}; a
 *                 feature is {@code installed}
 * @param release  the release number of the signed manifest it was installed with; 0 if it was not deployed
 * @param bundleId the framework's bundle id; -1 for a feature
 */
public record DeployedArtifact(String name, String version, String kind, String state, long release, long bundleId) {
}
