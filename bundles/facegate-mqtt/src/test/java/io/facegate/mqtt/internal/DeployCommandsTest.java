package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.facegate.api.deploy.ArtifactChunk;
import io.facegate.api.deploy.DeployJob;
import io.facegate.api.deploy.DeployedArtifact;
import io.facegate.api.deploy.Deployments;
import io.facegate.api.operations.OperationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deploy/* request and reply layouts, around a recording stand-in for the agent. */
class DeployCommandsTest {
    private final List<ArtifactChunk> received = new ArrayList<>();
    private final List<String> fetched = new ArrayList<>();
    private final List<String> uninstalled = new ArrayList<>();
    private final Deployments agent = new Deployments() {
        @Override
        public List<DeployedArtifact> installed() {
            return List.of(new DeployedArtifact("facegate-embed-mobilefacenet", "0.1.0", "model", "active", 0, 12));
        }

        @Override
        public DeployJob receive(ArtifactChunk chunk) throws OperationException {
            if (chunk.index() == 9) {
                throw new OperationException(OperationException.FORBIDDEN, "bad_signature: signature does not verify");
            }
            received.add(chunk);
            return job(chunk.jobId());
        }

        @Override
        public DeployJob rollback(String jobId, byte[] envelope, String gatewayId, List<String> groups) {
            return job(jobId);
        }

        @Override
        public DeployJob fetch(String jobId, byte[] envelope, URI url, String gatewayId, List<String> groups) {
            fetched.add(url + " for " + gatewayId);
            return job(jobId);
        }

        @Override
        public DeployJob uninstall(String jobId, byte[] envelope, String gatewayId, List<String> groups)
                throws OperationException {
            if (jobId.equals("j-core")) {
                throw new OperationException(OperationException.BAD_REQUEST, "facegate-mqtt cannot be removed");
            }
            uninstalled.add(jobId + " " + new String(envelope, StandardCharsets.UTF_8));
            return job(jobId);
        }

        @Override
        public DeployJob status(String jobId) throws OperationException {
            if (!jobId.equals("j-1")) {
                throw new OperationException(OperationException.NOT_FOUND, "no job " + jobId);
            }
            return job(jobId);
        }
    };

    private static DeployJob job(String id) {
        return new DeployJob(id, "facegate-embed-mobilefacenet", "0.1.1", "model", 3, DeployJob.RECEIVING, null, 4,
                8, 1, Instant.parse("2026-12-02T10:00:00Z"));
    }

    private final CommandHandlers handlers = new CommandHandlers(() -> null, JsonObject::new,
            new DeployCommands(() -> agent, "gw-1", List.of("site")));

    private static JsonObject json(String s) {
        return JsonParser.parseString(s).getAsJsonObject();
    }

    @Test
    void installWithAUrlHasTheGatewayDownloadItAndMixingBothIsRefused() {
        String envelope = "{\"manifest\":\"bWFuaWZlc3Q=\",\"signature\":\"c2ln\"}";
        CommandReply r = handlers.handle("deploy/install", json("{\"job_id\":\"j-1\",\"envelope\":" + envelope
                + ",\"url\":\"https://updates.example/m.jar?t=1\"}"));
        assertEquals(200, r.code(), r.message());
        assertEquals(List.of("https://updates.example/m.jar?t=1 for gw-1"), fetched);
        for (String bad : List.of("\"file:///etc/passwd\"", "\"https:no-host\"", "\"http://a b\"", "7")) {
            CommandReply refused = handlers.handle("deploy/install", json("{\"job_id\":\"j-2\",\"envelope\":"
                    + envelope + ",\"url\":" + bad + "}"));
            assertEquals(400, refused.code(), bad + ": " + refused.message());
        }
        CommandReply both = handlers.handle("deploy/install", json("{\"job_id\":\"j-3\",\"envelope\":" + envelope
                + ",\"url\":\"https://u.example/m.jar\",\"chunk\":0,\"chunks\":1,\"data\":\"AA==\"}"));
        assertEquals(400, both.code(), both.message());
        assertEquals(1, fetched.size(), "nothing fetched for a refused request");
        assertTrue(received.isEmpty());
    }

    @Test
    void uninstallPassesTheEnvelopeAndTheAgentsRefusalGoesBack() {
        String envelope = "{\"manifest\":\"bWFuaWZlc3Q=\",\"signature\":\"c2ln\"}";
        CommandReply r = handlers.handle("deploy/uninstall", json("{\"job_id\":\"j-9\",\"envelope\":" + envelope
                + "}"));
        assertEquals(200, r.code(), r.message());
        assertEquals(List.of("j-9 " + envelope), uninstalled);
        CommandReply core = handlers.handle("deploy/uninstall", json("{\"job_id\":\"j-core\",\"envelope\":"
                + envelope + "}"));
        assertEquals(400, core.code());
        assertTrue(core.message().contains("cannot be removed"), core.message());
    }

    @Test
    void installPassesTheChunkWithTheEnvelopeAsSentAndTheGatewaysIdentity() {
        String envelope = "{\"manifest\":\"bWFuaWZlc3Q=\",\"signature\":\"c2ln\"}";
        CommandReply r = handlers.handle("deploy/install", json("{\"job_id\":\"j-1\",\"envelope\":" + envelope
                + ",\"chunk\":0,\"chunks\":2,\"data\":\"" + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4})
                + "\"}"));
        assertEquals(200, r.code(), r.message());
        assertEquals("receiving", r.result().getAsJsonObject().get("state").getAsString());
        assertEquals(1, r.result().getAsJsonObject().get("next_chunk").getAsInt());
        ArtifactChunk c = received.get(0);
        assertArrayEquals(envelope.getBytes(StandardCharsets.UTF_8), c.envelope());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, c.data());
        assertEquals("gw-1", c.gatewayId());
        assertEquals(List.of("site"), c.groups());
    }

    @Test
    void refusalsAndMalformedRequestsGetTheirCodes() {
        assertEquals(403, handlers.handle("deploy/install", json("{\"job_id\":\"j\",\"envelope\":{},\"chunk\":9,"
                + "\"chunks\":10,\"data\":\"AQ==\"}")).code());
        for (String bad : new String[] {"{}", "{\"job_id\":\"j\"}", "{\"job_id\":\"j\",\"envelope\":\"x\",\"chunk\":0,"
            + "\"chunks\":1,\"data\":\"AQ==\"}", "{\"job_id\":\"j\",\"envelope\":{},\"chunk\":0.5,\"chunks\":1,"
            + "\"data\":\"AQ==\"}", "{\"job_id\":\"j\",\"envelope\":{},\"chunk\":0,\"chunks\":1,\"data\":\"%%\"}",
            "{\"job_id\":\"j\",\"envelope\":{},\"chunk\":0,\"chunks\":1e30,\"data\":\"AQ==\"}"}) {
            assertEquals(400, handlers.handle("deploy/install", json(bad)).code(), bad);
        }
        assertEquals(404, handlers.handle("deploy/status", json("{\"job_id\":\"nope\"}")).code());
        assertEquals(List.of(), received);
    }

    @Test
    void listAndStatusAndAMissingAgent() {
        CommandReply list = handlers.handle("deploy/list", new JsonObject());
        assertEquals("facegate-embed-mobilefacenet", list.result().getAsJsonObject().getAsJsonArray("artifacts")
                .get(0).getAsJsonObject().get("name").getAsString());
        assertEquals("j-1", handlers.handle("deploy/status", json("{\"job_id\":\"j-1\"}")).result()
                .getAsJsonObject().get("job_id").getAsString());
        CommandReply missing = new CommandHandlers(() -> null, JsonObject::new).handle("deploy/list",
                new JsonObject());
        assertEquals(503, missing.code());
        assertTrue(missing.message().contains("facegate-deploy"), missing.message());
    }
}
