package io.facegate.push;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.facegate.deploy.manifest.SignedManifest;
import io.facegate.deploy.manifest.Target;
import io.facegate.deploy.manifest.VerificationException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * {@code push}: sends an artifact with its signed envelope to one gateway over MQTT ({@code deploy/install}, one
 * chunk per request, each answered before the next), resumes where the gateway says after a refused chunk, shows
 * a progress bar, and waits for the gateway's final report. Exit 0 only when the job ends {@code done}. With
 * {@code --group} instead of {@code --gateway} it goes to every member of a group ({@link GroupPush}); with
 * {@code --url} the gateways download the artifact themselves ({@link RequestCommand#fetch}). Also the option
 * helpers that {@code rollback} and {@code uninstall} share.
 */
final class Push {
    private static final int DEFAULT_CHUNK_KIB = 256;
    private static final Set<String> CONNECTION = Set.of("--broker", "--user", "--password-file", "--gateway",
            "--prefix", "--job", "--timeout-s");
    /** Options of a group run only (push, rollback, uninstall). */
    private static final Set<String> GROUP = Set.of("--group", "--members", "--expect", "--roll-call-s", "--reply-s",
            "--retries");
    /** The options of {@code rollback} and {@code uninstall}. */
    static final Set<String> REQUEST_OPTIONS = union(CONNECTION, GROUP);

    private Push() {
    }

    static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
        Args a = Args.parse(argv, union(REQUEST_OPTIONS, Set.of("--envelope", "--chunk-kib", "--url")), Set.of());
        if (a.get("--url") != null) {
            return RequestCommand.fetch(a, out, err);
        }
        Path artifact = Path.of(a.operands(1, "one ARTIFACT").get(0));
        String broker = a.required("--broker");
        Path envelopeFile = a.get("--envelope") != null ? Path.of(a.get("--envelope"))
                : artifact.resolveSibling(artifact.getFileName() + ".signed.json");
        int chunkBytes = positive(a, "--chunk-kib", DEFAULT_CHUNK_KIB) * 1024;
        String group = group(a);
        if (group != null) {
            return GroupPush.push(a, broker, group, artifact, envelopeFile, chunkBytes, out, err);
        }
        String gateway = a.get("--gateway");
        String job = jobId(a, "push-");
        long timeoutMs = timeoutMs(a);
        EnvelopeCheck.check(envelopeFile, EnvelopeCheck.Use.INSTALL, gateway, null);
        byte[] jar = Files.readAllBytes(artifact);
        JsonElement envelope = readEnvelope(envelopeFile);
        try (GatewaySession session = GatewaySession.open(a, broker, base(a, gateway), job)) {
            int chunks = Math.max(1, (jar.length + chunkBytes - 1) / chunkBytes);
            int next = 0;
            JsonObject last = null;
            while (next < chunks) {
                JsonObject r = new JsonObject();
                r.add("envelope", envelope);
                r.addProperty("chunk", next);
                r.addProperty("chunks", chunks);
                int from = next * chunkBytes;
                byte[] part = Arrays.copyOfRange(jar, from, Math.min(jar.length, from + chunkBytes));
                r.addProperty("data", Base64.getEncoder().encodeToString(part));
                JsonObject reply = session.request("install", r, timeoutMs);
                if (reply == null || reply.get("code").getAsInt() != 200) {
                    err.println();
                    return refused(reply, gateway, code -> code == 403, out, err);
                }
                last = reply.getAsJsonObject("result");
                next = last.get("next_chunk").getAsInt(); // the gateway says where to go on (resumes, retries)
                progress(err, last.get("received").getAsLong(), jar.length);
                if (!"receiving".equals(last.get("state").getAsString())) {
                    break;
                }
            }
            err.println();
            err.println("sent " + session.sentBytes() + " bytes of MQTT payload in " + session.requests()
                    + " install requests for " + jar.length + " artifact bytes");
            return report(session.awaitEnd(last, timeoutMs), out);
        } catch (MqttException e) {
            err.println();
            err.println("error: MQTT " + e.getMessage() + " (" + e.getReasonCode() + ")");
            return PushCli.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PushCli.FAILED;
        }
    }

    /**
     * A missing or refusing reply: says why.
     *
     * @param refusal the codes that are the gateway's final no (exit 2, see {@link Delivery#refuses(int)}); any
     *                other is a failure (exit 1)
     */
    static int refused(JsonObject reply, String gateway, IntPredicate refusal, PrintStream out, PrintStream err) {
        if (reply == null) {
            err.println("error: no reply from " + gateway + " within the timeout");
            return PushCli.FAILED;
        }
        int code = reply.get("code").getAsInt();
        out.println(code + " " + reply.get("message").getAsString());
        return refusal.test(code) ? PushCli.REJECTED : PushCli.FAILED;
    }

    /** Prints the gateway's final report of the job; exit 0 only for {@code done}. */
    static int report(JsonObject end, PrintStream out) {
        out.println(end);
        return "done".equals(end.get("state").getAsString()) ? PushCli.OK : PushCli.REJECTED;
    }

    /**
     * @return the group of {@code --group}, or {@code null} for one gateway, {@code --gateway}
     * @throws UsageException unless exactly one of them is given, or on a group option with {@code --gateway}
     */
    static String group(Args a) throws UsageException {
        String gateway = a.get("--gateway");
        String group = a.get("--group");
        if ((gateway == null) == (group == null)) {
            throw new UsageException("give exactly one of --gateway ID or --group G");
        }
        try {
            if (gateway != null) {
                Target.gateway(gateway);
            } else {
                Target.group(group);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException((gateway != null ? "--gateway" : "--group")
                    + " must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        if (gateway != null) {
            for (String o : GROUP) {
                if (a.get(o) != null) {
                    throw new UsageException(o + " goes with --group");
                }
            }
        }
        return group;
    }

    /** @return the envelope as JSON, once it parsed as an envelope: a broken one is refused here, not remotely */
    static JsonElement readEnvelope(Path file) throws IOException {
        try {
            SignedManifest.parse(Files.readAllBytes(file));
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (VerificationException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    private static String base(Args a, String gateway) {
        return prefix(a) + "/" + gateway;
    }

    /** @return the topic prefix, {@code --prefix} or {@code facegate} */
    static String prefix(Args a) {
        return a.get("--prefix") == null ? "facegate" : a.get("--prefix");
    }

    static String jobId(Args a, String prefix) {
        return a.get("--job") != null ? a.get("--job") : prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    static long timeoutMs(Args a) throws UsageException {
        return TimeUnit.SECONDS.toMillis(positive(a, "--timeout-s", 600));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    static void progress(PrintStream err, long received, long size) {
        int width = 40;
        int filled = size == 0 ? width : (int) (width * received / size);
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + received + "/" + size + " bytes");
        err.flush();
    }

    static int positive(Args a, String option, int fallback) throws UsageException {
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

    /** @return a whole number >= 0 of {@code option}, or {@code fallback} */
    static int count(Args a, String option, int fallback) throws UsageException {
        String v = a.get(option);
        try {
            int n = v == null ? fallback : Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new UsageException(option + " must be a whole number >= 0");
    }

    /** @return seconds of {@code option}, fractions allowed (0.5), as milliseconds; {@code fallback} s if absent */
    static long millis(Args a, String option, long fallbackSeconds) throws UsageException {
        String v = a.get(option);
        if (v == null) {
            return TimeUnit.SECONDS.toMillis(fallbackSeconds);
        }
        try {
            double s = Double.parseDouble(v);
            if (s >= 0.001 && s <= 86_400) {
                return Math.round(s * 1000);
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new UsageException(option + " must be a number of seconds, 0.001 to 86400");
    }
}
