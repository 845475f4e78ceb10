package io.facegate.itests;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.facegate.deploy.manifest.SignedManifest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** The {@code deploy/install} requests that carry an artifact, as the operator's CLI sends them. */
final class DeployChunks {
    /** Chunk size of the tests, the CLI's default. */
    static final int CHUNK = 256 * 1024;

    private DeployChunks() {
    }

    /** @return one request per chunk of {@code jar}, each with the job id and the envelope, without request id */
    static List<JsonObject> of(String jobId, byte[] jar, SignedManifest envelope) {
        JsonElement env = JsonParser.parseString(new String(envelope.encode(), StandardCharsets.UTF_8));
        int chunks = (jar.length + CHUNK - 1) / CHUNK;
        List<JsonObject> requests = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            JsonObject r = new JsonObject();
            r.addProperty("job_id", jobId);
            r.add("envelope", env);
            r.addProperty("chunk", i);
            r.addProperty("chunks", chunks);
            r.addProperty("data", Base64.getEncoder().encodeToString(Arrays.copyOfRange(jar, i * CHUNK,
                    Math.min(jar.length, (i + 1) * CHUNK))));
            requests.add(r);
        }
        return requests;
    }
}
