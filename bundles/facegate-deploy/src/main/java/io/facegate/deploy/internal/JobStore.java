package io.facegate.deploy.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.facegate.api.deploy.DeployJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * The jobs on disk, one JSON file per job under {@code jobs/}, each replaced atomically ({@link AtomicWrite}) at
 * every step, so that after a power loss every job is in the last state it reached. The envelope of
 * each job is kept with it: a resumed transfer must come with the same one.
 */
final class JobStore {
    /**
     * A job with the envelope it was accepted with.
     *
     * @param source the http(s) URL the artifact is downloaded from, or {@code null} when it comes in chunks
     */
    record Stored(DeployJob job, byte[] envelope, String source) {
        Stored(DeployJob job, byte[] envelope) {
            this(job, envelope, null);
        }

        /** @return the same job in another state */
        Stored with(DeployJob next) {
            return new Stored(next, envelope, source);
        }
    }

    private final Path dir;
    private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();

    /**
     * @param dir the {@code jobs} folder, created 0700 if missing
     * @throws IOException if it cannot be created
     */
    JobStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    /** @return every stored job, by job id; a file that cannot be read is an error naming it, never a lost job */
    List<Stored> all() throws IOException {
        List<Stored> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                out.add(read(f));
            }
        }
        return out;
    }

    /** Writes a job's state (atomically, durable on return). */
    void save(Stored s) throws IOException {
        DeployJob job = s.job();
        JsonObject o = new JsonObject();
        o.addProperty("job_id", job.jobId());
        o.addProperty("name", job.name());
        o.addProperty("version", job.version());
        o.addProperty("kind", job.kind());
        o.addProperty("release", job.release());
        o.addProperty("state", job.state());
        o.addProperty("reason", job.reason());
        o.addProperty("received", job.received());
        o.addProperty("size", job.size());
        o.addProperty("next_chunk", job.nextChunk());
        o.addProperty("updated", job.updated().toString());
        o.addProperty("envelope", Base64.getEncoder().encodeToString(s.envelope()));
        if (s.source() != null) {
            o.addProperty("source", s.source());
        }
        AtomicWrite.replace(dir.resolve(job.jobId() + ".json"), gson.toJson(o).getBytes(StandardCharsets.UTF_8),
                AtomicWrite.NONE);
    }

    private Stored read(Path f) throws IOException {
        JsonObject o;
        try {
            o = gson.fromJson(Files.readString(f), JsonObject.class);
        } catch (RuntimeException e) {
            throw new IOException("deploy job file " + f + " is unreadable: " + e.getMessage(), e);
        }
        DeployJob job = new DeployJob(o.get("job_id").getAsString(), string(o, "name"), string(o, "version"),
                string(o, "kind"), o.get("release").getAsLong(), o.get("state").getAsString(), string(o, "reason"),
                o.get("received").getAsLong(), o.get("size").getAsLong(), o.get("next_chunk").getAsInt(),
                Instant.parse(o.get("updated").getAsString()));
        return new Stored(job, Base64.getDecoder().decode(o.get("envelope").getAsString()), string(o, "source"));
    }

    private static String string(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : null;
    }
}
