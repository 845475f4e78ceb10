package io.facegate.push;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.VerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * {@code push}: sends an artifact with its signed envelope to one gateway over MQTT ({@code deploy/install}, one
 * chunk per request, each answered before the next), resumes where the gateway says after a refused chunk, shows
 * a progress bar, and waits for the gateway's final report. Exit 0 only when the job ends {@code done}.
 */
final class Push {
    private static final int DEFAULT_CHUNK_KIB = 256;

    private Push() {
    }

    static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
        Args a = Args.parse(argv, Set.of("--broker", "--user", "--password-file", "--gateway", "--prefix",
                "--envelope", "--job", "--chunk-kib", "--timeout-s"), Set.of());
        Path artifact = Path.of(a.operands(1, "one ARTIFACT").get(0));
        String broker = a.required("--broker");
        String gateway = a.required("--gateway");
        String prefix = a.get("--prefix") == null ? "facegate" : a.get("--prefix");
        Path envelopeFile = a.get("--envelope") != null ? Path.of(a.get("--envelope"))
                : artifact.resolveSibling(artifact.getFileName() + ".signed.json");
        String job = a.get("--job") != null ? a.get("--job") : "push-" + UUID.randomUUID().toString().substring(0, 8);
        int chunkBytes = positive(a, "--chunk-kib", DEFAULT_CHUNK_KIB) * 1024;
        long timeoutMs = TimeUnit.SECONDS.toMillis(positive(a, "--timeout-s", 600));
        byte[] jar = Files.readAllBytes(artifact);
        JsonElement envelope = readEnvelope(envelopeFile);
        MqttConnectOptions o = options(a);
        String base = prefix + "/" + gateway;
        BlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
        BlockingQueue<JsonObject> notes = new LinkedBlockingQueue<>();
        MqttClient client = client(broker);
        try {
            client.connect(o);
            client.subscribe(base + "/reply/#", 1, (t, m) -> replies.add(parse(m.getPayload())));
            client.subscribe(base + "/notify/deploy/" + job, 1, (t, m) -> notes.add(parse(m.getPayload())));
            int chunks = Math.max(1, (jar.length + chunkBytes - 1) / chunkBytes);
            int next = 0;
            int requests = 0;
            long sent = 0;
            JsonObject last = null;
            while (next < chunks) {
                JsonObject r = new JsonObject();
                r.addProperty("request_id", job + "-" + (requests++));
                r.addProperty("job_id", job);
                r.add("envelope", envelope);
                r.addProperty("chunk", next);
                r.addProperty("chunks", chunks);
                int from = next * chunkBytes;
                byte[] part = Arrays.copyOfRange(jar, from, Math.min(jar.length, from + chunkBytes));
                r.addProperty("data", Base64.getEncoder().encodeToString(part));
                byte[] payload = r.toString().getBytes(StandardCharsets.UTF_8);
                client.publish(base + "/cmd/deploy/install", payload, 1, false);
                sent += payload.length;
                JsonObject reply = await(replies, r.get("request_id").getAsString(), timeoutMs);
                if (reply == null) {
                    err.println();
                    err.println("error: no reply from " + gateway + " within the timeout");
                    return PushCli.FAILED;
                }
                int code = reply.get("code").getAsInt();
                if (code != 200) {
                    err.println();
                    out.println(code + " " + reply.get("message").getAsString());
                    return code == 403 ? PushCli.REJECTED : PushCli.FAILED;
                }
                last = reply.getAsJsonObject("result");
                next = last.get("next_chunk").getAsInt(); // the gateway says where to go on (resumes, retries)
                progress(err, last.get("received").getAsLong(), jar.length);
                if (!"receiving".equals(last.get("state").getAsString())) {
                    break;
                }
            }
            err.println();
            err.println("sent " + sent + " bytes of MQTT payload in " + requests + " install requests for "
                    + jar.length + " artifact bytes");
            JsonObject end = finalState(client, base, job, last, notes, replies, timeoutMs, requests);
            out.println(end);
            return "done".equals(end.get("state").getAsString()) ? PushCli.OK : PushCli.REJECTED;
        } catch (MqttException e) {
            err.println();
            err.println("error: MQTT " + e.getMessage() + " (" + e.getReasonCode() + ")");
            return PushCli.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PushCli.FAILED;
        } finally {
            close(client);
        }
    }

    private static void close(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect(2000);
            }
            client.close();
        } catch (MqttException e) {
            // nothing more to free
        }
    }

    /**
     * {@code rollback}: asks the gateway to go back to an earlier release it keeps, with a rollback envelope that
     * {@code sign --rollback} wrote; no artifact is sent. Exit 0 only when the job ends {@code done}.
     */
    static int rollback(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
        Args a = Args.parse(argv, Set.of("--broker", "--user", "--password-file", "--gateway", "--prefix", "--job",
                "--timeout-s"), Set.of());
        Path envelopeFile = Path.of(a.operands(1, "one ENVELOPE").get(0));
        String broker = a.required("--broker");
        String base = (a.get("--prefix") == null ? "facegate" : a.get("--prefix")) + "/" + a.required("--gateway");
        String job = a.get("--job") != null ? a.get("--job") : "rollback-" + UUID.randomUUID().toString().substring(0, 8);
        long timeoutMs = TimeUnit.SECONDS.toMillis(positive(a, "--timeout-s", 600));
        JsonElement envelope = readEnvelope(envelopeFile);
        MqttConnectOptions o = options(a);
        BlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
        BlockingQueue<JsonObject> notes = new LinkedBlockingQueue<>();
        MqttClient client = client(broker);
        try {
            client.connect(o);
            client.subscribe(base + "/reply/#", 1, (t, m) -> replies.add(parse(m.getPayload())));
            client.subscribe(base + "/notify/deploy/" + job, 1, (t, m) -> notes.add(parse(m.getPayload())));
            JsonObject r = new JsonObject();
            r.addProperty("request_id", job + "-0");
            r.addProperty("job_id", job);
            r.add("envelope", envelope);
            client.publish(base + "/cmd/deploy/rollback", r.toString().getBytes(StandardCharsets.UTF_8), 1, false);
            JsonObject reply = await(replies, job + "-0", timeoutMs);
            if (reply == null) {
                err.println("error: no reply within the timeout");
                return PushCli.FAILED;
            }
            if (reply.get("code").getAsInt() != 200) {
                out.println(reply.get("code").getAsInt() + " " + reply.get("message").getAsString());
                return reply.get("code").getAsInt() == 403 ? PushCli.REJECTED : PushCli.FAILED;
            }
            JsonObject end = finalState(client, base, job, reply.getAsJsonObject("result"), notes, replies,
                    timeoutMs, 1);
            out.println(end);
            return "done".equals(end.get("state").getAsString()) ? PushCli.OK : PushCli.REJECTED;
        } catch (MqttException e) {
            err.println("error: MQTT " + e.getMessage() + " (" + e.getReasonCode() + ")");
            return PushCli.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PushCli.FAILED;
        } finally {
            close(client);
        }
    }

    /** @return the envelope as JSON, once it parsed as an envelope: a broken one is refused here, not remotely */
    private static JsonElement readEnvelope(Path file) throws IOException {
        try {
            SignedManifest.parse(Files.readAllBytes(file));
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (VerificationException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    private static MqttConnectOptions options(Args a) throws UsageException, IOException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        if (a.get("--user") != null) {
            o.setUserName(a.get("--user"));
            o.setPassword(password(Path.of(a.required("--password-file"))));
        }
        return o;
    }

    private static MqttClient client(String broker) throws UsageException {
        try {
            // not "facegate-...": the embedded broker keeps those client ids for the gateway
            return new MqttClient(broker, "push-" + UUID.randomUUID(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new UsageException("--broker " + broker + ": " + e.getMessage());
        }
    }

    /** Waits for the notify topic to tell the end; asks {@code deploy/status} every 5 s in case a notice is lost. */
    private static JsonObject finalState(MqttClient client, String base, String job, JsonObject last,
            BlockingQueue<JsonObject> notes, BlockingQueue<JsonObject> replies, long timeoutMs, int requests)
            throws MqttException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonObject state = last;
        while (!finished(state) && System.currentTimeMillis() < deadline) {
            JsonObject note = notes.poll(5, TimeUnit.SECONDS);
            if (note != null) {
                state = note;
                continue;
            }
            JsonObject r = new JsonObject();
            String id = job + "-" + (requests++);
            r.addProperty("request_id", id);
            r.addProperty("job_id", job);
            client.publish(base + "/cmd/deploy/status", r.toString().getBytes(StandardCharsets.UTF_8), 1, false);
            JsonObject reply = await(replies, id, 10_000);
            if (reply != null && reply.get("code").getAsInt() == 200) {
                state = reply.getAsJsonObject("result");
            }
        }
        return state;
    }

    private static boolean finished(JsonObject job) {
        String s = job.get("state").getAsString();
        return s.equals("done") || s.equals("failed") || s.equals("rolled_back");
    }

    private static JsonObject await(BlockingQueue<JsonObject> replies, String requestId, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            JsonObject r = replies.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if (r != null && r.has("request_id") && requestId.equals(r.get("request_id").getAsString())) {
                return r;
            }
        }
        return null;
    }

    private static void progress(PrintStream err, long received, long size) {
        int width = 40;
        int filled = size == 0 ? width : (int) (width * received / size);
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + received + "/" + size + " bytes");
        err.flush();
    }

    private static JsonObject parse(byte[] payload) {
        try {
            return JsonParser.parseString(new String(payload, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            JsonObject o = new JsonObject();
            o.addProperty("state", "unreadable");
            return o;
        }
    }

    /** The MQTT password, from a file only its owner can read (never from the command line). */
    private static char[] password(Path file) throws IOException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IOException(file + " is readable by group or others: chmod 600 it");
            }
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().toCharArray();
        }
    }

    private static int positive(Args a, String option, int fallback) throws UsageException {
        String v = a.get(option);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new UsageException(option + " must be a positive integer");
    }
}
