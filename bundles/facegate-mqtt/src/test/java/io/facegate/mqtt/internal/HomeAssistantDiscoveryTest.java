package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.facegate.api.BoundingBox;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Identity;
import io.facegate.api.Point;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognizedFace;
import io.facegate.mqtt.internal.HomeAssistantDiscovery.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks the discovery messages against Home Assistant's documented MQTT discovery rules (topic layout, character
 * class of node and object ids, required and known fields, availability, removal by an empty retained payload) and
 * evaluates every template against sample payloads of the topics it reads, as Home Assistant would.
 */
class HomeAssistantDiscoveryTest {
    private static final String GATEWAY = "pi4-door";
    private static final Pattern CONFIG_TOPIC =
            Pattern.compile("^homeassistant/(sensor|binary_sensor)/([a-zA-Z0-9_-]+/)?([a-zA-Z0-9_-]+)/config$");

    /** Top-level fields of an MQTT sensor config, full names as in Home Assistant's sensor.mqtt documentation. */
    private static final Set<String> SENSOR_FIELDS = Set.of("name", "unique_id", "state_topic", "value_template",
            "json_attributes_topic", "json_attributes_template", "availability", "availability_mode", "device",
            "origin", "device_class", "state_class", "unit_of_measurement", "icon", "entity_category", "options",
            "qos", "expire_after", "force_update", "enabled_by_default");
    private static final Set<String> DEVICE_FIELDS =
            Set.of("identifiers", "connections", "name", "manufacturer", "model", "sw_version", "hw_version");
    private static final Set<String> ORIGIN_FIELDS = Set.of("name", "sw_version", "support_url");
    private static final Set<String> AVAILABILITY_FIELDS =
            Set.of("topic", "value_template", "payload_available", "payload_not_available");
    private static final Set<String> SENSOR_DEVICE_CLASSES = Set.of("enum", "timestamp");

    /** Names that break naive topics, ids or JSON. */
    private static final List<String> ODD_NAMES = List.of("Zoë \"Z\" O'Neil", "Zoe \"Z\" O'Neil", "ZOË", "zoë",
            "a/b", "a+b", "a#b", "+", "#", "/", "+/#", "😀", "😀😀", "李雷", "Ελένη", "  padded  ", "x".repeat(300),
            "back\\slash", "new\nline", "tab\there", "a\u2028b", "a\uD800", "a?", "$SYS", "..", "<b>&amp;</b>",
            "name with spaces", "Name With Spaces", "ǅemal", "ﬁnn", "Ωmega", "\u0000nul");

    /** The event payload as bundles/facegate-mqtt/README.md documents it. */
    private static final String SAMPLE_EVENT = """
            {"schema_version":1,"event_id":"3f1c2a9e-8b7d-4e21-9c55-0a6b1d2e3f40","gateway":"pi4-door",
             "source":"folder:/var/facegate/inbox","sequence":1842,
             "captured":"2026-03-14T09:26:53.589Z","origin":"door-20260314-092653.jpg",
             "model":{"id":"mobilefacenet-112","version":"1"},
             "faces":[
              {"box":{"x":412.5,"y":188.25,"width":131.0,"height":162.75},"score":0.9993,
               "landmarks":{"left_eye":[451.3,251.8],"right_eye":[507.9,249.6],"nose":[480.2,285.1],
                            "mouth_left":[458.7,317.4],"mouth_right":[503.5,315.9]},
               "identity":"Zoë \\"Z\\" O'Neil","known":true,"similarity":0.7312,"threshold":0.5},
              {"box":{"x":96.0,"y":240.5,"width":88.0,"height":104.0},"score":0.9712,
               "landmarks":{"left_eye":[121.4,281.0],"right_eye":[158.9,280.2],"nose":[140.1,303.7],
                            "mouth_left":[125.6,322.9],"mouth_right":[155.0,322.4]},
               "identity":null,"known":false,"similarity":0.2184,"threshold":0.5}],
             "timings_ms":{"detect":48.213,"align":1.204,"embed":21.73,"match":0.088}}""";
    private static final String EVENT_WITHOUT_FACES = """
            {"schema_version":1,"event_id":"0b0e4a52-1d6f-4c3e-8f7a-5b9c2d1e0f11","gateway":"pi4-door","source":"cam",
             "sequence":7,"captured":"2026-03-14T09:26:54Z","origin":null,"model":{"id":null,"version":null},
             "faces":[],"timings_ms":{"detect":3.0}}""";
    /** Status samples (schema version 2), trimmed to a few fields: the templates must not need the others. */
    private static final String STATUS_ONLINE = """
            {"schema_version":2,"state":"online","reasons":[],"gateway":"pi4-door","client_id":"facegate-pi4-door",
             "at":"2026-03-14T09:26:53.589Z","model":"mobilefacenet-112:1","events_published":12,"events_dropped":0,
             "connects":1}""";
    private static final String STATUS_DEGRADED = """
            {"schema_version":2,"state":"degraded","reasons":["gallery: failed to load"],"gateway":"pi4-door",
             "client_id":"facegate-pi4-door","at":"2026-03-14T09:27:00.000Z","model":null,"events_published":12,
             "events_dropped":0,"connects":1}""";
    /** The last will: no counters, no time. */
    private static final String STATUS_LAST_WILL = """
            {"schema_version":2,"state":"offline","reason":"connection_lost","gateway":"pi4-door",
             "client_id":"facegate-pi4-door"}""";

    private final HomeAssistantDiscovery ha =
            new HomeAssistantDiscovery("homeassistant", "facegate", GATEWAY, "0.1.0-SNAPSHOT");

    @Test
    void everyConfigFollowsTheDiscoveryRules() {
        List<Message> configs = allConfigs(ha, ODD_NAMES);
        assertEquals(3 + ODD_NAMES.size(), configs.size());
        Set<String> uniqueIds = new HashSet<>();
        Set<String> topics = new HashSet<>();
        JsonElement device = null;
        for (Message m : configs) {
            Matcher topic = CONFIG_TOPIC.matcher(m.topic());
            assertTrue(topic.matches(), m.topic());
            assertEquals("sensor", topic.group(1), m.topic());
            assertEquals(GATEWAY + "/", topic.group(2), "node id = the gateway: " + m.topic());
            assertTrue(topics.add(m.topic()), "two configs on " + m.topic());
            assertTrue(m.retained(), "a config that is not retained is gone after Home Assistant restarts");
            JsonObject c = strictObject(m.payload());

            assertKnownFields(c.keySet(), SENSOR_FIELDS, m.topic());
            assertNonBlankString(c, "name");
            String uniqueId = assertNonBlankString(c, "unique_id");
            assertTrue(uniqueIds.add(uniqueId), "unique_id " + uniqueId + " twice");
            assertTrue(uniqueId.endsWith("_" + topic.group(3)), uniqueId + " names its object id " + topic.group(3));
            String stateTopic = assertNonBlankString(c, "state_topic"); // required for an MQTT sensor
            assertPublishableTopic(stateTopic);
            assertTrue(stateTopic.startsWith("facegate/" + GATEWAY + "/"), stateTopic);
            if (c.has("json_attributes_topic")) {
                assertPublishableTopic(c.get("json_attributes_topic").getAsString());
            }
            assertEquals(1, c.get("qos").getAsInt());

            JsonObject d = c.getAsJsonObject("device");
            assertKnownFields(d.keySet(), DEVICE_FIELDS, m.topic() + " device");
            JsonArray identifiers = d.getAsJsonArray("identifiers");
            assertFalse(identifiers.isEmpty(), "device.identifiers must not be empty");
            identifiers.forEach(id -> assertFalse(id.getAsString().isBlank()));
            for (String field : List.of("name", "manufacturer", "model", "sw_version")) {
                assertNonBlankString(d, field);
            }
            assertEquals("0.1.0-SNAPSHOT", d.get("sw_version").getAsString());
            if (device == null) {
                device = d;
            }
            assertEquals(device, d, "every entity belongs to the one gateway device");
            JsonObject origin = c.getAsJsonObject("origin");
            assertKnownFields(origin.keySet(), ORIGIN_FIELDS, m.topic() + " origin");
            assertNonBlankString(origin, "name");

            if (c.has("device_class")) {
                assertTrue(SENSOR_DEVICE_CLASSES.contains(c.get("device_class").getAsString()), m.payload());
            }
            assertEquals("enum".equals(string(c, "device_class")), c.has("options"), "options only for an enum");
            if (c.has("entity_category")) {
                assertTrue(Set.of("config", "diagnostic").contains(c.get("entity_category").getAsString()));
            }
            if (c.has("icon")) {
                assertTrue(c.get("icon").getAsString().startsWith("mdi:"), m.payload());
            }

            boolean stateSensor = topic.group(3).equals(HomeAssistantDiscovery.STATE_OBJECT_ID);
            assertEquals(!stateSensor, c.has("availability"), "every entity but 'state' is bound to the status");
            if (c.has("availability")) {
                JsonArray list = c.getAsJsonArray("availability");
                assertFalse(list.isEmpty());
                for (JsonElement e : list) {
                    JsonObject a = e.getAsJsonObject();
                    assertKnownFields(a.keySet(), AVAILABILITY_FIELDS, m.topic() + " availability");
                    assertEquals("facegate/" + GATEWAY + "/status", a.get("topic").getAsString());
                    assertEquals("online", a.get("payload_available").getAsString());
                    assertEquals("offline", a.get("payload_not_available").getAsString());
                }
            }
        }
        assertEquals(List.of("facegate_" + GATEWAY), new Gson().fromJson(
                device.getAsJsonObject().get("identifiers"), List.class));
    }

    @Test
    void availabilityFollowsTheStatusState() {
        for (Message m : allConfigs(ha, List.of("Zoë"))) {
            JsonObject c = strictObject(m.payload());
            if (!c.has("availability")) {
                continue;
            }
            JsonObject a = c.getAsJsonArray("availability").get(0).getAsJsonObject();
            String template = a.get("value_template").getAsString();
            assertEquals("online", Jinja.render(template, STATUS_ONLINE));
            assertEquals("online", Jinja.render(template, STATUS_DEGRADED), "degraded still recognises faces");
            assertEquals("offline", Jinja.render(template, STATUS_LAST_WILL));
            assertFieldsInSchema(template, "gateway-status.schema.json");
        }
    }

    @Test
    void stateSensorShowsEveryStatusState() throws IOException {
        JsonObject state = config(ha.deviceConfigs(), HomeAssistantDiscovery.STATE_OBJECT_ID);
        assertEquals(ha.statusTopic(), state.get("state_topic").getAsString());
        assertEquals(ha.statusTopic(), state.get("json_attributes_topic").getAsString());
        Set<String> options = new HashSet<>(new Gson().fromJson(state.get("options"), List.class));
        String template = state.get("value_template").getAsString();
        assertEquals("online", Jinja.render(template, STATUS_ONLINE));
        assertEquals("degraded", Jinja.render(template, STATUS_DEGRADED));
        assertEquals("offline", Jinja.render(template, STATUS_LAST_WILL));
        assertEquals(Set.of("online", "degraded", "offline"), options);
        // every state the status schema allows must be an option, or Home Assistant rejects the value
        Set<String> schemaStates = new HashSet<>();
        JsonObject root = schema("gateway-status.schema.json");
        for (JsonObject branch : branches(root, root)) {
            JsonObject property = resolve(root, branch.getAsJsonObject("properties").getAsJsonObject("state"));
            if (property.has("const")) {
                schemaStates.add(property.get("const").getAsString());
            }
            if (property.has("enum")) {
                property.getAsJsonArray("enum").forEach(v -> schemaStates.add(v.getAsString()));
            }
        }
        assertEquals(options, schemaStates, "the options are exactly the states of the status schema");
        assertFieldsInSchema(template, "gateway-status.schema.json");
    }

    @Test
    void unknownFacesCountsTheUnknownFacesOfTheLastEvent() {
        JsonObject unknown = config(ha.deviceConfigs(), HomeAssistantDiscovery.UNKNOWN_FACES_OBJECT_ID);
        assertEquals(ha.eventsTopic(), unknown.get("state_topic").getAsString());
        assertEquals("measurement", unknown.get("state_class").getAsString());
        String template = unknown.get("value_template").getAsString();
        assertEquals("1", Jinja.render(template, SAMPLE_EVENT));
        assertEquals("0", Jinja.render(template, EVENT_WITHOUT_FACES));
        assertEquals("3", Jinja.render(template, "{\"faces\":[{\"known\":false},{\"known\":true},{\"known\":false},"
                + "{\"known\":false}]}"));
        assertFieldsInSchema(template, "recognition-event.schema.json");
    }

    @Test
    void eventStatesFeedTheLastRecognisedAndLastSeenSensors() {
        Instant captured = Instant.parse("2026-03-14T09:26:53.589Z");
        RecognitionEvent event = event(captured, Identity.of("Zoë \"Z\" O'Neil", 0.61f, 0.5f),
                Identity.unknown(0.2f, 0.5f), Identity.of("李雷", 0.83f, 0.5f), Identity.of("Zoë \"Z\" O'Neil", 0.55f,
                        0.5f));
        List<Message> states = ha.eventStates(event);
        assertEquals(3, states.size(), "last recognised + one last seen per distinct person: " + states);
        states.forEach(m -> assertTrue(m.retained(), m.topic()));
        states.forEach(m -> assertPublishableTopic(m.topic()));

        Message last = states.get(0);
        assertEquals(ha.lastRecognisedTopic(), last.topic());
        JsonObject lastConfig = config(ha.deviceConfigs(), HomeAssistantDiscovery.LAST_RECOGNISED_OBJECT_ID);
        assertEquals(last.topic(), lastConfig.get("state_topic").getAsString());
        assertEquals(last.topic(), lastConfig.get("json_attributes_topic").getAsString());
        assertEquals("李雷", Jinja.render(lastConfig.get("value_template").getAsString(), last.payload()),
                "the best match of the frame");
        JsonObject attributes = strictObject(last.payload());
        assertEquals(0.83, attributes.get("similarity").getAsDouble(), 1e-6);
        assertEquals(List.of("李雷", "Zoë \"Z\" O'Neil"), new Gson().fromJson(attributes.get("identities"), List.class));
        assertEquals("2026-03-14T09:26:53.589+00:00", attributes.get("captured").getAsString());

        Map<String, String> lastSeen = new HashMap<>();
        for (Message m : states.subList(1, states.size())) {
            lastSeen.put(m.topic(), m.payload());
        }
        for (String person : List.of("Zoë \"Z\" O'Neil", "李雷")) {
            String topic = ha.lastSeenTopic(person);
            JsonObject c = config(ha.personConfigs(List.of(person)), ha.objectId(person));
            assertEquals(topic, c.get("state_topic").getAsString());
            assertEquals("timestamp", c.get("device_class").getAsString());
            assertFalse(c.has("value_template"), "the payload is the timestamp itself");
            // Home Assistant's timestamp sensor needs an ISO 8601 time with an offset
            OffsetDateTime at = OffsetDateTime.parse(lastSeen.get(topic));
            assertEquals(ZoneOffset.UTC, at.getOffset());
            assertEquals(captured, at.toInstant());
        }

        assertEquals(List.of(), ha.eventStates(event(captured, Identity.unknown(0.3f, 0.5f))),
                "a frame without a known face leaves the last recognised person as it was");
        assertEquals(List.of(), ha.eventStates(event(captured)));
    }

    @Test
    void templatesReadOnlyFieldsThePayloadsHave() {
        Map<String, List<String>> samples = Map.of(
                ha.statusTopic(), List.of(STATUS_ONLINE, STATUS_DEGRADED, STATUS_LAST_WILL),
                ha.eventsTopic(), List.of(SAMPLE_EVENT, EVENT_WITHOUT_FACES),
                ha.lastRecognisedTopic(), List.of(ha.eventStates(event(Instant.EPOCH,
                        Identity.of("Zoë", 0.7f, 0.5f))).get(0).payload()));
        int evaluated = 0;
        for (Message m : allConfigs(ha, List.of("Zoë"))) {
            JsonObject c = strictObject(m.payload());
            String stateTopic = c.get("state_topic").getAsString();
            if (c.has("value_template")) {
                List<String> payloads = samples.get(stateTopic);
                assertNotNull(payloads, "no sample payload for " + stateTopic);
                for (String payload : payloads) {
                    assertFalse(Jinja.render(c.get("value_template").getAsString(), payload).isEmpty());
                    evaluated++;
                }
            }
            if (c.has("json_attributes_topic")) {
                for (String payload : samples.get(c.get("json_attributes_topic").getAsString())) {
                    strictObject(payload); // attributes must be a JSON dictionary
                }
            }
        }
        assertEquals(3 + 2 + 1, evaluated);
    }

    @Test
    void oddNamesGiveValidDistinctStableIds() {
        HomeAssistantDiscovery again = new HomeAssistantDiscovery("homeassistant", "facegate", GATEWAY, "other");
        Set<String> objectIds = new HashSet<>();
        for (String name : ODD_NAMES) {
            String id = ha.objectId(name);
            assertTrue(HomeAssistantIds.ID.matcher(id).matches(), id);
            assertTrue(id.startsWith(HomeAssistantDiscovery.PERSON_OBJECT_ID_PREFIX), id);
            assertTrue(id.length() <= 60, id);
            assertTrue(objectIds.add(id), "object id " + id + " twice");
            assertEquals(id, again.objectId(name), "the id must survive a restart, or removals miss it");
            String topic = ha.lastSeenTopic(name);
            assertPublishableTopic(topic);
            assertEquals(List.of("facegate", GATEWAY, "person", id, "last_seen"), List.of(topic.split("/", -1)));

            // the name survives JSON intact (no HTML escaping, quotes and controls escaped)
            JsonObject c = strictObject(ha.personConfigs(List.of(name)).get(0).payload());
            assertEquals(name + " last seen", c.get("name").getAsString());
        }
        assertEquals("person_zoe_z_o_neil_" + HomeAssistantIds.hash("Zoë \"Z\" O'Neil", 10),
                ha.objectId("Zoë \"Z\" O'Neil"), "a readable slug, then the hash of the exact name");
        assertEquals("person_" + HomeAssistantIds.hash("😀", 10), ha.objectId("😀"));
        assertThrows(IllegalArgumentException.class, () -> ha.objectId(" "));
        assertThrows(IllegalArgumentException.class, () -> ha.personConfigs(List.of("ok", "")));
    }

    @Test
    void namesThatMapToOneObjectIdAreRefused() {
        // one hex digit of hash and 17 names with the slug "x": two must collide
        HomeAssistantDiscovery tiny = new HomeAssistantDiscovery("homeassistant", "facegate", GATEWAY, "1", 1);
        List<String> names = List.of("x", "X", "x!", "x?", "x.", "!x", "x!!", "x,", "x;", "x:", "(x)", "[x]", "{x}",
                "x~", "x^", "x*", "x%");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tiny.personConfigs(names));
        assertTrue(e.getMessage().contains("rename one of them"), e.getMessage());
        assertEquals(1, tiny.personConfigs(List.of("x", "x")).size(), "the same name twice is one person");
    }

    @Test
    void removalsClearExactlyTheRemovedTopics() {
        List<String> before = List.of("Zoë", "李雷", "a/b", "Bob");
        List<String> now = List.of("李雷", "Bob", "Carol");
        List<Message> removals = ha.removals(before, now);
        Set<String> expected = new HashSet<>();
        for (String gone : List.of("Zoë", "a/b")) {
            expected.add(ha.personConfigs(List.of(gone)).get(0).topic());
            expected.add(ha.lastSeenTopic(gone));
        }
        expected.add(ha.lastRecognisedTopic()); // it may hold a removed name
        assertEquals(expected, topics(removals));
        assertEquals(expected.size(), removals.size());
        for (Message m : removals) {
            assertTrue(m.retained(), "only a retained empty payload deletes the retained config");
            assertEquals("", m.payload());
        }
        assertTrue(removals.get(0).topic().endsWith("/config"), "the entity goes before its state");

        assertEquals(List.of(), ha.removals(before, before));
        assertEquals(List.of(), ha.removals(List.of(), now));
        assertEquals(List.of(), ha.removals(List.of("Bob"), now), "adding a person removes nothing");
    }

    @Test
    void staleRemovalsFindRetainedConfigsOfForgottenPeople() {
        List<String> retained = new ArrayList<>(topics(allConfigs(ha, List.of("Zoë", "Bob", "+"))));
        retained.add("homeassistant/sensor/other-gateway/person_zoe_0123456789/config");
        retained.add("homeassistant/binary_sensor/" + GATEWAY + "/person_x_0123456789/config");
        List<Message> stale = ha.staleRemovals(retained, List.of("Bob"));
        Set<String> expected = new HashSet<>();
        for (String gone : List.of("Zoë", "+")) {
            expected.add(ha.personConfigs(List.of(gone)).get(0).topic());
            expected.add(ha.lastSeenTopic(gone));
        }
        expected.add(ha.lastRecognisedTopic());
        assertEquals(expected, topics(stale), "device configs and other gateways' topics stay");
        stale.forEach(m -> assertEquals("", m.payload()));
        stale.forEach(m -> assertTrue(m.retained()));
        assertEquals(List.of(), ha.staleRemovals(retained, List.of("Zoë", "Bob", "+")));
        String filter = ha.personConfigFilter();
        assertEquals("homeassistant/sensor/" + GATEWAY + "/+/config", filter);
    }

    @Test
    void removeAllClearsEverythingThatWasPublished() {
        List<String> people = List.of("Zoë", "Bob");
        Set<String> expected = topics(allConfigs(ha, people));
        people.forEach(p -> expected.add(ha.lastSeenTopic(p)));
        expected.add(ha.lastRecognisedTopic());
        List<Message> all = ha.removeAll(people);
        assertEquals(expected, topics(all));
        assertEquals(expected.size(), all.size());
        all.forEach(m -> assertEquals("", m.payload()));
        all.forEach(m -> assertTrue(m.retained()));
        assertTrue(topics(ha.removeAll(List.of())).contains(ha.lastRecognisedTopic()));
        // the published topics stay inside what the ACL filters allow
        for (Message m : all) {
            assertTrue(ha.publishedTopicFilters().stream().anyMatch(f -> matches(f, m.topic())), m.topic());
        }
    }

    @Test
    void nodeIdsKeepGatewaysApart() {
        HomeAssistantDiscovery dotted = new HomeAssistantDiscovery("homeassistant", "facegate", "a.b", "1");
        HomeAssistantDiscovery underscored = new HomeAssistantDiscovery("homeassistant", "facegate", "a_b", "1");
        HomeAssistantDiscovery otherSite = new HomeAssistantDiscovery("homeassistant", "site-b/facegate", "a_b", "1");
        assertEquals("a_b", underscored.nodeId());
        Set<String> nodeIds = Set.of(dotted.nodeId(), underscored.nodeId(), otherSite.nodeId());
        assertEquals(3, nodeIds.size(), nodeIds.toString());
        for (String id : nodeIds) {
            assertTrue(HomeAssistantIds.ID.matcher(id).matches(), id);
        }
        Set<String> uniqueIds = new HashSet<>();
        for (HomeAssistantDiscovery d : List.of(dotted, underscored, otherSite, ha)) {
            for (Message m : allConfigs(d, List.of("Zoë"))) {
                assertTrue(CONFIG_TOPIC.matcher(m.topic()).matches(), m.topic());
                assertTrue(uniqueIds.add(strictObject(m.payload()).get("unique_id").getAsString()));
            }
        }
        assertEquals("site-b/facegate/a_b/status", otherSite.statusTopic());
        JsonObject c = strictObject(otherSite.deviceConfigs().get(1).payload());
        assertEquals("site-b/facegate/a_b/status",
                c.getAsJsonArray("availability").get(0).getAsJsonObject().get("topic").getAsString());

        HomeAssistantDiscovery custom = new HomeAssistantDiscovery("ha/discovery", "facegate", GATEWAY, "1");
        custom.deviceConfigs().forEach(m -> assertTrue(m.topic().startsWith("ha/discovery/sensor/" + GATEWAY + "/")));
        assertEquals("ha/discovery/status", custom.birthTopic());
        assertEquals("homeassistant/status", ha.birthTopic());
    }

    @Test
    void badTopicPartsAreRefusedNamingTheKey() {
        for (String bad : new String[] {null, "", "a/+", "#", "a//b", "/a", "a/", "$SYS", "a\u0000"}) {
            assertTrue(refused(bad, "facegate", GATEWAY).startsWith("homeassistant_prefix"), String.valueOf(bad));
            assertTrue(refused("homeassistant", bad, GATEWAY).startsWith("topic_prefix"), String.valueOf(bad));
            assertTrue(refused("homeassistant", "facegate", bad).startsWith("gateway_id"), String.valueOf(bad));
        }
        assertTrue(refused("homeassistant", "facegate", "a/b").startsWith("gateway_id must be one topic level"));
    }

    // ---- helpers

    private static String refused(String discoveryPrefix, String topicPrefix, String gatewayId) {
        return assertThrows(IllegalArgumentException.class,
                () -> new HomeAssistantDiscovery(discoveryPrefix, topicPrefix, gatewayId, "1")).getMessage();
    }

    private static List<Message> allConfigs(HomeAssistantDiscovery d, List<String> people) {
        List<Message> all = new ArrayList<>(d.deviceConfigs());
        all.addAll(d.personConfigs(people));
        return all;
    }

    private static JsonObject config(List<Message> configs, String objectId) {
        for (Message m : configs) {
            if (m.topic().endsWith("/" + objectId + "/config")) {
                return strictObject(m.payload());
            }
        }
        return fail("no config for " + objectId);
    }

    private static Set<String> topics(List<Message> messages) {
        Set<String> topics = new LinkedHashSet<>();
        messages.forEach(m -> topics.add(m.topic()));
        return topics;
    }

    private static RecognitionEvent event(Instant captured, Identity... identities) {
        List<RecognizedFace> faces = new ArrayList<>();
        for (Identity identity : identities) {
            faces.add(new RecognizedFace(new DetectedFace(new BoundingBox(10, 20, 100, 120), 0.99f,
                    new FaceLandmarks(new Point(40, 60), new Point(80, 61), new Point(60, 80), new Point(45, 100),
                            new Point(75, 101))), identity));
        }
        return new RecognitionEvent("cam", 7, captured, "f.jpg", "mobilefacenet-112", "1", faces,
                Map.of("detect", Duration.ofMillis(3)));
    }

    /** RFC 8259 JSON object, nothing after it: what Home Assistant's json.loads accepts as a dictionary. */
    private static JsonObject strictObject(String payload) {
        try (JsonReader reader = new JsonReader(new StringReader(payload))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = new Gson().getAdapter(JsonElement.class).read(reader);
            assertEquals(JsonToken.END_DOCUMENT, reader.peek(), "trailing data in " + payload);
            assertTrue(e.isJsonObject(), payload);
            return e.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            return fail("not a strict JSON object: " + payload, e);
        }
    }

    private static JsonObject schema(String name) {
        try (InputStream in = HomeAssistantDiscoveryTest.class.getResourceAsStream("/schema/" + name)) {
            assertNotNull(in, name);
            return new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8), JsonObject.class);
        } catch (IOException e) {
            return fail(e);
        }
    }

    /**
     * Every field a template reads is declared and required in the payload's JSON Schema (the versioned wire
     * contract), in every alternative of a {@code oneOf} / {@code anyOf}: so it is in every message on that topic.
     */
    private static void assertFieldsInSchema(String template, String schemaName) {
        JsonObject root = schema(schemaName);
        List<List<String>> paths = Jinja.fieldPaths(template);
        assertFalse(paths.isEmpty(), template);
        for (List<String> path : paths) {
            assertPathIn(root, root, path, path + " in " + schemaName);
        }
    }

    private static void assertPathIn(JsonObject root, JsonObject node, List<String> path, String what) {
        for (JsonObject branch : branches(root, node)) {
            if (path.isEmpty()) {
                continue;
            }
            String step = path.get(0);
            JsonObject next;
            if (step.equals("[]")) {
                assertTrue(branch.has("items"), what + ": not an array");
                next = branch.getAsJsonObject("items");
            } else {
                JsonObject properties = branch.getAsJsonObject("properties");
                assertTrue(properties != null && properties.has(step), what + ": '" + step + "' not declared");
                JsonArray required = branch.getAsJsonArray("required");
                assertTrue(required != null && required.contains(new JsonPrimitive(step)),
                        what + ": '" + step + "' not required");
                next = properties.getAsJsonObject(step);
            }
            assertPathIn(root, next, path.subList(1, path.size()), what);
        }
    }

    /** The alternatives of a schema node: its oneOf / anyOf branches, or itself; local $refs resolved. */
    private static List<JsonObject> branches(JsonObject root, JsonObject node) {
        JsonObject n = resolve(root, node);
        for (String key : List.of("oneOf", "anyOf")) {
            if (n.has(key)) {
                List<JsonObject> all = new ArrayList<>();
                n.getAsJsonArray(key).forEach(b -> all.addAll(branches(root, b.getAsJsonObject())));
                return all;
            }
        }
        return List.of(n);
    }

    private static JsonObject resolve(JsonObject root, JsonObject node) {
        if (!node.has("$ref")) {
            return node;
        }
        String ref = node.get("$ref").getAsString();
        assertTrue(ref.startsWith("#/"), "only local $refs: " + ref);
        JsonObject target = root;
        for (String step : ref.substring(2).split("/")) {
            target = target.getAsJsonObject(step);
            assertNotNull(target, ref);
        }
        return resolve(root, target);
    }

    private static void assertKnownFields(Set<String> keys, Set<String> documented, String where) {
        for (String key : keys) {
            assertTrue(documented.contains(key), where + ": '" + key + "' is not a documented field name");
        }
    }

    private static String assertNonBlankString(JsonObject o, String field) {
        assertTrue(o.has(field) && o.get(field).isJsonPrimitive() && o.get(field).getAsJsonPrimitive().isString(),
                field + " missing or not a string in " + o);
        String s = o.get(field).getAsString();
        assertFalse(s.isBlank(), field);
        return s;
    }

    private static String string(JsonObject o, String field) {
        return o.has(field) ? o.get(field).getAsString() : null;
    }

    /** A topic one may publish to (MQTT 3.1.1, 4.7): no wildcards, no NUL, not empty. */
    private static void assertPublishableTopic(String topic) {
        assertFalse(topic.isEmpty());
        assertFalse(topic.contains("+") || topic.contains("#") || topic.contains("\u0000"), topic);
        assertFalse(topic.contains("//") || topic.startsWith("/") || topic.endsWith("/"), topic);
        assertTrue(topic.getBytes(StandardCharsets.UTF_8).length < 65_536, topic);
    }

    /** MQTT topic filter matching with + and a trailing #. */
    private static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /**
     * The few Jinja forms the discovery templates use, evaluated as Home Assistant renders an MQTT template
     * ({@code value_json} = the parsed payload), but strict: a field that is missing fails the test, where Home
     * Assistant would log a warning and show nothing. A template outside these forms fails too, so a new template
     * cannot slip through unevaluated.
     */
    static final class Jinja {
        private static final Pattern WHOLE = Pattern.compile("\\{\\{ (.+) }}");
        private static final Pattern TERNARY = Pattern.compile("'([^']*)' if (.+) == '([^']*)' else '([^']*)'");
        private static final Pattern PATH = Pattern.compile("value_json((?:\\.[a-z_]+)*)");
        private static final Pattern ATTR_FILTER = Pattern.compile("(rejectattr|selectattr)\\('([a-z_]+)'\\)");

        private Jinja() {
        }

        static String render(String template, String payload) {
            JsonElement valueJson = strictObject(payload);
            Matcher whole = WHOLE.matcher(template);
            assertTrue(whole.matches(), "not a single {{ expression }}: " + template);
            String expr = whole.group(1);
            Matcher ternary = TERNARY.matcher(expr);
            if (ternary.matches()) {
                return text(pipe(ternary.group(2), valueJson)).equals(ternary.group(3)) ? ternary.group(1)
                        : ternary.group(4);
            }
            return text(pipe(expr, valueJson));
        }

        /** The payload fields a template reads, as schema paths: {@code [faces], [faces, [], known]}. */
        static List<List<String>> fieldPaths(String template) {
            List<List<String>> paths = new ArrayList<>();
            Matcher path = PATH.matcher(template);
            while (path.find()) {
                List<String> steps = new ArrayList<>(List.of(path.group(1).substring(1).split("\\.")));
                paths.add(steps);
                Matcher attr = ATTR_FILTER.matcher(template.substring(path.end()));
                while (attr.find()) {
                    List<String> item = new ArrayList<>(steps);
                    item.add("[]");
                    item.add(attr.group(2));
                    paths.add(item);
                }
            }
            return paths;
        }

        private static JsonElement pipe(String expr, JsonElement valueJson) {
            String[] parts = expr.split("\\|");
            Matcher path = PATH.matcher(parts[0].trim());
            assertTrue(path.matches(), "unsupported expression: " + expr);
            JsonElement v = valueJson;
            for (String field : path.group(1).substring(1).split("\\.")) {
                assertTrue(v.isJsonObject() && v.getAsJsonObject().has(field), "no field '" + field + "' in " + v);
                v = v.getAsJsonObject().get(field);
            }
            for (int i = 1; i < parts.length; i++) {
                v = filter(parts[i].trim(), v);
            }
            return v;
        }

        private static JsonElement filter(String filter, JsonElement v) {
            Matcher attr = ATTR_FILTER.matcher(filter);
            if (attr.matches()) {
                assertTrue(v.isJsonArray(), filter + " needs a list: " + v);
                JsonArray out = new JsonArray();
                for (JsonElement item : v.getAsJsonArray()) {
                    JsonObject o = item.getAsJsonObject();
                    assertTrue(o.has(attr.group(2)), "no attribute '" + attr.group(2) + "' in " + o);
                    if (truthy(o.get(attr.group(2))) == attr.group(1).equals("selectattr")) {
                        out.add(item);
                    }
                }
                return out;
            }
            switch (filter) {
                case "list":
                    assertTrue(v.isJsonArray(), "list of " + v);
                    return v;
                case "count":
                case "length":
                    assertTrue(v.isJsonArray(), filter + " of " + v);
                    return new JsonPrimitive(v.getAsJsonArray().size());
                default:
                    return fail("unsupported filter: " + filter);
            }
        }

        private static boolean truthy(JsonElement e) {
            if (e.isJsonNull()) {
                return false;
            }
            if (e.isJsonPrimitive()) {
                JsonPrimitive p = e.getAsJsonPrimitive();
                return p.isBoolean() ? p.getAsBoolean() : p.isNumber() ? p.getAsDouble() != 0 : !p.getAsString()
                        .isEmpty();
            }
            return e.isJsonArray() ? !e.getAsJsonArray().isEmpty() : !e.getAsJsonObject().isEmpty();
        }

        /** Python's str() of a JSON value, as Jinja prints it. */
        private static String text(JsonElement e) {
            if (e.isJsonNull()) {
                return "None";
            }
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) {
                return p.getAsBoolean() ? "True" : "False";
            }
            return p.getAsString();
        }
    }
}
