package io.facegate.push;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.facegate.deploy.manifest.Gateway;
import io.facegate.deploy.manifest.Manifest;
import io.facegate.deploy.manifest.ManifestVerifier;
import io.facegate.deploy.manifest.ReleaseLedger;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.TrustedKeys;
import io.facegate.deploy.manifest.VerificationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The gateway's side of {@code deploy/*} over a real broker, as docs/deploy.md specifies it and the agent does it:
 * subscribed to its own and its groups' command topics, replies on {@code <p>/<gw>/reply/<id>} (a request id seen
 * before gets its stored reply), the envelope checked with the real verifier on chunk 0, chunks in order (a retried
 * one answered with the job as it stands, one ahead a 409), progress notices at every state change. Faults are
 * injected per chunk: a request lost on the way, a reply lost on the way back. An install with a {@code url}
 * records the URL and "downloads" the manifest's size in two notices; {@code deploy/uninstall} removes a bundle of
 * {@link #installed}, refusing one that is not there at that version (404) or that others import from (409).
 */
final class FakeGateway implements AutoCloseable {
    /** One command as it arrived: the topic and, for install, the chunk. */
    record Received(String topic, String command, int chunk) {
    }

    private static final String PREFIX = "facegate";

    private final String id;
    private final List<String> groups;
    private final TrustedKeys keys;
    private final MqttClient client;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final Map<String, JsonObject> answered = new HashMap<>();
    private final List<Received> received = new ArrayList<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<String> urls = new ArrayList<>();
    private final Map<String, String> installed = new HashMap<>();
    private final Map<String, String> importers = new HashMap<>();
    private Integer dropRequest;
    private Integer loseReply;
    private String endState = "done";
    private String endReason;
    private String envelope;
    private Manifest manifest;
    private JsonObject job;
    /** Bytes a URL job has downloaded, or {@code null} for a job of chunks. */
    private Long fetched;

    FakeGateway(String broker, String id, List<String> groups, Path trustDir) throws IOException, MqttException {
        this.id = id;
        this.groups = groups;
        this.keys = TrustedKeys.load(trustDir, List.of());
        client = new MqttClient(broker, "fake-" + id, new MemoryPersistence());
    }

    /** Connects and subscribes (Paho's connect takes a few hundred ms: tests start their gateways together). */
    void start() throws MqttException {
        for (int attempt = 1; ; attempt++) {
            try {
                connect();
                return;
            } catch (MqttException e) {
                // Moquette 0.17 now and then drops a connection whose SUBSCRIBE follows the CONNACK too closely
                // (its session still CONNECTING): the harness tries again, the code under test is not involved
                if (attempt == 3) {
                    throw e;
                }
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 200);
                }
            }
        }
    }

    private void connect() throws MqttException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        client.connect(o);
        // handled on a worker of its own, as the gateway's dispatcher does: never publish on Paho's thread
        client.subscribe(PREFIX + "/" + id + "/cmd/#", 1, (t, m) -> worker.execute(() -> handle(t, m.getPayload())));
        for (String g : groups) {
            client.subscribe(PREFIX + "/group/" + g + "/cmd/#", 1,
                    (t, m) -> worker.execute(() -> handle(t, m.getPayload())));
        }
    }

    boolean started() {
        return client.isConnected();
    }

    /** The first {@code deploy/install} of this chunk is lost before it reaches the gateway. */
    FakeGateway dropRequestOnce(int chunk) {
        dropRequest = chunk;
        return this;
    }

    /** The first {@code deploy/install} of this chunk is taken, and its reply lost. */
    FakeGateway loseReplyOnce(int chunk) {
        loseReply = chunk;
        return this;
    }

    /** The health check ends the job so (default {@code done}). */
    FakeGateway endsAs(String state, String reason) {
        endState = state;
        endReason = reason;
        return this;
    }

    /** As if an earlier run had sent the first {@code part} bytes ({@code chunks} chunks) of job {@code jobId}. */
    synchronized FakeGateway holding(String jobId, Path envelopeFile, byte[] part, int chunks)
            throws IOException, VerificationException {
        byte[] json = Files.readAllBytes(envelopeFile);
        envelope = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).toString();
        manifest = Manifest.parse(SignedManifest.parse(json).manifestBytes());
        bytes.writeBytes(part);
        job = job(jobId, "receiving", null, chunks);
        return this;
    }

    /** The bundle {@code name} runs here at {@code version}. */
    synchronized FakeGateway installed(String name, String version) {
        installed.put(name, version);
        return this;
    }

    /** {@code name} is imported from by {@code importer}: removing it would strand that one. */
    synchronized FakeGateway importedBy(String name, String importer) {
        importers.put(name, importer);
        return this;
    }

    synchronized boolean has(String name) {
        return installed.containsKey(name);
    }

    /** @return the URLs of the installs it was asked to download, in order */
    synchronized List<String> urls() {
        return List.copyOf(urls);
    }

    String id() {
        return id;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** @return the chunks it took into the artifact, in order */
    synchronized byte[] artifact() {
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 10); // nothing left to deliver
            }
            client.close();
        } catch (MqttException e) {
            // the broker goes too
        }
    }

    private synchronized void handle(String topic, byte[] payload) {
        JsonObject request = JsonParser.parseString(new String(payload, StandardCharsets.UTF_8)).getAsJsonObject();
        String command = topic.substring(topic.indexOf("/cmd/") + 5);
        int chunk = request.has("chunk") ? request.get("chunk").getAsInt() : -1;
        received.add(new Received(topic, command, chunk));
        if (command.equals("deploy/install") && dropRequest != null && dropRequest == chunk) {
            dropRequest = null;
            return;
        }
        String requestId = request.get("request_id").getAsString();
        JsonObject reply = answered.get(requestId);
        if (reply == null) {
            reply = execute(command, request);
            answered.put(requestId, reply);
            if (command.equals("deploy/install") && loseReply != null && loseReply == chunk) {
                loseReply = null;
                return;
            }
        }
        publish(PREFIX + "/" + id + "/reply/" + requestId, reply);
    }

    private JsonObject execute(String command, JsonObject request) {
        String jobId = request.get("job_id").getAsString();
        if (job != null && !command.equals("deploy/status") && !job.get("job_id").getAsString().equals(jobId)) {
            job = null; // one job at a time is enough here: a new one replaces the last
            bytes.reset();
            fetched = null;
        }
        JsonObject reply = switch (command) {
            case "deploy/status" -> job != null && job.get("job_id").getAsString().equals(jobId)
                    ? reply(200, "ok", job) : reply(404, "no job " + jobId, null);
            case "deploy/install" -> request.has("url") ? fetch(jobId, request) : install(jobId, request);
            case "deploy/rollback" -> rollback(jobId, request);
            case "deploy/uninstall" -> uninstall(jobId, request);
            default -> reply(404, "unknown command '" + command + "'", null);
        };
        reply.addProperty("request_id", request.get("request_id").getAsString());
        reply.addProperty("command", command);
        return reply;
    }

    private JsonObject install(String jobId, JsonObject request) {
        String env = request.get("envelope").toString();
        int index = request.get("chunk").getAsInt();
        int count = request.get("chunks").getAsInt();
        if (job == null) {
            if (index != 0) {
                return reply(404, "no job " + jobId + ": a transfer starts with chunk 0", null);
            }
            JsonObject refused = verify(env);
            if (refused != null) {
                return refused;
            }
            job = job(jobId, "receiving", null, 0);
        } else if (!env.equals(envelope)) {
            return reply(409, "job " + jobId + " is another artifact's; use a new job_id", null);
        } else if (fetched != null) {
            return reply(409, "job " + jobId + " downloads its artifact from a URL; it takes no chunks", null);
        }
        int next = job.get("next_chunk").getAsInt();
        if (!job.get("state").getAsString().equals("receiving") || index < next) {
            return reply(200, "ok", job); // a retried chunk: the job as it stands
        }
        if (index > next) {
            return reply(409, "job " + jobId + " expects chunk " + next + ", got " + index, null);
        }
        bytes.writeBytes(Base64.getDecoder().decode(request.get("data").getAsString()));
        if (index + 1 < count) {
            state(job(jobId, "receiving", null, index + 1));
        } else if (bytes.size() == manifest.size() && sha256(bytes.toByteArray()).equals(manifest.sha256())) {
            state(job(jobId, "verified", null, count));
            worker.execute(this::installAndCheck);
        } else {
            state(job(jobId, "failed", "hash_mismatch: not the manifest's artifact", count));
        }
        return reply(200, "ok", job);
    }

    private JsonObject fetch(String jobId, JsonObject request) {
        String env = request.get("envelope").toString();
        if (job != null) {
            return env.equals(envelope) ? reply(200, "ok", job) // a retried request: the download runs, or ran
                    : reply(409, "job " + jobId + " is another artifact's; use a new job_id", null);
        }
        JsonObject refused = verify(env);
        if (refused != null) {
            return refused;
        }
        if (manifest.rollback() || manifest.uninstall()) {
            return reply(400, "a rollback or uninstall manifest goes with its own command", null);
        }
        urls.add(request.get("url").getAsString());
        fetched = 0L;
        job = job(jobId, "receiving", null, 0);
        worker.execute(this::download);
        return reply(200, "ok", job);
    }

    /** As the agent's download thread: a notice per part, then the checks of a job of chunks. */
    private synchronized void download() {
        String jobId = job.get("job_id").getAsString();
        fetched = manifest.size() / 2;
        state(job(jobId, "receiving", null, 0));
        if (endReason != null && endReason.startsWith("fetch:")) {
            state(job(jobId, endState, endReason, 0)); // the download gave up: nothing was installed
            return;
        }
        fetched = manifest.size();
        state(job(jobId, "receiving", null, 0));
        state(job(jobId, "verified", null, 0));
        installAndCheck();
    }

    private JsonObject uninstall(String jobId, JsonObject request) {
        String env = request.get("envelope").toString();
        if (job != null) {
            return env.equals(envelope) ? reply(200, "ok", job)
                    : reply(409, "job " + jobId + " is another artifact's; use a new job_id", null);
        }
        JsonObject refused = verify(env);
        if (refused != null) {
            return refused;
        }
        if (!manifest.uninstall()) {
            return reply(400, "deploy/uninstall takes a manifest with \"uninstall\": true", null);
        }
        if (!manifest.version().equals(installed.get(manifest.name()))) {
            return reply(404, "no bundle " + manifest.name() + " " + manifest.version(), null);
        }
        if (importers.containsKey(manifest.name())) {
            return reply(409, "removing " + manifest.name() + " would leave bundles unresolved ("
                    + importers.get(manifest.name()) + " imports from it); remove those first", null);
        }
        state(job(jobId, "verified", null, 0));
        worker.execute(this::installAndCheck);
        return reply(200, "ok", job);
    }

    private JsonObject rollback(String jobId, JsonObject request) {
        if (job != null) {
            return reply(200, "ok", job);
        }
        JsonObject refused = verify(request.get("envelope").toString());
        if (refused != null) {
            return refused;
        }
        state(job(jobId, "verified", null, 0));
        worker.execute(this::installAndCheck);
        return reply(200, "ok", job);
    }

    private JsonObject verify(String env) {
        try {
            manifest = new ManifestVerifier(keys).verify(env.getBytes(StandardCharsets.UTF_8), Gateway.of(id, groups),
                    ReleaseLedger.inMemory());
            envelope = env;
            return null;
        } catch (VerificationException e) {
            return reply(403, e.reason().code() + ": " + e.getMessage(), null);
        }
    }

    /** After the reply: as the agent's worker does, notices only. */
    private synchronized void installAndCheck() {
        String jobId = job.get("job_id").getAsString();
        int next = job.get("next_chunk").getAsInt();
        state(job(jobId, "installing", null, next));
        state(job(jobId, "health_checking", null, next));
        state(job(jobId, endState, endReason, next));
        if (manifest.uninstall() && endState.equals("done")) {
            installed.remove(manifest.name());
        }
    }

    private void state(JsonObject j) {
        job = j;
        publish(PREFIX + "/" + id + "/notify/deploy/" + j.get("job_id").getAsString(), j);
    }

    private JsonObject job(String jobId, String state, String reason, int nextChunk) {
        JsonObject o = new JsonObject();
        o.addProperty("job_id", jobId);
        o.addProperty("name", manifest.name());
        o.addProperty("version", manifest.version());
        o.addProperty("kind", manifest.kind().code());
        o.addProperty("release", manifest.release());
        o.addProperty("state", state);
        o.add("reason", reason == null ? JsonNull.INSTANCE : new JsonPrimitive(reason));
        o.addProperty("received", manifest.rollback() ? manifest.size() : fetched != null ? fetched : bytes.size());
        o.addProperty("size", manifest.size());
        o.addProperty("next_chunk", nextChunk);
        o.addProperty("updated", Instant.now().toString());
        return o;
    }

    private JsonObject reply(int code, String message, JsonObject result) {
        JsonObject o = new JsonObject();
        o.addProperty("gateway", id);
        o.addProperty("status", code == 200 ? "ok" : "error");
        o.addProperty("code", code);
        o.addProperty("message", message);
        o.add("result", result == null ? JsonNull.INSTANCE : result.deepCopy());
        return o;
    }

    private void publish(String topic, JsonObject message) {
        try {
            client.publish(topic, message.toString().getBytes(StandardCharsets.UTF_8), 1, false);
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
