/**
 * The implementation of {@link io.facegate.api.operations.GatewayOperations}: one DS component that the console
 * commands and the MQTT commands both call. Nothing here is exported.
 */
package io.facegate.operations.internal;
