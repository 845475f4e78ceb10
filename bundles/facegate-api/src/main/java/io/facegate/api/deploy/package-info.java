/**
 * Remote deployment of signed artifacts (bundles and model bundles) onto a running gateway
 * ({@link io.facegate.api.deploy.Deployments}), with progress for whoever reports it
 * ({@link io.facegate.api.deploy.DeployListener}). The MQTT commands {@code deploy/*} call it.
 */
@Export
@Version("1.1.0")
package io.facegate.api.deploy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
