package io.facegate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TrainCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void paramsListsTheVariantsAgainstTheOriginal() {
        assertEquals(0, run("params"));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("eca96") && table.contains("727700") && table.contains("72.5%"), table);
    }

    @Test
    void badUsageExitsTwoWithAReason() {
        assertEquals(2, run());
        assertEquals(2, run("fly"));
        assertEquals(2, run("train", "--cache"));
        assertEquals(2, run("train", "--cache", "x", "--run", "y", "--variant", "resnet"));
        assertEquals(2, run("train", "--cache", "x", "--run", "y", "--steps", "many"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown variant 'resnet'"), err.toString());
    }

    @Test
    void teacherInitNeedsAnExistingTeacherFile() throws Exception {
        TrainerTest.syntheticCache().write(dir.resolve("cache"));
        String run = dir.resolve("run").toString();
        assertEquals(1, run("train", "--cache", dir.resolve("cache").toString(), "--run", run, "--batch", "8",
                "--init", "teacher", "--teacher", dir.resolve("none.tflite").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("teacher model " + dir.resolve("none.tflite")
                + " does not exist"), err.toString());
        assertEquals(2, run("train", "--cache", dir.toString(), "--run", run, "--init", "warm"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--init must be random, teacher or run"), err.toString());
        assertEquals(2, run("train", "--cache", dir.toString(), "--run", run, "--init", "run"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--from is required"), err.toString());
        assertEquals(2, run("train", "--cache", dir.toString(), "--run", run, "--calibration", "guess"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--calibration must be stats or bias"), err.toString());
        assertTrue(!Files.exists(dir.resolve("run")), "nothing started");
    }

    @Test
    void missingOrCorruptCacheFailsClearly() throws Exception {
        assertEquals(1, run("train", "--cache", dir.toString(), "--run", dir.resolve("run").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("run 'prepare' first"), err.toString());
        Files.write(dir.resolve(FaceCache.FILE_NAME), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(1, run("train", "--cache", dir.toString(), "--run", dir.resolve("run").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a facegate face cache"), err.toString());
    }

    @Test
    void exportWithoutARunFailsClearly() {
        assertEquals(1, run("export", "--run", dir.toString(), "--out", dir.resolve("m").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no training run"), err.toString());
    }
}
