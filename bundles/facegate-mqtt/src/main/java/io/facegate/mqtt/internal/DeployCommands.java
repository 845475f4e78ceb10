package io.facegate.mqtt.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.facegate.api.deploy.ArtifactChunk;
import io.facegate.api.deploy.DeployJob;
import io.facegate.api.deploy.DeployedArtifact;
import io.facegate.api.deploy.Deployments;
import io.facegate.api.operations.OperationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code deploy/*} commands: {@code deploy/list}, {@code deploy/install} (one chunk of a signed artifact per
 * request, or the http(s) URL the gateway downloads it from), {@code deploy/uninstall} (by a signed uninstall
 * manifest), {@code deploy/rollback} (to an earlier release the gateway keeps, by a signed rollback manifest) and
 * {@code deploy/status}. They call {@link Deployments}, the deployment agent of
 * {@code facegate-deploy}; layouts in {@code docs/deploy.md}. Pure request-to-reply logic, tested directly.
 */
final class DeployCommands {
    /** The commands, as the last levels of {@code <prefix>/<gateway>/cmd/<command>}. */
    static final Set<String> COMMANDS = Set.of("deploy/list", "deploy/install", "deploy/uninstall", "deploy/rollback",
            "deploy/status");
    private static final int MAX_ENVELOPE_CHARS = 48 * 1024;
    private static final int MAX_URL_CHARS = 2048;

    private final Supplier<Deployments> deployments;
    private final String gatewayId;
    private final List<String> groups;

    /**
     * @param deployments the agent, or a supplier of {@code null} while it is missing (503)
     * @param gatewayId   this gateway's id, the target a manifest must name
     * @param groups      this gateway's groups
     */
    DeployCommands(Supplier<Deployments> deployments, String gatewayId, List<String> groups) {
        this.deployments = deployments;
        this.gatewayId = gatewayId;
        this.groups = List.copyOf(groups);
    }

    /**
     * @param command one of {@link #COMMANDS}
     * @param request the request object
     * @return the reply
     * @throws OperationException on a refusal, with its code
     * @throws BadRequest         on a malformed request
     */
    CommandReply handle(String command, JsonObject request) throws OperationException {
        Deployments d = deployments.get();
        if (d == null) {
            throw new OperationException(OperationException.UNAVAILABLE, "the deployment agent is not installed"
                    + " (feature facegate-deploy)");
        }
        return switch (command) {
            case "deploy/list" -> list(d);
            case "deploy/install" -> install(d, request);
            case "deploy/rollback" -> accepted(d.rollback(jobId(request), envelope(request), gatewayId, groups));
            case "deploy/uninstall" -> accepted(d.uninstall(jobId(request), envelope(request), gatewayId, groups));
            case "deploy/status" -> CommandReply.ok(job(d.status(jobId(request))));
            default -> CommandReply.error(404, "unknown command '" + command + "'");
        };
    }

    private static CommandReply list(Deployments d) {
        JsonArray list = new JsonArray();
        for (DeployedArtifact a : d.installed()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", a.name());
            o.addProperty("version", a.version());
            o.addProperty("kind", a.kind());
            o.addProperty("state", a.state());
            o.addProperty("release", a.release());
            o.addProperty("bundle_id", a.bundleId());
            list.add(o);
        }
        JsonObject result = new JsonObject();
        result.add("artifacts", list);
        return CommandReply.ok(result);
    }

    private static CommandReply accepted(DeployJob job) {
        return new CommandReply(200, job.state(), job(job));
    }

    private CommandReply install(Deployments d, JsonObject request) throws OperationException {
        String jobId = jobId(request);
        byte[] envelopeBytes = envelope(request);
        if (request.has("url")) {
            if (request.has("data") || request.has("chunk") || request.has("chunks")) {
                throw new BadRequest("a request has either url or chunk, chunks and data");
            }
            return accepted(d.fetch(jobId, envelopeBytes, url(request), gatewayId, groups));
        }
        int index = integer(request, "chunk");
        int count = integer(request, "chunks");
        byte[] data = CommandHandlers.Fields.base64(CommandHandlers.Fields.required(request, "data"), "data");
        return accepted(d.receive(new ArtifactChunk(jobId, envelopeBytes, index, count, data, gatewayId, groups)));
    }

    private static URI url(JsonObject request) {
        String text = CommandHandlers.Fields.string(request, "url", MAX_URL_CHARS);
        try {
            URI url = new URI(text);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException ignored) {
            // below
        }
        throw new BadRequest("url must be an absolute http or https URL");
    }

    private static byte[] envelope(JsonObject request) {
        JsonElement envelope = CommandHandlers.Fields.required(request, "envelope");
        if (!envelope.isJsonObject()) {
            throw new BadRequest("envelope must be the signed envelope object {manifest, signature}");
        }
        byte[] bytes = envelope.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_ENVELOPE_CHARS) {
            throw new BadRequest("envelope is larger than " + MAX_ENVELOPE_CHARS + " bytes");
        }
        return bytes;
    }

    private static String jobId(JsonObject request) {
        return CommandHandlers.Fields.string(request, "job_id", 64);
    }

    private static int integer(JsonObject o, String key) {
        JsonElement e = CommandHandlers.Fields.required(o, key);
        try {
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                return e.getAsBigDecimal().intValueExact();
            }
        } catch (ArithmeticException | NumberFormatException ignored) {
            // below
        }
        throw new BadRequest(key + " must be an integer");
    }

    /** @return a job as the replies and the notify topic carry it */
    static JsonObject job(DeployJob j) {
        JsonObject o = new JsonObject();
        o.addProperty("job_id", j.jobId());
        o.addProperty("name", j.name());
        o.addProperty("version", j.version());
        o.addProperty("kind", j.kind());
        o.addProperty("release", j.release());
        o.addProperty("state", j.state());
        o.add("reason", j.reason() == null ? JsonNull.INSTANCE : new JsonPrimitive(j.reason()));
        o.addProperty("received", j.received());
        o.addProperty("size", j.size());
        o.addProperty("next_chunk", j.nextChunk());
        o.addProperty("updated", j.updated().toString());
        return o;
    }
}
