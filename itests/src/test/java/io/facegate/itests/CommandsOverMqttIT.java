package io.facegate.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.facegate.api.Gallery;
import io.facegate.api.PersonSummary;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import javax.inject.Inject;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * An operator runs the gateway over MQTT through its embedded broker, as the generated user {@code operator}:
 * enrol from photos, identify, list, rename, forget, read and change whitelisted settings; a repeated request id
 * is answered again and executed once; and a fuzz test sends thousands of random and mutated payloads to every
 * command while frames flow, checking that each gets exactly one reply and that no rejected one changed the
 * gallery.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CommandsOverMqttIT extends FacegateTestSupport {
    private static final String PREFIX = "facegate/" + GATEWAY_ID;
    private static final String GROUP = "site-a";
    private static final String EVENTS = PREFIX + "/events";
    /** Small, so that payloads over it are cheap to send; the demo photos fit. */
    private static final int COMMAND_MAX_BYTES = 1 << 20;
    /** The embedded broker's own limit, above the gateway's. */
    private static final int BROKER_MAX_BYTES = 2 << 20;
    private static final int FUZZ_PAYLOADS = 5_000;
    private static final long FUZZ_SEED = 20261202L;
    /**
     * Payloads in flight at once (the gateway queues 64): a round trip takes tens of milliseconds, so one at a time
     * would take minutes.
     */
    private static final int FUZZ_BATCH = 16;
    /**
     * Payloads larger than this are sent alone. Moquette 0.17 drops what it writes to a connection whose Netty
     * buffer is full (MQTTConnection.sendIfWritableElseDrop), PUBACKs included, and a large command in a burst
     * fills the gateway's: the burst then loses acknowledgements.
     */
    private static final int SOLO_BYTES = 32 * 1024;
    private static final Set<Integer> CODES = Set.of(200, 400, 404, 409, 413, 500, 503);
    private static final AtomicLong IDS = new AtomicLong();

    @Inject
    @Filter(timeout = 60_000)
    private Gallery gallery;

    @Inject
    private ConfigurationAdmin configAdmin;

    private MqttPeer operator;

    @Override
    protected List<Option> extraOptions() {
        List<Option> options = new ArrayList<>(MqttPeer.gatewayLogsIn());
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "command_max_bytes",
                String.valueOf(COMMAND_MAX_BYTES)));
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.cfg", "groups", GROUP));
        options.add(editConfigurationFilePut("etc/io.facegate.mqtt.broker.cfg", "max_message_bytes",
                String.valueOf(BROKER_MAX_BYTES)));
        return options;
    }

    @Before
    public void connectAsOperator() throws Exception {
        operator = MqttPeer.embeddedAs("operator").subscribe(PREFIX + "/reply/#");
        // the gateway subscribes to its command topics once connected: wait until it answers
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonObject status = null;
        while (status == null && System.nanoTime() < deadline) {
            status = tryCall("status", new JsonObject(), 2);
        }
        assertNotNull("the gateway answers commands: " + operator.messages(), status);
    }

    @After
    public void disconnect() throws Exception {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    public void operatorEnrolsIdentifiesListsRenamesAndForgetsAPerson() throws Exception {
        JsonObject enroll = new JsonObject();
        enroll.addProperty("name", "Obama");
        enroll.add("images", images("obama.jpg", "obama2.jpg"));
        JsonObject enrolled = ok(call("enroll", enroll));
        assertEquals(enrolled.toString(), "Obama", enrolled.get("name").getAsString());
        assertEquals(enrolled.toString(), 2, enrolled.get("enrolled").getAsInt());
        JsonArray photos = enrolled.getAsJsonArray("photos");
        assertEquals(enrolled.toString(), 2, photos.size());
        for (int i = 0; i < 2; i++) {
            JsonObject p = photos.get(i).getAsJsonObject();
            assertEquals(p.toString(), "images[" + i + "]", p.get("photo").getAsString());
            assertTrue(p.toString(), p.get("enrolled").getAsBoolean());
            assertEquals(p.toString(), 1, p.get("faces").getAsInt());
            assertTrue(p.toString(), p.get("problem").isJsonNull());
        }
        assertEquals(2, summary("Obama").photos());

        assertEquals(List.of("Obama"), identities(identify("obama3.jpg")));

        JsonObject person = person(ok(call("people", new JsonObject())), "Obama");
        assertEquals(person.toString(), 2, person.get("photos").getAsInt());
        assertFalse(person.toString(), person.getAsJsonObject("embeddings").isEmpty());
        for (Map.Entry<String, JsonElement> e : person.getAsJsonObject("embeddings").entrySet()) {
            assertEquals(person.toString(), 2, e.getValue().getAsInt());
        }

        JsonObject rename = new JsonObject();
        rename.addProperty("name", "Obama");
        rename.addProperty("new_name", "Barack Obama");
        JsonObject renamed = ok(call("rename", rename));
        assertEquals(renamed.toString(), "Barack Obama", renamed.get("name").getAsString());
        assertFalse(gallery.people().contains("Obama"));
        assertEquals("the photos move with the name", 2, summary("Barack Obama").photos());
        assertEquals(List.of("Barack Obama"), identities(identify("obama3.jpg")));
        assertEquals("renaming someone not enrolled", 404, call("rename", rename).get("code").getAsInt());

        JsonObject forget = new JsonObject();
        forget.addProperty("name", "Barack Obama");
        ok(call("forget", forget));
        assertFalse(gallery.people().contains("Barack Obama"));
        assertEquals(0, count(ok(call("people", new JsonObject())), "Barack Obama"));
        assertEquals("forgetting twice", 404, call("forget", forget).get("code").getAsInt());
        List<String> unknown = new ArrayList<>();
        for (JsonElement f : identify("obama3.jpg").getAsJsonArray("faces")) {
            unknown.add(f.getAsJsonObject().get("known").getAsBoolean() ? "known" : "unknown");
        }
        assertEquals("after forget the face is unknown", List.of("unknown"), unknown);
    }

    @Test
    public void operatorReadsAndChangesAWhitelistedSetting() throws Exception {
        Map<String, JsonElement> all = settings(ok(call("config/get", new JsonObject())));
        assertTrue(all.toString(), all.containsKey("detect.min_face_size"));
        assertTrue(all.toString(), all.containsKey("pipeline.overflow"));
        JsonElement original = all.get("detect.min_face_size");

        JsonObject get = new JsonObject();
        JsonArray keys = new JsonArray();
        keys.add("detect.min_face_size");
        get.add("keys", keys);
        assertEquals(Set.of("detect.min_face_size"), settings(ok(call("config/get", get))).keySet());

        try {
            JsonObject changed = ok(call("config/set", values("detect.min_face_size", 24)));
            assertEquals(changed.toString(), 24, settings(changed).get("detect.min_face_size").getAsInt());
            assertEquals(24, minFaceSize());
            assertEquals("in Configuration Admin, as a .cfg file would set it", "24", mtcnnProperty());

            JsonObject below = call("config/set", values("detect.min_face_size", 5));
            assertEquals(below.toString(), 400, below.get("code").getAsInt());
            JsonObject tooLarge = call("config/set", values("detect.min_face_size", 5000)); // > detect.max_image_side
            assertEquals(tooLarge.toString(), 400, tooLarge.get("code").getAsInt());
            JsonObject wrongType = call("config/set", values("detect.min_face_size", "large"));
            assertEquals(wrongType.toString(), 400, wrongType.get("code").getAsInt());
            JsonObject notWhitelisted = call("config/set", values("gallery.directory", "/tmp"));
            assertEquals(notWhitelisted.toString(), 400, notWhitelisted.get("code").getAsInt());
            JsonObject mixed = values("detect.min_face_size", 30);
            mixed.getAsJsonObject("values").addProperty("pipeline.overflow", "sideways");
            JsonObject allOrNothing = call("config/set", mixed);
            assertEquals(allOrNothing.toString(), 400, allOrNothing.get("code").getAsInt());

            assertEquals("every refused change left the setting as it was", 24, minFaceSize());
            assertEquals("24", mtcnnProperty());
        } finally {
            JsonObject restore = new JsonObject();
            JsonObject v = new JsonObject();
            v.add("detect.min_face_size", original);
            restore.add("values", v);
            ok(call("config/set", restore));
        }
    }

    @Test
    public void aRepeatedRequestIdIsAnsweredAgainAndExecutedOnce() throws Exception {
        JsonObject enroll = new JsonObject();
        enroll.addProperty("request_id", "repeat-enrol-1");
        enroll.addProperty("name", "Repeat Person");
        enroll.add("images", images("obama.jpg"));
        byte[] payload = enroll.toString().getBytes(StandardCharsets.UTF_8);

        MqttPeer.Message first = send("enroll", payload, "repeat-enrol-1");
        assertEquals(first.text(), 200, parse(first).get("code").getAsInt());
        assertEquals(1, summary("Repeat Person").photos());

        MqttPeer.Message again = send("enroll", payload, "repeat-enrol-1");
        assertArrayEquals("the same reply again: " + again.text(), first.payload(), again.payload());
        assertEquals("executed once", 1, summary("Repeat Person").photos());

        enroll.addProperty("request_id", "repeat-enrol-2");
        MqttPeer.Message other = send("enroll", enroll.toString().getBytes(StandardCharsets.UTF_8), "repeat-enrol-2");
        assertEquals(other.text(), 200, parse(other).get("code").getAsInt());
        assertEquals("a new request id is a new request", 2, summary("Repeat Person").photos());

        JsonObject forget = new JsonObject();
        forget.addProperty("name", "Repeat Person");
        ok(call("forget", forget));
    }

    @Test
    public void everyFuzzedPayloadGetsOneReplyFramesKeepFlowingAndRejectedOnesChangeNothing() throws Exception {
        Map<String, PersonSummary> before = summaries();
        Map<String, JsonElement> settingsBefore = settings(ok(call("config/get", new JsonObject())));
        CommandFuzzer fuzzer = new CommandFuzzer(FUZZ_SEED, PREFIX + "/cmd/", "facegate/group/" + GROUP + "/cmd/",
                COMMAND_MAX_BYTES, faceThumbnail(), 40);
        Set<String> touched = new TreeSet<>();
        Map<Integer, Integer> codes = new TreeMap<>();
        Map<String, Integer> mutations = new TreeMap<>();
        List<String> frames = new ArrayList<>();
        List<String> internalErrors = new ArrayList<>();
        int refusedByBroker = 0;
        int startCount = operator.count();
        CommandFuzzer.Case pending = null;
        int nextFrame = 0;
        int nextHuge = 1000;
        long start = System.nanoTime();
        try (MqttPeer events = MqttPeer.embeddedAs("reader").subscribe(EVENTS)) {
            for (int sent = 0; sent < FUZZ_PAYLOADS; ) {
                if (sent >= nextFrame) { // a frame every 1,000 payloads: events must keep coming
                    nextFrame += 1000;
                    String frame = "fuzz-frame-" + sent + ".jpg";
                    SyntheticPhotos.drop(frame, sent);
                    frames.add(frame);
                }
                if (sent >= nextHuge) { // twice: at 1,000 and 3,000
                    nextHuge += 2000;
                    refusedByBroker += overBrokerLimit(fuzzer.overBrokerLimit("fz-huge-" + sent, BROKER_MAX_BYTES));
                }
                List<CommandFuzzer.Case> batch = new ArrayList<>();
                while (batch.size() < FUZZ_BATCH && sent < FUZZ_PAYLOADS) {
                    CommandFuzzer.Case c = pending != null ? pending : fuzzer.next();
                    pending = null;
                    boolean large = c.payload().length > SOLO_BYTES;
                    if (large && !batch.isEmpty()) {
                        pending = c; // sent alone, next
                        break;
                    }
                    mutations.merge(c.mutation().replaceAll("-\\d+$", ""), 1, Integer::sum);
                    batch.add(c);
                    sent++;
                    if (large) {
                        break;
                    }
                }
                for (Map.Entry<CommandFuzzer.Case, JsonObject> e : sendBatch(sent - batch.size(), batch).entrySet()) {
                    JsonObject r = e.getValue();
                    int code = r.get("code").getAsInt();
                    codes.merge(code, 1, Integer::sum);
                    if (code == 500) {
                        internalErrors.add(e.getKey() + "\n  -> " + r);
                    }
                    if (code == 200) {
                        track(r, touched);
                    }
                }
            }
            long fuzzMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            Thread.sleep(1000);
            assertEquals("exactly one reply per payload, none for the " + refusedByBroker + " the broker refused"
                    + " (each followed by a control command)", FUZZ_PAYLOADS + refusedByBroker,
                    operator.count() - startCount);
            System.out.printf("fuzz: %d payloads in %d ms, replies by code %s, %d refused by the broker, mutations %s,"
                    + " gallery names touched by accepted requests %s%n", FUZZ_PAYLOADS, fuzzMs, codes,
                    refusedByBroker, mutations, touched);

            for (String frame : frames) {
                assertEquals("the event of " + frame + " dropped during the fuzz", 1, events.await(
                        m -> m.text().contains("\"origin\":\"" + frame + "\""), 1, 120, TimeUnit.SECONDS).size());
            }
        } finally {
            restoreSettings(settingsBefore);
        }

        Map<String, PersonSummary> after = summaries();
        for (Map.Entry<String, PersonSummary> e : before.entrySet()) {
            if (!touched.contains(e.getKey())) {
                assertEquals("untouched by any accepted request, so unchanged", e.getValue(), after.get(e.getKey()));
            }
        }
        for (String name : after.keySet()) {
            assertTrue("'" + name + "' is in the gallery, but no accepted request put it there (touched: " + touched
                    + ")", before.containsKey(name) || touched.contains(name));
        }
        assertEquals("the gateway still answers", 200, call("status", new JsonObject()).get("code").getAsInt());
        assertEquals("bad input must get an error reply, not an internal error (500); " + internalErrors.size()
                + " did:\n" + String.join("\n", internalErrors.subList(0, Math.min(20, internalErrors.size()))),
                0, internalErrors.size());
    }

    // ------------------------------------------------------------------ fuzz helpers

    /**
     * Publishes a batch without waiting in between, waits for as many replies, and pairs each payload with its
     * reply: by request id where the payload kept a valid one, on reply/_invalid where it has none, else by command.
     *
     * @param first the number of the batch's first payload, for messages
     * @return each payload's reply, in payload order
     */
    private Map<CommandFuzzer.Case, JsonObject> sendBatch(int first, List<CommandFuzzer.Case> batch)
            throws Exception {
        int from = operator.count();
        List<IMqttDeliveryToken> tokens = new ArrayList<>();
        for (CommandFuzzer.Case c : batch) {
            tokens.add(operator.publishAsync(c.topic(), c.payload(), 1));
        }
        String cases = describe(first, batch);
        for (int i = 0; i < tokens.size(); i++) {
            try {
                tokens.get(i).waitForCompletion(60_000);
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                throw new AssertionError("the broker did not acknowledge payload " + (first + i) + " within 60 s"
                        + " (Moquette drops a PUBACK when the connection's buffer is full) in the batch " + cases, e);
            }
        }
        MqttPeer.Message last = operator.awaitAt(from + batch.size() - 1, 120, TimeUnit.SECONDS);
        List<MqttPeer.Message> replies = new ArrayList<>(operator.messages().subList(from, operator.count()));
        assertNotNull("only " + replies.size() + " replies within 120 s to the batch " + cases + "\nreplies: "
                + replies, last);
        assertEquals("one reply per payload of the batch " + cases + "\nreplies: " + replies, batch.size(),
                replies.size());
        Map<CommandFuzzer.Case, JsonObject> out = new LinkedHashMap<>();
        Map<CommandFuzzer.Case, MqttPeer.Message> paired = new LinkedHashMap<>();
        for (CommandFuzzer.Addressing pass : CommandFuzzer.Addressing.values()) {
            for (CommandFuzzer.Case c : batch) {
                if (c.addressing() != pass) {
                    continue;
                }
                MqttPeer.Message match = null;
                for (MqttPeer.Message m : replies) {
                    boolean topicFits = switch (pass) {
                        case OWN_ID -> m.topic().equals(PREFIX + "/reply/" + c.id());
                        case INVALID -> m.topic().equals(PREFIX + "/reply/_invalid");
                        case ANY -> m.topic().startsWith(PREFIX + "/reply/");
                    };
                    if (topicFits && m.text().contains("\"command\":" + jsonString(c.command()) + ",")) {
                        match = m;
                        break;
                    }
                }
                assertNotNull("no reply for " + c + "\nin the batch " + cases + "\nreplies: " + replies, match);
                replies.remove(match);
                paired.put(c, match);
            }
        }
        for (CommandFuzzer.Case c : batch) {
            out.put(c, checkReply(c, paired.get(c)));
        }
        return out;
    }

    private static String describe(int first, List<CommandFuzzer.Case> batch) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < batch.size(); i++) {
            b.append("\n  ").append(first + i).append(": ").append(batch.get(i));
        }
        return b.toString();
    }

    private static String jsonString(String s) {
        JsonArray a = new JsonArray();
        a.add(s);
        String t = a.toString();
        return t.substring(1, t.length() - 1);
    }

    /** Checks one reply of the fuzz: a well-formed reply to this payload. */
    private static JsonObject checkReply(CommandFuzzer.Case c, MqttPeer.Message reply) {
        String where = "reply " + reply + " to " + c;
        JsonObject r;
        try {
            r = JsonParser.parseString(reply.text()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new AssertionError("not a JSON object: " + where, e);
        }
        assertEquals(where, c.command(), r.get("command").getAsString());
        assertEquals(where, GATEWAY_ID, r.get("gateway").getAsString());
        int code = r.get("code").getAsInt();
        assertTrue("unexpected code: " + where, CODES.contains(code));
        assertEquals(where, code == 200 ? "ok" : "error", r.get("status").getAsString());
        assertTrue(where, r.get("message").isJsonPrimitive());
        switch (c.addressing()) {
            case OWN_ID -> assertEquals(where, c.id(), r.get("request_id").getAsString());
            case INVALID -> assertTrue(where, r.get("request_id").isJsonNull());
            default -> { }
        }
        if (c.mutation().equals("over-command-max-bytes")) {
            assertEquals(where, 413, code);
        }
        return r;
    }

    /** Notes the names an accepted request may have changed. */
    private static void track(JsonObject reply, Set<String> touched) {
        JsonElement result = reply.get("result");
        if (result == null || !result.isJsonObject()) {
            return;
        }
        String command = reply.get("command").getAsString();
        if (Set.of("enroll", "forget", "rename").contains(command)) {
            for (String field : List.of("name", "previous_name")) {
                JsonElement v = result.getAsJsonObject().get(field);
                if (v != null && v.isJsonPrimitive()) {
                    touched.add(v.getAsString());
                    touched.add(v.getAsString().strip());
                }
            }
        }
    }

    /** Sends a payload over the broker's limit from a connection of its own; the broker must refuse it. */
    private int overBrokerLimit(CommandFuzzer.Case c) throws Exception {
        int index = operator.count();
        try (MqttPeer throwaway = MqttPeer.embeddedAs("operator")) {
            throwaway.publishNoWait(c.topic(), c.payload(), 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (throwaway.isConnected() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        // a command after it: its reply must be the next one, so the refused payload got none
        JsonObject control = new JsonObject();
        String id = "fz-control-" + IDS.incrementAndGet();
        control.addProperty("request_id", id);
        operator.publish(PREFIX + "/cmd/status", control.toString().getBytes(StandardCharsets.UTF_8), 1);
        MqttPeer.Message next = operator.awaitAt(index, 60, TimeUnit.SECONDS);
        assertNotNull("no reply to the control command after the payload over the broker's limit", next);
        assertEquals("the payload over the broker's limit reached the gateway: " + next, PREFIX + "/reply/" + id,
                next.topic());
        return 1;
    }

    private void restoreSettings(Map<String, JsonElement> before) throws Exception {
        Map<String, JsonElement> now = settings(ok(call("config/get", new JsonObject())));
        JsonObject values = new JsonObject();
        for (Map.Entry<String, JsonElement> e : before.entrySet()) {
            if (!e.getValue().equals(now.get(e.getKey()))) {
                values.add(e.getKey(), e.getValue());
            }
        }
        if (values.size() > 0) {
            JsonObject restore = new JsonObject();
            restore.add("values", values);
            ok(call("config/set", restore));
        }
    }

    /** A small JPEG of a face from the demo photos, or a synthetic picture when they are absent. */
    private static byte[] faceThumbnail() throws Exception {
        java.nio.file.Path demo = java.nio.file.Path.of(System.getProperty("facegate.data.dir", ""), "demo",
                "obama.jpg");
        if (!Files.isRegularFile(demo)) {
            return SyntheticPhotos.jpeg(200, 200, 7);
        }
        BufferedImage full = ImageIO.read(demo.toFile());
        int w = 240;
        int h = full.getHeight() * w / full.getWidth();
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        small.getGraphics().drawImage(full.getScaledInstance(w, h, Image.SCALE_SMOOTH), 0, 0, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(small, "jpg", out);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ request helpers

    /** Sends a request with a fresh request id and returns its reply. */
    private JsonObject call(String command, JsonObject request) throws Exception {
        JsonObject r = tryCall(command, request, 120);
        assertNotNull("no reply to " + command + " within 120 s: " + operator.messages(), r);
        return r;
    }

    private JsonObject tryCall(String command, JsonObject request, int timeoutSeconds) throws Exception {
        String id = "itest-call-" + IDS.incrementAndGet();
        JsonObject r = operator.command(PREFIX, command, request, id, timeoutSeconds);
        if (r == null) {
            return null;
        }
        assertEquals(r.toString(), id, r.get("request_id").getAsString());
        assertEquals(r.toString(), command, r.get("command").getAsString());
        assertEquals(r.toString(), GATEWAY_ID, r.get("gateway").getAsString());
        return r;
    }

    /** Publishes a payload as it is and waits for the reply on reply/&lt;id&gt; that arrives after it. */
    private MqttPeer.Message send(String command, byte[] payload, String id) throws Exception {
        int from = operator.count();
        operator.publish(PREFIX + "/cmd/" + command, payload, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int i = from; System.nanoTime() < deadline; i++) {
            MqttPeer.Message m = operator.awaitAt(i, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m != null && m.topic().equals(PREFIX + "/reply/" + id)) {
                return m;
            }
        }
        throw new AssertionError("no reply to " + id + ": " + operator.messages());
    }

    private static JsonObject parse(MqttPeer.Message m) {
        return JsonParser.parseString(m.text()).getAsJsonObject();
    }

    /** @return the result of a 200 reply */
    private static JsonObject ok(JsonObject reply) {
        assertEquals(reply.toString(), 200, reply.get("code").getAsInt());
        assertEquals(reply.toString(), "ok", reply.get("status").getAsString());
        return reply.getAsJsonObject("result");
    }

    private static JsonArray images(String... demoPhotos) throws Exception {
        JsonArray a = new JsonArray();
        for (String p : demoPhotos) {
            a.add(Base64.getEncoder().encodeToString(Files.readAllBytes(Photos.demo(p))));
        }
        return a;
    }

    private JsonObject identify(String demoPhoto) throws Exception {
        JsonObject request = new JsonObject();
        request.addProperty("image", Base64.getEncoder().encodeToString(Files.readAllBytes(Photos.demo(demoPhoto))));
        return ok(call("identify", request));
    }

    private static List<String> identities(JsonObject identifyResult) {
        List<String> names = new ArrayList<>();
        for (JsonElement f : identifyResult.getAsJsonArray("faces")) {
            JsonObject face = f.getAsJsonObject();
            names.add(face.get("known").getAsBoolean() ? face.get("identity").getAsString() : null);
        }
        return names;
    }

    private static JsonObject person(JsonObject peopleResult, String name) {
        for (JsonElement p : peopleResult.getAsJsonArray("people")) {
            if (p.getAsJsonObject().get("name").getAsString().equals(name)) {
                return p.getAsJsonObject();
            }
        }
        throw new AssertionError(name + " not in " + peopleResult);
    }

    private static int count(JsonObject peopleResult, String name) {
        int n = 0;
        for (JsonElement p : peopleResult.getAsJsonArray("people")) {
            if (p.getAsJsonObject().get("name").getAsString().equals(name)) {
                n++;
            }
        }
        return n;
    }

    private static JsonObject values(String key, Object value) {
        JsonObject v = new JsonObject();
        if (value instanceof Number n) {
            v.addProperty(key, n);
        } else {
            v.addProperty(key, String.valueOf(value));
        }
        JsonObject o = new JsonObject();
        o.add("values", v);
        return o;
    }

    private static Map<String, JsonElement> settings(JsonObject result) {
        Map<String, JsonElement> out = new LinkedHashMap<>();
        for (JsonElement s : result.getAsJsonArray("settings")) {
            out.put(s.getAsJsonObject().get("key").getAsString(), s.getAsJsonObject().get("value"));
        }
        return out;
    }

    private int minFaceSize() throws Exception {
        JsonObject get = new JsonObject();
        JsonArray keys = new JsonArray();
        keys.add("detect.min_face_size");
        get.add("keys", keys);
        return settings(ok(call("config/get", get))).get("detect.min_face_size").getAsInt();
    }

    private String mtcnnProperty() throws Exception {
        Configuration[] c = configAdmin.listConfigurations("(service.pid=io.facegate.detect.mtcnn)");
        assertNotNull("a configuration io.facegate.detect.mtcnn", c);
        Object v = c[0].getProperties().get("minFaceSize");
        return v == null ? null : v.toString();
    }

    private PersonSummary summary(String name) {
        PersonSummary s = summaries().get(name);
        assertNotNull(name + " is enrolled: " + gallery.people(), s);
        return s;
    }

    private Map<String, PersonSummary> summaries() {
        Map<String, PersonSummary> out = new TreeMap<>();
        for (PersonSummary s : gallery.summaries()) {
            out.put(s.name(), s);
        }
        return out;
    }
}
