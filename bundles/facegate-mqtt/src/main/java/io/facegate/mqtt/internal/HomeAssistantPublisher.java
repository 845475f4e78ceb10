package io.facegate.mqtt.internal;

import io.facegate.api.Gallery;
import io.facegate.api.RecognitionEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the {@link HomeAssistantDiscovery} messages when {@code homeassistant_discovery=true}: the device and
 * per-person configs after every connect and whenever the enrolled people change, the removal of people no longer
 * enrolled, and the sensor states of every event with a known face. It also reads back the retained person configs
 * of this gateway and removes those of people no longer enrolled (forgotten while the gateway was stopped).
 *
 * <p>After discovery is switched off, a marker file left by an earlier publication makes it remove everything it
 * published (device configs, and every retained person config it finds) at the next connect, then delete the
 * marker; a gateway that never published discovery does not subscribe to anything of Home Assistant's. Best
 * effort: a message that cannot be sent now is sent with the next connect's full republication.
 */
final class HomeAssistantPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(HomeAssistantPublisher.class);

    private final HomeAssistantDiscovery discovery;
    private final Supplier<MqttTransport> transport;
    private final Supplier<Gallery> gallery;
    private final boolean enabled;
    private final Path marker;
    private final Set<String> unchecked = new LinkedHashSet<>(); // retained configs seen before the gallery came
    private Set<String> published = Set.of();

    /**
     * @param settings  the gateway's settings (discovery on or off, prefixes, gateway id, outbox folder)
     * @param transport the connection (supplied late: it is created after this publisher)
     * @param gallery   the gallery, or a supplier of {@code null}
     */
    HomeAssistantPublisher(PublisherSettings settings, Supplier<MqttTransport> transport, Supplier<Gallery> gallery) {
        String version = HomeAssistantPublisher.class.getPackage().getImplementationVersion();
        this.discovery = new HomeAssistantDiscovery(settings.homeAssistantPrefix(), settings.topicPrefix(),
                settings.gatewayId(), version == null ? "development" : version);
        this.transport = transport;
        this.gallery = gallery;
        this.enabled = settings.homeAssistantDiscovery();
        this.marker = markerFile(settings.outboxDir());
    }

    /**
     * @param outboxDir the outbox folder
     * @return the file that says discovery was published from this gateway: beside the outbox, never in it
     */
    static Path markerFile(Path outboxDir) {
        return outboxDir.toAbsolutePath().resolveSibling("homeassistant-discovery.published");
    }

    /** @return whether there is anything to do: discovery is on, or must be cleaned up after it was switched off */
    boolean active() {
        return enabled || Files.exists(marker);
    }

    /** @return the topic filters to subscribe to on every connect */
    List<String> subscriptions() {
        return enabled ? List.of(discovery.birthTopic(), discovery.personConfigFilter())
                : List.of(discovery.personConfigFilter());
    }

    /** @return whether a message on {@code topic} is for this publisher */
    boolean handles(String topic) {
        return topic.equals(discovery.birthTopic()) || discovery.isPersonConfigTopic(topic);
    }

    /**
     * A message on one of {@link #subscriptions()}: Home Assistant's birth (when it says {@code online}, every
     * config is sent again), or a retained person config, removed if it is no enrolled person's.
     *
     * @param topic   its topic
     * @param payload its payload
     */
    void arrived(String topic, byte[] payload) {
        if (topic.equals(discovery.birthTopic())) {
            if (enabled && "online".equals(new String(payload, StandardCharsets.UTF_8).trim())) {
                connected();
            }
        } else if (payload.length > 0) { // an empty payload is a removal, ours or someone else's
            removeStale(topic);
        }
    }

    /** After a connect: every config again (the broker may have lost its retained messages), or the clean-up. */
    synchronized void connected() {
        if (!enabled) {
            if (send(discovery.removeAll(List.of()))) {
                deleteMarker();
            }
            return;
        }
        Set<String> people = people();
        if (people == null) {
            people = published; // no gallery yet: it sends the people's configs when it comes
        }
        List<HomeAssistantDiscovery.Message> messages = new ArrayList<>(discovery.deviceConfigs());
        messages.addAll(discovery.personConfigs(people));
        messages.addAll(discovery.removals(published, people));
        if (send(messages)) {
            published = people;
            writeMarker();
        }
    }

    /** After an event: its sensor states, and the configs of people enrolled or forgotten since. */
    synchronized void recognized(RecognitionEvent event) {
        if (!enabled || !transport.get().isConnected()) {
            return;
        }
        List<HomeAssistantDiscovery.Message> messages = new ArrayList<>();
        Set<String> people = people();
        if (people != null && !people.equals(published)) {
            messages.addAll(discovery.personConfigs(people));
            messages.addAll(discovery.removals(published, people));
        }
        messages.addAll(discovery.eventStates(event));
        if (send(messages) && people != null) {
            published = people;
        }
    }

    /** The gallery came (or changed): the configs of its people, and the check of configs seen before it. */
    synchronized void galleryBound() {
        if (!transport.get().isConnected()) {
            return; // the next connect sends everything
        }
        connected();
        List<String> seen = new ArrayList<>(unchecked);
        unchecked.clear();
        seen.forEach(this::removeStale);
    }

    private synchronized void removeStale(String configTopic) {
        Set<String> people = enabled ? people() : Set.of();
        if (people == null) {
            unchecked.add(configTopic); // without the gallery, every config would look stale
            return;
        }
        List<HomeAssistantDiscovery.Message> removals = discovery.staleRemovals(List.of(configTopic), people);
        if (!removals.isEmpty() && send(removals)) {
            LOG.info("Home Assistant: removed the retained config {} (no enrolled person{})", configTopic,
                    enabled ? "" : ", discovery is off");
        }
    }

    /** @return the enrolled names, or {@code null} when there is no gallery or it cannot say */
    private Set<String> people() {
        Gallery g = gallery.get();
        try {
            return g == null ? null : new TreeSet<>(g.people());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void writeMarker() {
        if (!Files.exists(marker)) {
            try {
                Files.createDirectories(marker.getParent());
                Files.write(marker, new byte[0]);
            } catch (IOException e) {
                LOG.warn("Home Assistant: cannot write {} ({}); switching discovery off later will not remove its"
                        + " configs by itself", marker, e.toString());
            }
        }
    }

    private void deleteMarker() {
        try {
            Files.deleteIfExists(marker);
            LOG.info("Home Assistant discovery is off: removed this gateway's device configs; person configs are"
                    + " removed as the broker hands them back");
        } catch (IOException e) {
            LOG.warn("Home Assistant: cannot delete {}: {}", marker, e.toString());
        }
    }

    private boolean send(List<HomeAssistantDiscovery.Message> messages) {
        for (HomeAssistantDiscovery.Message m : messages) {
            try {
                transport.get().publish(m.topic(), m.payload().getBytes(StandardCharsets.UTF_8),
                        MqttTransport.CONTROL_QOS, m.retained(), null);
            } catch (MqttException | RuntimeException e) {
                LOG.debug("Home Assistant message on {} not sent: {}", m.topic(), MqttTransport.describe(e));
                return false;
            }
        }
        return true;
    }
}
