package io.facegate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prepares a few real photos of each training source with the real MTCNN and teacher, then trains
 * the default network two steps on them (the CPU path CI exercises). Skips when ../shared/data or
 * the unpacked models are absent.
 */
class PrepareDataTest {
    private static Path data;
    private static Path models;

    @TempDir
    Path dir;

    @BeforeAll
    static void locate() {
        data = Path.of(System.getProperty("facegate.data.dir", "../../../shared/data"));
        models = Path.of(System.getProperty("facegate.models.dir", "target/models"));
        assumeTrue(Files.isDirectory(data.resolve("utkface-crops")) && Files.isDirectory(data.resolve("celeba-dev")),
                "SKIPPED: face data not found at " + data.toAbsolutePath() + " (set -Dfacegate.data.dir)");
        assumeTrue(Files.isDirectory(models.resolve(Prepare.TEACHER_ID)),
                "SKIPPED: models not unpacked at " + models.toAbsolutePath() + " (build the module first)");
    }

    @Test
    void splitsCelebaByIdentityAndNeverReadsLfw() throws IOException {
        List<Prepare.Photo> photos = Prepare.photos(data, dir, 20221, 0);
        List<String> train = Files.readAllLines(dir.resolve("celeba-train.txt"));
        List<String> heldOut = Files.readAllLines(dir.resolve("celeba-heldout.txt"));
        assertEquals(100, train.size() + heldOut.size());
        assertEquals(50, train.size());
        Set<String> overlap = new HashSet<>(train);
        overlap.retainAll(heldOut);
        assertTrue(overlap.isEmpty(), "identities in both halves: " + overlap);
        for (Prepare.Photo p : photos) {
            assertFalse(p.file().toString().contains("lfw"), "LFW is evaluation only: " + p.file());
            if (p.file().toString().contains("celeba-dev")) {
                assertTrue(train.contains(p.file().getParent().getFileName().toString()), "held-out photo " + p.file());
            }
        }
        // the same seed gives the same split; another seed another one
        Path again = dir.resolve("again");
        Prepare.photos(data, again, 20221, 0);
        assertEquals(train, Files.readAllLines(again.resolve("celeba-train.txt")));
        Path other = dir.resolve("other");
        Prepare.photos(data, other, 7, 0);
        assertFalse(train.equals(Files.readAllLines(other.resolve("celeba-train.txt"))));
        // validation goes by identity: all photos of one identity share the split
        for (Prepare.Photo p : photos) {
            if (p.group() >= 0) {
                assertTrue(photos.stream().filter(q -> q.group() == p.group()).allMatch(q -> q.validation() == p.validation()));
            }
        }
    }

    @Test
    void cachesAlignedFacesWithTeacherTargetsAndTrainsOnThem() throws IOException {
        List<Prepare.Photo> photos = Prepare.photos(data, dir, 20221, 12);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        FaceCache cache = Prepare.run(photos, models, dir, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(cache.faces().size() >= photos.size() * 9 / 10, log.toString());
        FaceCache read = FaceCache.read(dir);
        assertEquals(cache.faces().size(), read.faces().size());
        assertEquals(112, read.size());
        assertEquals(192, read.dims());
        for (FaceCache.Face f : read.faces()) {
            assertEquals(1.0, norm(f.target()), 1e-4);
            assertEquals(1.0, norm(f.flippedTarget()), 1e-4);
            // a face and its mirror are the same person to the teacher
            assertTrue(dot(f.target(), f.flippedTarget()) > 0.6, "mirror similarity " + dot(f.target(), f.flippedTarget()));
        }
        Path run = dir.resolve("run");
        new Trainer(read, run, new Trainer.Settings(NetworkConfig.variant("eca96"), 2, 8, 0.001f, 1, 1, 2, 2),
                new PrintStream(log, true, StandardCharsets.UTF_8)).train();
        assertTrue(Files.readString(run.resolve("run.properties")).contains("completed.steps=2"), log.toString());
    }

    private static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
