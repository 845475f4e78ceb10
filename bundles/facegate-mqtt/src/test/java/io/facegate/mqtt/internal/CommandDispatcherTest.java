package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Requests to replies, without a broker: routing, validation, error codes, idempotency, a bounded fuzz run. */
class CommandDispatcherTest {
    private record Sent(String topic, JsonObject reply) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final FakeOperations ops = new FakeOperations();
    private final PublisherSettings settings = PublisherSettings.from(Configs.publisher("gateway_id", "gw1",
            "groups", new String[] {"site-a", "lobby"}, "command_max_bytes", 64 * 1024));
    private final CommandDispatcher dispatcher = new CommandDispatcher(settings,
            new CommandHandlers(() -> ops, () -> {
                JsonObject s = new JsonObject();
                s.addProperty("state", "online");
                return s;
            }),
            (topic, payload) -> sent.add(new Sent(topic, JsonParser.parseString(
                    new String(payload, StandardCharsets.UTF_8)).getAsJsonObject())));

    private Sent send(String command, String json) {
        return send("facegate/gw1/cmd/" + command, command, json.getBytes(StandardCharsets.UTF_8));
    }

    private Sent send(String topic, String command, byte[] payload) {
        int before = sent.size();
        dispatcher.handle(new CommandDispatcher.Request(command, topic, payload));
        assertEquals(before + 1, sent.size(), "exactly one reply to " + new String(payload, StandardCharsets.UTF_8));
        return sent.get(before);
    }

    static String jpegBase64(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    @Test
    void subscribesToItsOwnAndItsGroupsCommands() {
        assertEquals(List.of("facegate/gw1/cmd/#", "facegate/group/site-a/cmd/#", "facegate/group/lobby/cmd/#"),
                dispatcher.subscriptions());
        assertEquals("enroll", dispatcher.command("facegate/group/site-a/cmd/enroll"));
        assertEquals("config/set", dispatcher.command("facegate/gw1/cmd/config/set"));
        assertNull(dispatcher.command("facegate/gw2/cmd/enroll"));
        assertNull(dispatcher.command("facegate/group/other/cmd/enroll"));
    }

    @Test
    void enrolPeopleRenameForget() throws IOException {
        String img = jpegBase64(64, 48);
        Sent r = send("enroll", "{\"request_id\":\"r1\",\"requester\":\"ops-console\",\"name\":\"Zoë\","
                + "\"images\":[\"" + img + "\",\"bm90IGFuIGltYWdl\"]}");
        assertEquals("facegate/gw1/reply/r1", r.topic());
        assertEquals(200, r.reply().get("code").getAsInt(), r.reply().toString());
        assertEquals("ok", r.reply().get("status").getAsString());
        assertEquals("ops-console", r.reply().get("requester").getAsString());
        assertEquals("gw1", r.reply().get("gateway").getAsString());
        JsonObject result = r.reply().getAsJsonObject("result");
        assertEquals(1, result.get("enrolled").getAsInt());
        assertTrue(result.getAsJsonArray("photos").get(1).getAsJsonObject().get("problem").getAsString()
                .startsWith("not an image"), result.toString());

        Sent people = send("people", "{\"request_id\":\"r2\"}");
        assertEquals("{\"people\":[{\"name\":\"Zoë\",\"photos\":1,\"embeddings\":{\"mobilefacenet-112:1\":1}}]}",
                people.reply().get("result").toString());
        assertEquals(409, send("rename", "{\"request_id\":\"r3x\",\"name\":\"Zoë\",\"new_name\":\"Zoë\"}")
                .reply().get("code").getAsInt());
        assertEquals(200, send("rename", "{\"request_id\":\"r3\",\"name\":\"Zoë\",\"new_name\":\"Zoe\"}")
                .reply().get("code").getAsInt());
        assertEquals(404, send("forget", "{\"request_id\":\"r4\",\"name\":\"Zoë\"}").reply().get("code").getAsInt());
        assertEquals(200, send("forget", "{\"request_id\":\"r5\",\"name\":\"Zoe\"}").reply().get("code").getAsInt());
        assertEquals(Map.of(), ops.people);
    }

    @Test
    void aRepeatedRequestIdIsAnsweredAgainWithoutRunningTwice() throws IOException {
        String enrol = "{\"request_id\":\"same-1\",\"name\":\"bob\",\"images\":[\"" + jpegBase64(32, 32) + "\"]}";
        Sent first = send("enroll", enrol);
        int calls = ops.calls.get();
        Sent again = send("enroll", enrol);
        assertEquals(first, again, "the stored reply, byte for byte");
        assertEquals(calls, ops.calls.get(), "not executed again");
        assertEquals(Map.of("bob", 1), ops.people);
        assertEquals(1, dispatcher.repeated());
    }

    @Test
    void badRequestsGetClearErrors() {
        assertEquals("facegate/gw1/reply/_invalid", send("people", "{not json").topic());
        assertEquals("facegate/gw1/reply/_invalid", send("people", "{\"request_id\":\"a/#\",").topic(),
                "an invalid request id never becomes a topic");
        assertEquals("", dispatcher.command("facegate/gw1/cmd"), "cmd without a command: a 404, not silence");
        assertTrue(send("people", "{not json").reply().get("message").getAsString().startsWith("malformed JSON"));
        assertEquals(400, send("people", "[1,2]").reply().get("code").getAsInt());
        assertEquals(400, send("people", "{}").reply().get("code").getAsInt());
        assertEquals(400, send("people", "{\"request_id\":\"a/b\"}").reply().get("code").getAsInt());
        assertEquals(400, send("people", "{\"request_id\":\"ok\"} trailing").reply().get("code").getAsInt());
        assertEquals(400, send("people", "{\"request_id\":\"c1\",}").reply().get("code").getAsInt(), "strict JSON");
        assertEquals(400, send("people", "{'request_id':'c2'}").reply().get("code").getAsInt(), "strict JSON");
        assertEquals(400, send("people", "[".repeat(10_000)).reply().get("code").getAsInt(), "deep nesting");
        Sent unknown = send("reboot", "{\"request_id\":\"u1\"}");
        assertEquals(404, unknown.reply().get("code").getAsInt());
        assertEquals("facegate/gw1/reply/u1", unknown.topic());
        assertEquals("name must be a string", send("enroll", "{\"request_id\":\"e1\",\"name\":7,\"images\":[]}")
                .reply().get("message").getAsString());
        assertEquals("missing field 'images'", send("enroll", "{\"request_id\":\"e2\",\"name\":\"x\"}")
                .reply().get("message").getAsString());
        assertTrue(send("enroll", "{\"request_id\":\"e3\",\"name\":\"x\",\"images\":[\"***\"]}").reply()
                .get("message").getAsString().startsWith("images[0] is not valid base64"));
        assertEquals(400, send("enroll", "{\"request_id\":\"e4\",\"name\":\"x\",\"images\":[\"bm90IGFuIGltYWdl\"]}")
                .reply().get("code").getAsInt());
        assertEquals(400, send("identify", "{\"request_id\":\"i1\",\"image\":null}").reply().get("code").getAsInt());
        assertEquals(400, send("config/set", "{\"request_id\":\"s1\",\"values\":{\"nope\":1}}").reply()
                .get("code").getAsInt());
        assertEquals(400, send("config/set", "{\"request_id\":\"s2\",\"values\":{\"detect.min_face_size\":[1]}}")
                .reply().get("code").getAsInt());
        for (String huge : new String[] {"1E+2147483647", "-1e999999999", "1e-999999999", "123456789012345678901234"}) {
            assertEquals(400, send("config/set", "{\"request_id\":\"n" + huge.length() + huge.charAt(0)
                    + "\",\"values\":{\"detect.min_face_size\":" + huge + "}}").reply().get("code").getAsInt(), huge);
        }
        assertEquals(400, send("config/get", "{\"request_id\":\"g1\",\"keys\":[\"nope\"]}").reply()
                .get("code").getAsInt());
        assertEquals(Map.of(), ops.people);
        assertEquals(20L, ops.settings.get("detect.min_face_size"));
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeader() throws IOException {
        // a 20000x20000 PNG of one colour compresses to a small file; the decoder refuses it before decoding pixels
        BufferedImage tiny = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(tiny, "png", out);
        byte[] png = out.toByteArray();
        // IHDR width and height sit at bytes 16..23; patch them and the chunk's CRC
        java.nio.ByteBuffer.wrap(png, 16, 8).putInt(20_000).putInt(20_000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        java.nio.ByteBuffer.wrap(png, 29, 4).putInt((int) crc.getValue());
        Sent r = send("identify", "{\"request_id\":\"bomb\",\"image\":\"" + Base64.getEncoder().encodeToString(png)
                + "\"}");
        assertEquals(400, r.reply().get("code").getAsInt());
        assertTrue(r.reply().get("message").getAsString().contains("too large"), r.reply().toString());
    }

    @Test
    void oversizedAndGroupMessages() {
        byte[] big = ("{\"request_id\":\"big-1\",\"name\":\"x\",\"images\":[\"" + "A".repeat(70 * 1024) + "\"]}")
                .getBytes(StandardCharsets.UTF_8);
        dispatcher.onMessage("facegate/gw1/cmd/enroll", big);
        Sent r = sent.get(sent.size() - 1);
        assertEquals("facegate/gw1/reply/big-1", r.topic());
        assertEquals(413, r.reply().get("code").getAsInt());
        Sent viaGroup = send("facegate/group/lobby/cmd/status", "status",
                "{\"request_id\":\"g-1\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("facegate/gw1/reply/g-1", viaGroup.topic(), "replies always come from the gateway's own topic");
        assertEquals("online", viaGroup.reply().getAsJsonObject("result").get("state").getAsString());
    }

    /** A bounded fuzz run; the benchmark-sized one (>= 5,000 through a real broker) is an integration test. */
    @Test
    void randomAndMutatedPayloadsAlwaysGetOneReplyAndChangeNothing() throws IOException {
        Random rnd = new Random(11);
        String img = jpegBase64(16, 16);
        List<String> seeds = List.of("{\"request_id\":\"s\",\"name\":\"fuzz\",\"images\":[\"" + img + "\"]}",
                "{\"request_id\":\"s\",\"image\":\"" + img + "\"}", "{\"request_id\":\"s\",\"name\":\"a\",\"new_name\":\"b\"}",
                "{\"request_id\":\"s\",\"values\":{\"detect.min_face_size\":4}}", "{\"request_id\":\"s\",\"keys\":[]}");
        List<String> commands = new ArrayList<>(CommandHandlers.COMMANDS);
        Map<String, Integer> codes = new TreeMap<>();
        // what the accepted requests should have done: rejected ones must leave no trace
        Map<String, Integer> expectedPeople = new TreeMap<>();
        Map<String, Object> expectedSettings = new TreeMap<>(ops.settings);
        for (int i = 0; i < 2000; i++) {
            byte[] payload = i % 4 == 0 ? randomBytes(rnd) : mutate(seeds.get(rnd.nextInt(seeds.size())), rnd, i);
            String command = commands.get(rnd.nextInt(commands.size()));
            Sent r = send("facegate/gw1/cmd/" + command, command, payload);
            int code = r.reply().get("code").getAsInt();
            codes.merge(Integer.toString(code), 1, Integer::sum);
            if (code >= 500) {
                throw new AssertionError("server error for " + new String(payload, StandardCharsets.UTF_8) + ": "
                        + r.reply());
            }
            if (code == 200 && r.reply().get("result").isJsonObject()) {
                JsonObject res = r.reply().getAsJsonObject("result");
                // a mutated request id may repeat an earlier one: then the earlier reply comes back, as it should
                switch (r.reply().get("command").getAsString()) {
                    case "enroll" -> expectedPeople.merge(res.get("name").getAsString(),
                            res.get("enrolled").getAsInt(), Integer::sum);
                    case "forget" -> expectedPeople.remove(res.get("name").getAsString());
                    case "rename" -> expectedPeople.put(res.get("name").getAsString(),
                            expectedPeople.remove(res.get("previous_name").getAsString()));
                    case "config/set" -> res.getAsJsonArray("settings").forEach(x -> expectedSettings.put(
                            x.getAsJsonObject().get("key").getAsString(), x.getAsJsonObject().get("value").getAsLong()));
                    default -> { }
                }
            }
        }
        assertEquals(expectedPeople, ops.people, "only accepted requests changed the gallery; codes " + codes);
        assertEquals(expectedSettings, ops.settings, "only accepted requests changed the settings");
        assertTrue(codes.getOrDefault("400", 0) > 1000, codes.toString());
    }

    private static byte[] randomBytes(Random rnd) {
        byte[] b = new byte[rnd.nextInt(200)];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] mutate(String seed, Random rnd, int i) {
        StringBuilder sb = new StringBuilder(seed.replace("\"s\"", "\"f" + i + "\""));
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && sb.length() > 0; e++) {
            int at = rnd.nextInt(sb.length());
            switch (rnd.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, "\"{}[],:0-eE\\ \u0000\u00e9".charAt(rnd.nextInt(15)));
                case 2 -> sb.setCharAt(at, (char) (32 + rnd.nextInt(95)));
                default -> sb.setLength(at);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
