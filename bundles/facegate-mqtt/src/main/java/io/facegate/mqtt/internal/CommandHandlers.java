package io.facegate.mqtt.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.facegate.api.BoundingBox;
import io.facegate.api.ModelInfo;
import io.facegate.api.PersonSummary;
import io.facegate.api.RecognizedFace;
import io.facegate.api.operations.EnrollResult;
import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.IdentifyResult;
import io.facegate.api.operations.ModelSummary;
import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Photo;
import io.facegate.api.operations.PhotoResult;
import io.facegate.api.operations.Setting;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The MQTT commands: each one reads its request fields, calls {@link GatewayOperations} (the service the console
 * calls too) and writes its result as JSON. Request and result layouts are specified in {@code docs/mqtt.md}.
 * Pure request-to-reply logic, no MQTT and no threads, so it is tested directly.
 */
final class CommandHandlers {
    /** The commands, as the last levels of {@code <prefix>/<gateway>/cmd/<command>}. */
    static final Set<String> COMMANDS = Set.of("people", "enroll", "forget", "rename", "identify", "status", "models",
            "config/get", "config/set");
    /** Longest person name accepted here (the gallery has its own, stricter rules). */
    private static final int MAX_NAME_CHARS = 256;

    private final Supplier<GatewayOperations> operations;
    private final Supplier<JsonObject> status;
    private final DeployCommands deploy;

    /**
     * Without the {@code deploy/*} commands (they answer 503).
     *
     * @param operations the operations service, or a supplier of {@code null} while it is missing (503)
     * @param status     the current status document (the retained status payload)
     */
    CommandHandlers(Supplier<GatewayOperations> operations, Supplier<JsonObject> status) {
        this(operations, status, new DeployCommands(() -> null, "none", List.of()));
    }

    /**
     * @param operations the operations service, or a supplier of {@code null} while it is missing (503)
     * @param status     the current status document (the retained status payload)
     * @param deploy     the {@code deploy/*} commands
     */
    CommandHandlers(Supplier<GatewayOperations> operations, Supplier<JsonObject> status, DeployCommands deploy) {
        this.operations = operations;
        this.status = status;
        this.deploy = deploy;
    }

    /**
     * @param command the command name
     * @param request the request object (already known to be a JSON object)
     * @return the reply; never throws
     */
    CommandReply handle(String command, JsonObject request) {
        try {
            return switch (command) {
                case "status" -> CommandReply.ok(status.get());
                case "people" -> people();
                case "enroll" -> enroll(request);
                case "forget" -> forget(request);
                case "rename" -> rename(request);
                case "identify" -> identify(request);
                case "models" -> models();
                case "config/get" -> configGet(request);
                case "config/set" -> configSet(request);
                case "deploy/list", "deploy/install", "deploy/uninstall", "deploy/rollback", "deploy/status" ->
                        deploy.handle(command, request);
                default -> {
                    Set<String> all = new TreeSet<>(COMMANDS);
                    all.addAll(DeployCommands.COMMANDS);
                    yield CommandReply.error(404, "unknown command '" + command + "'; commands: " + all);
                }
            };
        } catch (BadRequest e) {
            return CommandReply.error(400, e.getMessage());
        } catch (OperationException e) {
            return CommandReply.error(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            return CommandReply.error(500, "internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private GatewayOperations ops() throws OperationException {
        GatewayOperations o = operations.get();
        if (o == null) {
            throw new OperationException(503, "the operations service is not available (yet)");
        }
        return o;
    }

    private CommandReply people() throws OperationException {
        JsonArray people = new JsonArray();
        for (PersonSummary p : ops().people()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", p.name());
            o.addProperty("photos", p.photos());
            JsonObject emb = new JsonObject();
            new java.util.TreeMap<>(p.embeddings()).forEach(emb::addProperty);
            o.add("embeddings", emb);
            people.add(o);
        }
        JsonObject result = new JsonObject();
        result.add("people", people);
        return CommandReply.ok(result);
    }

    private CommandReply enroll(JsonObject request) throws OperationException {
        String name = Fields.string(request, "name", MAX_NAME_CHARS);
        JsonArray images = Fields.array(request, "images");
        if (images.isEmpty()) {
            throw new BadRequest("images must hold 1 or more base64-encoded JPEG or PNG images");
        }
        List<Photo> photos = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            photos.add(new Photo("images[" + i + "]", Fields.base64(images.get(i), "images[" + i + "]")));
        }
        EnrollResult r = ops().enroll(name, photos);
        JsonObject result = new JsonObject();
        result.addProperty("name", r.name());
        result.addProperty("enrolled", r.enrolled());
        JsonArray list = new JsonArray();
        for (PhotoResult p : r.photos()) {
            JsonObject o = new JsonObject();
            o.addProperty("photo", p.label());
            o.addProperty("enrolled", p.enrolled());
            o.addProperty("faces", p.faces());
            o.add("problem", p.problem() == null ? JsonNull.INSTANCE : new JsonPrimitive(p.problem()));
            list.add(o);
        }
        result.add("photos", list);
        return CommandReply.ok(result);
    }

    private CommandReply forget(JsonObject request) throws OperationException {
        String name = Fields.string(request, "name", MAX_NAME_CHARS);
        ops().forget(name);
        JsonObject result = new JsonObject();
        result.addProperty("name", name);
        return new CommandReply(200, "forgot " + name, result);
    }

    private CommandReply rename(JsonObject request) throws OperationException {
        String from = Fields.string(request, "name", MAX_NAME_CHARS);
        String to = Fields.string(request, "new_name", MAX_NAME_CHARS);
        ops().rename(from, to);
        JsonObject result = new JsonObject();
        result.addProperty("name", to);
        result.addProperty("previous_name", from);
        return new CommandReply(200, "renamed " + from + " to " + to, result);
    }

    private CommandReply identify(JsonObject request) throws OperationException {
        byte[] image = Fields.base64(Fields.required(request, "image"), "image");
        IdentifyResult r = ops().identify(new Photo("image", image));
        JsonObject result = new JsonObject();
        result.addProperty("model", r.model());
        result.addProperty("width", r.width());
        result.addProperty("height", r.height());
        JsonArray faces = new JsonArray();
        for (RecognizedFace f : r.faces()) {
            JsonObject o = new JsonObject();
            BoundingBox b = f.face().box();
            JsonObject box = new JsonObject();
            box.add("x", number(b.x()));
            box.add("y", number(b.y()));
            box.add("width", number(b.width()));
            box.add("height", number(b.height()));
            o.add("box", box);
            o.add("score", number(f.face().score()));
            o.add("identity", f.identity().known() ? new JsonPrimitive(f.identity().name()) : JsonNull.INSTANCE);
            o.addProperty("known", f.identity().known());
            o.add("similarity", number(f.identity().similarity()));
            o.add("threshold", number(f.identity().threshold()));
            faces.add(o);
        }
        result.add("faces", faces);
        return CommandReply.ok(result);
    }

    private CommandReply models() throws OperationException {
        JsonArray models = new JsonArray();
        for (ModelSummary m : ops().models()) {
            ModelInfo info = m.model();
            JsonObject o = new JsonObject();
            o.addProperty("id", info.id());
            o.addProperty("version", info.version());
            o.addProperty("key", info.key());
            o.addProperty("input_size", info.inputSize());
            o.addProperty("embedding_size", info.embeddingSize());
            o.add("threshold", number(info.recommendedThreshold()));
            o.addProperty("ranking", m.ranking());
            o.addProperty("bundle", m.bundle());
            o.addProperty("active", m.active());
            models.add(o);
        }
        JsonObject result = new JsonObject();
        result.add("models", models);
        return CommandReply.ok(result);
    }

    private CommandReply configGet(JsonObject request) throws OperationException {
        Set<String> keys = null;
        if (request.has("keys")) {
            keys = new TreeSet<>();
            JsonArray a = Fields.array(request, "keys");
            for (int i = 0; i < a.size(); i++) {
                keys.add(Fields.string(a.get(i), "keys[" + i + "]", 200));
            }
        }
        List<Setting> all = ops().settings();
        if (keys != null) {
            Set<String> known = new TreeSet<>();
            all.forEach(s -> known.add(s.key()));
            for (String k : keys) {
                if (!known.contains(k)) {
                    throw new BadRequest("unknown setting '" + k + "'; settings: " + known);
                }
            }
        }
        return CommandReply.ok(settings(all, keys));
    }

    private CommandReply configSet(JsonObject request) throws OperationException {
        JsonObject values = Fields.object(request, "values");
        if (values.size() == 0) {
            throw new BadRequest("values must name at least one setting");
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : values.entrySet()) {
            changes.put(e.getKey(), Fields.scalar(e.getValue(), "values." + e.getKey()));
        }
        List<Setting> after = ops().configure(changes);
        return new CommandReply(200, "applied " + changes.keySet(), settings(after, changes.keySet()));
    }

    private static JsonObject settings(List<Setting> settings, Set<String> only) {
        JsonArray list = new JsonArray();
        for (Setting s : settings) {
            if (only != null && !only.contains(s.key())) {
                continue;
            }
            JsonObject o = new JsonObject();
            o.addProperty("key", s.key());
            o.addProperty("type", s.type());
            o.add("value", value(s.value()));
            o.addProperty("description", s.description());
            list.add(o);
        }
        JsonObject result = new JsonObject();
        result.add("settings", list);
        return result;
    }

    private static JsonElement value(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (v instanceof Float f) {
            return number(f);
        }
        if (v instanceof Number n) {
            return new JsonPrimitive(n);
        }
        if (v instanceof String[] a) {
            JsonArray arr = new JsonArray();
            for (String s : a) {
                arr.add(s);
            }
            return arr;
        }
        return new JsonPrimitive(v.toString());
    }

    /** A float as its shortest decimal form (0.44, not 0.4399999976158142); NaN and infinities as null. */
    static JsonElement number(float f) {
        if (!Float.isFinite(f)) {
            return JsonNull.INSTANCE;
        }
        return new JsonPrimitive(new BigDecimal(Float.toString(f)));
    }

    /** Typed access to request fields; every failure is a {@link BadRequest} naming the field. */
    static final class Fields {
        private Fields() {
        }

        static JsonElement required(JsonObject o, String key) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                throw new BadRequest("missing field '" + key + "'");
            }
            return e;
        }

        static String string(JsonObject o, String key, int maxChars) {
            return string(required(o, key), key, maxChars);
        }

        static String string(JsonElement e, String key, int maxChars) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new BadRequest(key + " must be a string");
            }
            String s = e.getAsString();
            if (s.length() > maxChars) {
                throw new BadRequest(key + " is longer than " + maxChars + " characters");
            }
            return s;
        }

        static JsonArray array(JsonObject o, String key) {
            JsonElement e = required(o, key);
            if (!e.isJsonArray()) {
                throw new BadRequest(key + " must be an array");
            }
            return e.getAsJsonArray();
        }

        static JsonObject object(JsonObject o, String key) {
            JsonElement e = required(o, key);
            if (!e.isJsonObject()) {
                throw new BadRequest(key + " must be an object");
            }
            return e.getAsJsonObject();
        }

        /** A base64 string (standard alphabet, padding optional, a {@code data:image/...;base64,} prefix allowed). */
        static byte[] base64(JsonElement e, String key) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new BadRequest(key + " must be a base64-encoded image (a string)");
            }
            String s = e.getAsString();
            if (s.startsWith("data:")) {
                int comma = s.indexOf(',');
                if (comma < 0 || !s.substring(0, comma).endsWith(";base64")) {
                    throw new BadRequest(key + ": a data: URL must be base64 (data:image/jpeg;base64,...)");
                }
                s = s.substring(comma + 1);
            }
            try {
                byte[] b = Base64.getDecoder().decode(s);
                if (b.length == 0) {
                    throw new BadRequest(key + " is empty");
                }
                return b;
            } catch (IllegalArgumentException ex) {
                throw new BadRequest(key + " is not valid base64: " + ex.getMessage());
            }
        }

        /** A string, number or boolean value of a setting. */
        static Object scalar(JsonElement e, String key) {
            if (e.isJsonPrimitive()) {
                JsonPrimitive p = e.getAsJsonPrimitive();
                if (p.isBoolean()) {
                    return p.getAsBoolean();
                }
                if (p.isString()) {
                    return p.getAsString();
                }
                try {
                    BigDecimal d = p.getAsBigDecimal();
                    if (d.precision() - d.scale() > 19) {
                        throw new BadRequest(key + " is out of range");
                    }
                    return d.stripTrailingZeros().scale() <= 0 ? (Object) d.longValueExact() : (Object) d.doubleValue();
                } catch (ArithmeticException | NumberFormatException tooLarge) {
                    // 1e999999999 and the like: no setting takes such a number
                    throw new BadRequest(key + " is out of range");
                }
            }
            throw new BadRequest(key + " must be a string, a number or a boolean");
        }
    }
}
