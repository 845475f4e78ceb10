package io.facegate.push;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@code deploy/install}: an artifact in chunks, each request carrying the envelope; the next chunk is always the
 * gateway's {@code next_chunk}, so a retried, lost or refused chunk resumes where the gateway is.
 */
final class ChunkedInstall implements Delivery {
    private final JsonElement envelope;
    private final String[] chunks;
    private final long size;
    private final int chunkBytes;

    /**
     * @param envelope   the signed envelope object
     * @param artifact   the artifact's bytes
     * @param chunkBytes the largest chunk
     */
    ChunkedInstall(JsonElement envelope, byte[] artifact, int chunkBytes) {
        this.envelope = envelope;
        this.size = artifact.length;
        this.chunkBytes = chunkBytes;
        // encoded once, however many gateways it goes to
        chunks = new String[Math.max(1, (artifact.length + chunkBytes - 1) / chunkBytes)];
        for (int i = 0; i < chunks.length; i++) {
            int from = i * chunkBytes;
            chunks[i] = Base64.getEncoder().encodeToString(
                    Arrays.copyOfRange(artifact, from, Math.min(artifact.length, from + chunkBytes)));
        }
    }

    @Override
    public String verb() {
        return "install";
    }

    @Override
    public JsonObject next(JsonObject job) {
        int next = job == null ? 0 : job.get("next_chunk").getAsInt();
        if (job != null && (!"receiving".equals(job.get("state").getAsString()) || next >= chunks.length)) {
            return null;
        }
        if (job != null && job.get("received").getAsLong() != (long) next * chunkBytes) {
            // a job begun with another --chunk-kib: its chunk N starts elsewhere than ours
            throw new IllegalStateException("the gateway holds " + job.get("received").getAsLong() + " bytes, which"
                    + " is not " + next + " chunks of " + chunkBytes + " bytes: resume with the first run's"
                    + " --chunk-kib");
        }
        JsonObject r = new JsonObject();
        r.add("envelope", envelope);
        r.addProperty("chunk", next);
        r.addProperty("chunks", chunks.length);
        r.addProperty("data", chunks[next]);
        return r;
    }

    @Override
    public String describe(JsonObject request) {
        return "chunk " + request.get("chunk").getAsInt();
    }

    @Override
    public boolean resumes() {
        return true;
    }

    /** Only a refused envelope: a 404 or 409 is a transfer out of step, resolved by resuming. */
    @Override
    public boolean refuses(int code) {
        return code == 403;
    }

    @Override
    public double done(JsonObject job) {
        if (job == null) {
            return 0;
        }
        return size == 0 ? 1 : Math.min(1.0, job.get("received").getAsLong() / (double) size);
    }

    @Override
    public String label(JsonObject job) {
        return (job == null ? 0 : Math.min(chunks.length, job.get("next_chunk").getAsInt())) + "/" + chunks.length;
    }
}
