/**
 * Operations on a running gateway ({@link io.facegate.api.operations.GatewayOperations}): enrol, forget, rename,
 * identify, list people and models, read and change settings. One implementation serves the console and the
 * MQTT commands.
 */
@Export
@Version("1.1.0")
package io.facegate.api.operations;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
