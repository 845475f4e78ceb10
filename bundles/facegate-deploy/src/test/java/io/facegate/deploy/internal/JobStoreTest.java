package io.facegate.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.facegate.api.deploy.DeployJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStoreTest {
    @TempDir
    Path dir;

    private static DeployJob job(String id, String state) {
        return new DeployJob(id, "facegate-embed-mobilefacenet", "0.1.1", "model", 7, state,
                DeployJob.ROLLED_BACK.equals(state) ? "health_check: no FaceEmbedder" : null, 10, 20, 1,
                Instant.parse("2026-12-02T10:00:00Z"));
    }

    @Test
    void everyStepIsOnDiskAndReadBackAsWritten() throws IOException {
        JobStore store = new JobStore(dir.resolve("jobs"));
        byte[] envelope = "{\"manifest\":\"x\",\"signature\":\"y\"}".getBytes(StandardCharsets.UTF_8);
        store.save(new JobStore.Stored(job("j-1", DeployJob.RECEIVING), envelope));
        store.save(new JobStore.Stored(job("j-1", DeployJob.ROLLED_BACK), envelope));
        store.save(new JobStore.Stored(job("j-2", DeployJob.DONE), envelope, "https://updates.example/m.jar?t=1"));
        List<JobStore.Stored> all = new JobStore(dir.resolve("jobs")).all();
        assertEquals(List.of(job("j-1", DeployJob.ROLLED_BACK), job("j-2", DeployJob.DONE)),
                all.stream().map(JobStore.Stored::job).toList());
        assertArrayEquals(envelope, all.get(0).envelope());
        assertEquals(null, all.get(0).source(), "a job sent in chunks has no source");
        assertEquals("https://updates.example/m.jar?t=1", all.get(1).source(), "a fetched job resumes from its URL");
        try (var files = Files.list(dir.resolve("jobs"))) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aDamagedJobFileIsAnErrorNotAForgottenJob() throws IOException {
        JobStore store = new JobStore(dir.resolve("jobs"));
        Files.writeString(dir.resolve("jobs/j-3.json"), "{\"job_id\":\"j-3\",\"sta");
        IOException e = assertThrows(IOException.class, store::all);
        assertEquals(true, e.getMessage().contains("j-3.json"), e.getMessage());
    }
}
