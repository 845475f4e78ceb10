package io.facegate.mqtt.internal;

import io.facegate.api.Gallery;
import io.facegate.api.RecognitionEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the {@link HomeAssistantDiscovery} messages (only when {@code homeassistant_discovery=true}): the device
 * and per-person configs after every connect and whenever the enrolled people change, the removal of people no
 * longer enrolled, and the sensor states of every event with a known face. Best effort: a message that cannot be
 * sent now is sent with the next connect's full republication.
 */
final class HomeAssistantPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(HomeAssistantPublisher.class);

    private final HomeAssistantDiscovery discovery;
    private final Supplier<MqttTransport> transport;
    private final Supplier<Gallery> gallery;
    private Set<String> published = Set.of();

    /**
     * @param settings  the gateway's settings (discovery prefix, topic prefix, gateway id)
     * @param transport the connection (supplied late: it is created after this publisher)
     * @param gallery   the gallery, or a supplier of {@code null}
     */
    HomeAssistantPublisher(PublisherSettings settings, Supplier<MqttTransport> transport, Supplier<Gallery> gallery) {
        String version = HomeAssistantPublisher.class.getPackage().getImplementationVersion();
        this.discovery = new HomeAssistantDiscovery(settings.homeAssistantPrefix(), settings.topicPrefix(),
                settings.gatewayId(), version == null ? "development" : version);
        this.transport = transport;
        this.gallery = gallery;
    }

    /** @return Home Assistant's birth topic: when it says {@code online}, every config is sent again */
    String birthTopic() {
        return discovery.birthTopic();
    }

    /**
     * A message on the birth topic: Home Assistant (re)started and may have lost the configs.
     *
     * @param payload its payload
     */
    void birth(byte[] payload) {
        if ("online".equals(new String(payload, StandardCharsets.UTF_8).trim())) {
            connected();
        }
    }

    /** After a connect: every config again (the broker may have lost its retained messages). */
    synchronized void connected() {
        List<HomeAssistantDiscovery.Message> messages = new ArrayList<>(discovery.deviceConfigs());
        Set<String> people = people();
        messages.addAll(discovery.personConfigs(people));
        messages.addAll(discovery.removals(published, people));
        if (send(messages)) {
            published = people;
        }
    }

    /** After an event: its sensor states, and the configs of people enrolled or forgotten since. */
    synchronized void recognized(RecognitionEvent event) {
        if (!transport.get().isConnected()) {
            return;
        }
        List<HomeAssistantDiscovery.Message> messages = new ArrayList<>();
        Set<String> people = people();
        if (!people.equals(published)) {
            messages.addAll(discovery.personConfigs(people));
            messages.addAll(discovery.removals(published, people));
        }
        messages.addAll(discovery.eventStates(event));
        if (send(messages)) {
            published = people;
        }
    }

    private Set<String> people() {
        Gallery g = gallery.get();
        try {
            return g == null ? published : new TreeSet<>(g.people());
        } catch (RuntimeException e) {
            return published;
        }
    }

    private boolean send(List<HomeAssistantDiscovery.Message> messages) {
        for (HomeAssistantDiscovery.Message m : messages) {
            try {
                transport.get().publish(m.topic(), m.payload().getBytes(StandardCharsets.UTF_8), MqttTransport.CONTROL_QOS,
                        m.retained(), null);
            } catch (MqttException | RuntimeException e) {
                LOG.debug("Home Assistant message on {} not sent: {}", m.topic(), MqttTransport.describe(e));
                return false;
            }
        }
        return true;
    }
}
