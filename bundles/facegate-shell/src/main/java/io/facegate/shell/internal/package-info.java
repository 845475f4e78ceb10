/**
 * Karaf console commands: thin wrappers over {@link io.facegate.api.operations.GatewayOperations}, the service the
 * MQTT commands call too, so the console and MQTT never disagree; {@code facegate:status} reads the
 * {@link io.facegate.api.Pipeline}. Nothing here is exported.
 */
package io.facegate.shell.internal;
