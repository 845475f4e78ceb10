package io.facegate.mqtt.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.facegate.api.Identity;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MQTT messages that make a gateway appear in Home Assistant through MQTT discovery
 * (docs/home-assistant.md): retained config messages on
 * {@code <discovery_prefix>/sensor/<node_id>/<object_id>/config} for one device with the sensors "last recognised
 * person", "unknown faces" and "state", one "last seen" sensor per enrolled person, empty retained payloads that
 * remove what is no longer enrolled, and the retained state messages those sensors read.
 *
 * <p>Pure functions of the constructor arguments and the method arguments: no I/O, no clock, no mutable state, so
 * the MQTT client decides when to publish (on connect, on Home Assistant's birth message, when the gallery changes,
 * per event) and every payload can be tested without a broker. Payloads use the full field names of Home Assistant's
 * documentation, not the abbreviations. Publish every message with QoS 1 and the {@link Message#retained()} flag.
 *
 * <p>Wiring of the sensors:
 * <ul>
 * <li>state: the retained {@code <topic_prefix>/<gateway_id>/status}, {@code value_json.state}; the only entity
 * without availability, so it shows {@code offline} (and the reason, as attributes) instead of "unavailable";</li>
 * <li>unknown faces: the events topic itself, the number of faces with {@code known == false} in the last event;</li>
 * <li>last recognised person: {@link #lastRecognisedTopic()}, retained, written by {@link #eventStates} only for
 * frames with a known face, so a frame without one does not blank it;</li>
 * <li>last seen (per person): {@link #lastSeenTopic}, retained, an ISO-8601 timestamp with offset.</li>
 * </ul>
 * Every entity but "state" is available while the status says {@code online} or {@code degraded}.
 */
final class HomeAssistantDiscovery {
    static final String DEFAULT_DISCOVERY_PREFIX = "homeassistant";
    /** The only discovery component used: every entity is a {@code sensor}. */
    static final String COMPONENT = "sensor";
    /** Values of the status payload's {@code state}, the options of the "state" enum sensor. */
    static final List<String> STATES = List.of("online", "degraded", "offline");
    static final String STATE_OBJECT_ID = "state";
    static final String LAST_RECOGNISED_OBJECT_ID = "last_recognised";
    static final String UNKNOWN_FACES_OBJECT_ID = "unknown_faces";
    static final String PERSON_OBJECT_ID_PREFIX = "person_";

    static final String STATE_TEMPLATE = "{{ value_json.state }}";
    /** {@code degraded} still works, so it counts as available; anything but {@code offline} does. */
    static final String AVAILABILITY_TEMPLATE = "{{ 'offline' if value_json.state == 'offline' else 'online' }}";
    static final String IDENTITY_TEMPLATE = "{{ value_json.identity }}";
    static final String UNKNOWN_FACES_TEMPLATE = "{{ value_json.faces | rejectattr('known') | list | count }}";

    private static final String MANUFACTURER = "facegate";
    private static final String MODEL = "facegate face recognition gateway";
    private static final int QOS = 1;
    /** Milliseconds and an explicit {@code +00:00}: what Home Assistant's timestamp sensor parses. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);

    private final String discoveryPrefix;
    private final String gatewayId;
    private final String softwareVersion;
    private final String base;
    private final String nodeId;
    private final int personHashChars;
    private final Pattern personConfigTopic;
    private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();

    /**
     * @param discoveryPrefix Home Assistant's discovery prefix (config key {@code homeassistant_prefix}, default
     *                        {@value #DEFAULT_DISCOVERY_PREFIX})
     * @param topicPrefix     the gateway's {@code topic_prefix}
     * @param gatewayId       the gateway's {@code gateway_id}
     * @param softwareVersion shown as the device's firmware version
     * @throws IllegalArgumentException naming the config key of a value that cannot be a topic
     */
    HomeAssistantDiscovery(String discoveryPrefix, String topicPrefix, String gatewayId, String softwareVersion) {
        this(discoveryPrefix, topicPrefix, gatewayId, softwareVersion, HomeAssistantIds.PERSON_HASH_CHARS);
    }

    /** With a shorter person hash, so a test can force two names onto one object id. */
    HomeAssistantDiscovery(String discoveryPrefix, String topicPrefix, String gatewayId, String softwareVersion,
                           int personHashChars) {
        this.discoveryPrefix = topicLevels(discoveryPrefix, "homeassistant_prefix");
        String prefix = topicLevels(topicPrefix, "topic_prefix");
        this.gatewayId = topicLevels(gatewayId, "gateway_id");
        if (gatewayId.contains("/")) {
            throw new IllegalArgumentException("gateway_id must be one topic level, without '/': " + gatewayId);
        }
        this.softwareVersion = Objects.requireNonNull(softwareVersion, "softwareVersion");
        this.base = prefix + "/" + gatewayId;
        this.nodeId = HomeAssistantIds.nodeId(prefix, gatewayId);
        this.personHashChars = personHashChars;
        this.personConfigTopic = Pattern.compile(Pattern.quote(this.discoveryPrefix + "/" + COMPONENT + "/" + nodeId
                + "/") + "(" + PERSON_OBJECT_ID_PREFIX + "[a-zA-Z0-9_-]+)/config");
    }

    /** A message to publish; an empty payload on a retained topic deletes the retained message. */
    record Message(String topic, String payload, boolean retained) {
        Message {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /** @return the gateway's retained status topic, the availability of every entity */
    String statusTopic() {
        return base + "/status";
    }

    /** @return the gateway's events topic, the state of "unknown faces" */
    String eventsTopic() {
        return base + "/events";
    }

    /** @return the retained state topic of "last recognised person" */
    String lastRecognisedTopic() {
        return base + "/last_recognised";
    }

    /** @return the retained state topic of one person's "last seen" sensor */
    String lastSeenTopic(String person) {
        return base + "/person/" + objectId(person) + "/last_seen";
    }

    /** @return where Home Assistant announces {@code online} after it starts: publish the configs again then */
    String birthTopic() {
        return discoveryPrefix + "/status";
    }

    /** @return the {@code <node_id>} level of every config topic of this gateway */
    String nodeId() {
        return nodeId;
    }

    /** @return the {@code <object_id>} of a person's last-seen sensor */
    String objectId(String person) {
        return HomeAssistantIds.personObjectId(requireName(person), personHashChars);
    }

    /** @return a topic filter matching every person config of this gateway (subscribe to find stale ones) */
    String personConfigFilter() {
        return discoveryPrefix + "/" + COMPONENT + "/" + nodeId + "/+/config";
    }

    /** @return whether {@code topic} is the config topic of one of this gateway's person sensors */
    boolean isPersonConfigTopic(String topic) {
        return personConfigTopic.matcher(topic).matches();
    }

    /** @return the topic filters this gateway publishes to for Home Assistant, for the broker's ACL */
    List<String> publishedTopicFilters() {
        return List.of(discoveryPrefix + "/" + COMPONENT + "/" + nodeId + "/+/config", lastRecognisedTopic(),
                base + "/person/+/last_seen");
    }

    /** @return the retained configs of the device's sensors: state, last recognised person, unknown faces */
    List<Message> deviceConfigs() {
        JsonObject state = entity(STATE_OBJECT_ID, "State", statusTopic(), STATE_TEMPLATE, false);
        state.addProperty("json_attributes_topic", statusTopic());
        state.addProperty("device_class", "enum");
        state.add("options", strings(STATES));
        state.addProperty("entity_category", "diagnostic");
        state.addProperty("icon", "mdi:lan-connect");

        JsonObject last = entity(LAST_RECOGNISED_OBJECT_ID, "Last recognised person", lastRecognisedTopic(),
                IDENTITY_TEMPLATE, true);
        last.addProperty("json_attributes_topic", lastRecognisedTopic());
        last.addProperty("icon", "mdi:account-check");

        JsonObject unknown = entity(UNKNOWN_FACES_OBJECT_ID, "Unknown faces", eventsTopic(),
                UNKNOWN_FACES_TEMPLATE, true);
        unknown.addProperty("state_class", "measurement");
        unknown.addProperty("icon", "mdi:account-question");

        return List.of(config(STATE_OBJECT_ID, state), config(LAST_RECOGNISED_OBJECT_ID, last),
                config(UNKNOWN_FACES_OBJECT_ID, unknown));
    }

    /**
     * @param people the enrolled names
     * @return one retained "last seen" config per distinct name
     * @throws IllegalArgumentException for a blank name, or two names that map to one object id
     */
    List<Message> personConfigs(Collection<String> people) {
        List<Message> configs = new ArrayList<>();
        Map<String, String> byObjectId = new HashMap<>();
        for (String person : new LinkedHashSet<>(people)) {
            String objectId = objectId(person);
            String other = byObjectId.putIfAbsent(objectId, person);
            if (other != null) {
                // refusing beats merging two people into one entity; with 40 bits of hash it does not happen
                throw new IllegalArgumentException("two enrolled names map to the Home Assistant object id "
                        + objectId + "; rename one of them");
            }
            JsonObject c = entity(objectId, person + " last seen", base + "/person/" + objectId + "/last_seen",
                    null, true);
            c.addProperty("device_class", "timestamp");
            c.addProperty("icon", "mdi:account-clock");
            configs.add(config(objectId, c));
        }
        return configs;
    }

    /**
     * @param previouslyPublished the names whose configs were published
     * @param now                 the names enrolled now
     * @return for each name no longer enrolled, an empty retained payload on its config topic and on its last-seen
     *         topic (so neither entity nor name stays on the broker); when any was removed, also on
     *         {@link #lastRecognisedTopic()}, which may hold that name
     */
    List<Message> removals(Collection<String> previouslyPublished, Collection<String> now) {
        Set<String> current = new LinkedHashSet<>(now);
        Set<String> objectIds = new LinkedHashSet<>();
        for (String person : previouslyPublished) {
            if (!current.contains(person)) {
                objectIds.add(objectId(person));
            }
        }
        return removalsOf(objectIds);
    }

    /**
     * For a gateway that does not know what it published before (a restart after a person was forgotten): compares
     * the retained config topics found under {@link #personConfigFilter()} with the names enrolled now.
     *
     * @param retainedConfigTopics topics of retained config messages seen on the broker; others are ignored
     * @param now                  the names enrolled now
     * @return the removals of the person configs (and their last-seen states) that match no enrolled name
     */
    List<Message> staleRemovals(Collection<String> retainedConfigTopics, Collection<String> now) {
        Set<String> current = new LinkedHashSet<>();
        for (String person : now) {
            current.add(objectId(person));
        }
        Set<String> stale = new LinkedHashSet<>();
        for (String topic : retainedConfigTopics) {
            Matcher m = personConfigTopic.matcher(topic);
            if (m.matches() && !current.contains(m.group(1))) {
                stale.add(m.group(1));
            }
        }
        return removalsOf(stale);
    }

    /**
     * @param people the names whose configs may have been published
     * @return the removal of everything this gateway published for Home Assistant: for switching discovery off
     */
    List<Message> removeAll(Collection<String> people) {
        List<Message> all = new ArrayList<>();
        for (String objectId : List.of(STATE_OBJECT_ID, LAST_RECOGNISED_OBJECT_ID, UNKNOWN_FACES_OBJECT_ID)) {
            all.add(new Message(configTopic(objectId), "", true));
        }
        Set<String> objectIds = new LinkedHashSet<>();
        for (String person : people) {
            objectIds.add(objectId(person));
        }
        all.addAll(removalsOf(objectIds));
        if (objectIds.isEmpty()) {
            all.add(new Message(lastRecognisedTopic(), "", true));
        }
        return all;
    }

    /**
     * @param event one recognition event
     * @return the retained state messages it causes: nothing without a known face; otherwise "last recognised
     *         person" (the best match of the frame, with the other known names, similarity, capture time and source
     *         as attributes) and the capture time on the last-seen topic of every person in the frame
     */
    List<Message> eventStates(RecognitionEvent event) {
        List<Identity> known = new ArrayList<>();
        for (RecognizedFace face : event.faces()) {
            if (face.identity().known()) {
                known.add(face.identity());
            }
        }
        if (known.isEmpty()) {
            return List.of();
        }
        known.sort(Comparator.comparingDouble((Identity i) -> finiteOr(i.similarity(), -2)).reversed());
        Set<String> names = new LinkedHashSet<>();
        for (Identity identity : known) {
            names.add(identity.name());
        }
        String at = timestamp(event.captured());
        JsonObject last = new JsonObject();
        last.addProperty("identity", known.get(0).name());
        last.add("similarity", number(known.get(0).similarity()));
        last.add("identities", strings(names));
        last.addProperty("captured", at);
        last.addProperty("source", event.sourceId());
        last.addProperty("sequence", event.sequence());

        List<Message> states = new ArrayList<>();
        states.add(new Message(lastRecognisedTopic(), gson.toJson(last), true));
        for (String name : names) {
            states.add(new Message(lastSeenTopic(name), at, true));
        }
        return states;
    }

    /** @return an instant as the last-seen sensors publish it, e.g. {@code 2026-03-14T09:26:53.589+00:00} */
    static String timestamp(Instant t) {
        return TIMESTAMP.format(t);
    }

    private List<Message> removalsOf(Set<String> personObjectIds) {
        List<Message> removals = new ArrayList<>();
        for (String objectId : personObjectIds) {
            removals.add(new Message(configTopic(objectId), "", true));
        }
        for (String objectId : personObjectIds) {
            removals.add(new Message(base + "/person/" + objectId + "/last_seen", "", true));
        }
        if (!personObjectIds.isEmpty()) {
            removals.add(new Message(lastRecognisedTopic(), "", true));
        }
        return removals;
    }

    private String configTopic(String objectId) {
        return discoveryPrefix + "/" + COMPONENT + "/" + nodeId + "/" + objectId + "/config";
    }

    private Message config(String objectId, JsonObject payload) {
        return new Message(configTopic(objectId), gson.toJson(payload), true);
    }

    /** The fields every entity has: name, ids, state topic and template, availability, device, origin. */
    private JsonObject entity(String objectId, String name, String stateTopic, String valueTemplate,
                              boolean available) {
        JsonObject c = new JsonObject();
        c.addProperty("name", name);
        c.addProperty("unique_id", "facegate_" + nodeId + "_" + objectId);
        c.addProperty("state_topic", stateTopic);
        if (valueTemplate != null) {
            c.addProperty("value_template", valueTemplate);
        }
        c.addProperty("qos", QOS);
        if (available) {
            JsonObject availability = new JsonObject();
            availability.addProperty("topic", statusTopic());
            availability.addProperty("value_template", AVAILABILITY_TEMPLATE);
            availability.addProperty("payload_available", "online");
            availability.addProperty("payload_not_available", "offline");
            JsonArray list = new JsonArray();
            list.add(availability);
            c.add("availability", list);
        }
        c.add("device", device());
        c.add("origin", origin());
        return c;
    }

    private JsonObject device() {
        JsonObject d = new JsonObject();
        d.add("identifiers", strings(List.of("facegate_" + nodeId)));
        d.addProperty("name", "facegate " + gatewayId);
        d.addProperty("manufacturer", MANUFACTURER);
        d.addProperty("model", MODEL);
        d.addProperty("sw_version", softwareVersion);
        return d;
    }

    private JsonObject origin() {
        JsonObject o = new JsonObject();
        o.addProperty("name", "facegate");
        o.addProperty("sw_version", softwareVersion);
        return o;
    }

    private static JsonArray strings(Collection<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static JsonElement number(float f) {
        return Float.isFinite(f) ? new JsonPrimitive(f) : JsonNull.INSTANCE;
    }

    private static double finiteOr(float f, double otherwise) {
        return Float.isFinite(f) ? f : otherwise;
    }

    private static String requireName(String person) {
        if (person == null || person.isBlank()) {
            throw new IllegalArgumentException("a person's name must not be blank: '" + person + "'");
        }
        return person;
    }

    /** One or more topic levels usable in a published topic: no wildcards, no empty level, no leading '$'. */
    private static String topicLevels(String value, String key) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(key + " is required");
        }
        if (value.indexOf('+') >= 0 || value.indexOf('#') >= 0 || value.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException(key + " must not contain '+', '#' or NUL: " + value);
        }
        if (value.startsWith("$")) {
            throw new IllegalArgumentException(key + " must not start with '$' (reserved for the broker): " + value);
        }
        for (String level : value.split("/", -1)) {
            if (level.isEmpty()) {
                throw new IllegalArgumentException(key + " must not have an empty topic level: " + value);
            }
        }
        return value;
    }
}
