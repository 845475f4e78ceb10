/**
 * MQTT publisher ({@link io.facegate.mqtt.internal.MqttPublisherComponent}): a
 * {@link io.facegate.api.RecognitionListener} that writes each event as JSON and publishes it with Eclipse Paho.
 * Private to the bundle.
 */
package io.facegate.mqtt.internal;
