package io.facegate.mqtt.internal;

import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognitionListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Publishes every {@link RecognitionEvent} of the pipeline to {@code <topic_prefix>/<gateway_id>/events} and keeps a
 * retained online/offline state on {@code <topic_prefix>/<gateway_id>/status}.
 *
 * <p>Configured by PID {@value #PID} (Karaf: {@code etc/io.facegate.mqtt.cfg}); runs with the defaults when there is
 * no configuration, against the embedded broker on {@code tcp://127.0.0.1:1883}. A configuration change restarts
 * the component (new connection). Activation never waits for the broker.
 */
@Component(service = RecognitionListener.class, immediate = true, configurationPid = MqttPublisherComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "facegate.listener.type=mqtt")
@Designate(ocd = MqttPublisherComponent.Config.class)
public final class MqttPublisherComponent implements RecognitionListener {
    static final String PID = "io.facegate.mqtt";

    /**
     * Configuration of the MQTT publisher. Keys are spelled as in the {@code .cfg} file
     * ({@code __} in a method name is a literal {@code _} in the key).
     */
    @ObjectClassDefinition(name = "facegate MQTT publisher",
            description = "Publishes recognition events and the gateway status to an MQTT broker (MQTT 3.1.1)")
    public @interface Config {
        /** @return the broker */
        @AttributeDefinition(name = "broker_url",
                description = "Broker URL: tcp://host[:port], ssl://host[:port], ws://host[:port]/path or wss://...;"
                        + " default: the embedded broker")
        String broker__url() default PublisherSettings.DEFAULT_BROKER_URL;

        /** @return user name */
        @AttributeDefinition(required = false, description = "User name; empty = anonymous")
        String username() default "";

        /** @return password */
        @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
                description = "Password; only together with a user name")
        String password() default "";

        /** @return gateway id */
        @AttributeDefinition(name = "gateway_id", required = false,
                description = "This gateway's id, one topic level: 1-64 of A-Z a-z 0-9 . _ -; default: the host name")
        String gateway__id() default "";

        /** @return client id */
        @AttributeDefinition(name = "client_id", required = false,
                description = "MQTT client id; default facegate-<gateway_id>. Must be unique on the broker")
        String client__id() default "";

        /** @return topic prefix */
        @AttributeDefinition(name = "topic_prefix",
                description = "First topic level(s): topics are <topic_prefix>/<gateway_id>/events and .../status")
        String topic__prefix() default PublisherSettings.DEFAULT_TOPIC_PREFIX;

        /** @return QoS of event messages */
        @AttributeDefinition(description = "QoS of the event messages: 0, 1 or 2 (status messages always use 1)")
        int qos() default PublisherSettings.DEFAULT_QOS;

        /** @return queue bound */
        @AttributeDefinition(name = "queue_capacity",
                description = "Events waiting for the publisher thread; when full the oldest is dropped (1..1000000)")
        int queue__capacity() default PublisherSettings.DEFAULT_QUEUE_CAPACITY;

        /** @return in-flight bound */
        @AttributeDefinition(name = "max_inflight",
                description = "Event messages sent and not yet acknowledged by the broker (1..65000)")
        int max__inflight() default PublisherSettings.DEFAULT_MAX_INFLIGHT;

        /** @return keep-alive */
        @AttributeDefinition(name = "keepalive_s",
                description = "MQTT keep-alive in seconds; also how fast a dead connection is noticed (0 = off, ..65535)")
        int keepalive__s() default PublisherSettings.DEFAULT_KEEPALIVE_S;

        /** @return connect timeout */
        @AttributeDefinition(name = "connect_timeout_s", description = "Connect timeout in seconds (1..300)")
        int connect__timeout__s() default PublisherSettings.DEFAULT_CONNECT_TIMEOUT_S;

        /** @return first reconnect delay */
        @AttributeDefinition(name = "reconnect_min_delay_ms",
                description = "Wait after the first failed connect; doubled after each failure (10..3600000)")
        long reconnect__min__delay__ms() default PublisherSettings.DEFAULT_RECONNECT_MIN_DELAY_MS;

        /** @return longest reconnect delay */
        @AttributeDefinition(name = "reconnect_max_delay_ms",
                description = "Longest wait between two connect attempts (reconnect_min_delay_ms..3600000)")
        long reconnect__max__delay__ms() default PublisherSettings.DEFAULT_RECONNECT_MAX_DELAY_MS;
    }

    private final MqttEventPublisher publisher;

    /**
     * Validates the configuration and starts connecting in the background.
     *
     * @param config the typed configuration
     * @throws IllegalArgumentException on a bad value, naming the key
     */
    @Activate
    public MqttPublisherComponent(Config config) {
        publisher = new MqttEventPublisher(PublisherSettings.from(config));
        publisher.start();
    }

    /** Queues the event for publication; returns at once and never throws. */
    @Override
    public void recognized(RecognitionEvent event) {
        publisher.offer(event);
    }

    /** @return the publisher's counters */
    PublisherStats stats() {
        return publisher.stats();
    }

    @Deactivate
    void deactivate() {
        publisher.close();
    }
}
