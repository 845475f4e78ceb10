/**
 * The embedded MQTT broker ({@link io.facegate.mqtt.broker.internal.EmbeddedBrokerComponent}); Moquette and
 * Netty are private to this bundle.
 */
package io.facegate.mqtt.broker.internal;
