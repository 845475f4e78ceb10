package io.facegate.api.deploy;

/**
 * A facegate bundle or model bundle on the gateway.
 *
 * @param name     bundle symbolic name
 * @param version  bundle version
 * @param kind     {@code bundle} or {@code model} (a bundle with a {@code Facegate-Model} header)
 * @param state    {@code installed}, {@code resolved}, {@code starting}, {@code active} or {@code stopping}
 * @param release  the release number of the signed manifest it was installed with; 0 if it was not deployed
 * @param bundleId the framework's bundle id
 */
public record DeployedArtifact(String name, String version, String kind, String state, long release, long bundleId) {
}
