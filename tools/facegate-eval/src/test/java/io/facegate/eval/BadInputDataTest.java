package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt, empty, non-image and face-less files among real photos: each is counted in its
 * category and scored as a failure; the runs complete.
 */
class BadInputDataTest {
    @TempDir
    Path root;

    private Path models;

    @BeforeEach
    void buildFolder() throws Exception {
        Path lfw = TestData.data("lfw-color-10x10");
        models = TestData.models();
        Path alice = Files.createDirectories(root.resolve("alice"));
        for (int i = 1; i <= 3; i++) {
            Files.copy(lfw.resolve("Tony_Blair/Tony_Blair_000" + i + ".jpg"), alice.resolve("good" + i + ".jpg"));
        }
        Files.write(alice.resolve("corrupt.jpg"), ImageFilesTest.corruptJpeg());
        Files.write(alice.resolve("empty.jpg"), new byte[0]);
        Files.writeString(alice.resolve("notes.txt"), "not a photo\n");
        BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, 200, 200);
        g.dispose();
        ImageIO.write(blank, "png", alice.resolve("blank.png").toFile());

        Path bob = Files.createDirectories(root.resolve("bob"));
        for (int i = 1; i <= 3; i++) {
            Files.copy(lfw.resolve("George_W_Bush/George_W_Bush_000" + i + ".jpg"), bob.resolve("good" + i + ".jpg"));
        }
        // one usable photo of three: too few to enrol 2 and probe 1
        Path carol = Files.createDirectories(root.resolve("carol"));
        Files.copy(lfw.resolve("Colin_Powell/Colin_Powell_0001.jpg"), carol.resolve("good1.jpg"));
        Files.write(carol.resolve("empty.jpg"), new byte[0]);
        Files.write(carol.resolve("corrupt.jpg"), ImageFilesTest.corruptJpeg());
        // two photos: skipped without being processed
        Path dave = Files.createDirectories(root.resolve("dave"));
        Files.copy(lfw.resolve("Hugo_Chavez/Hugo_Chavez_0001.jpg"), dave.resolve("a.jpg"));
        Files.copy(lfw.resolve("Hugo_Chavez/Hugo_Chavez_0002.jpg"), dave.resolve("b.jpg"));
    }

    @Test
    void identifyCountsEveryBadFileAndSkipsIdentitiesWithoutEnoughUsablePhotos() throws Exception {
        IdentifyCommand.Config c = new IdentifyCommand.Config(root, null, models, EvalCli.DEFAULT_MODEL, false,
                2, 10, EvalCli.DEFAULT_SEED, Double.NaN, 0, 8, 2);
        IdentifyCommand.Report r = IdentifyCommand.run(c, new Progress(null, "identify"));
        System.out.print(r.table());

        Map<Failure, Integer> f = r.encoded().failures();
        assertEquals(2, f.get(Failure.CORRUPT));
        assertEquals(2, f.get(Failure.EMPTY));
        assertEquals(1, f.get(Failure.NOT_AN_IMAGE));
        assertEquals(1, f.get(Failure.NO_FACE));
        assertEquals(0, f.get(Failure.MISSING));
        assertEquals(List.of(new IdentifyCommand.Skipped("carol", 1, 3), new IdentifyCommand.Skipped("dave", -1, 2)),
                r.skipped());
        assertEquals(4, r.knownIdentities());
        assertEquals(2, r.enrolledIdentities());
        // alice: 5 probes (1 good, 4 bad), bob: 1 good probe; the bad ones are misses
        assertEquals(6, r.result().knownProbes());
        assertEquals(4, r.failedKnownProbes());
        assertEquals(2, r.result().rank1Correct());
    }

    @Test
    void verifyScoresPairsWithABadImageAsDifferentAndCountsThem() throws Exception {
        Path csv = Files.writeString(root.resolve("pairs.csv"), String.join("\n",
                "file_a,file_b,same",
                "alice/good1.jpg,alice/good2.jpg,yes",
                "alice/good1.jpg,alice/empty.jpg,yes",
                "alice/good1.jpg,bob/good1.jpg,no",
                "alice/notes.txt,bob/good1.jpg,no",
                "alice/missing.jpg,bob/good2.jpg,no") + "\n");
        VerifyCommand.Config c = new VerifyCommand.Config(csv, root, models, EvalCli.DEFAULT_MODEL, false, 2, 0,
                EvalCli.DEFAULT_SEED, 8, 2, 1e-3);
        VerifyCommand.Report r = VerifyCommand.run(c, new Progress(null, "verify"));
        System.out.print(r.table());

        assertEquals(5, r.pairs().pairs().size());
        assertEquals(1, r.failedSame());
        assertEquals(2, r.failedDifferent());
        Map<Failure, Integer> f = r.encoded().failures();
        assertEquals(1, f.get(Failure.EMPTY));
        assertEquals(1, f.get(Failure.NOT_AN_IMAGE));
        assertEquals(1, f.get(Failure.MISSING));
        assertEquals(7, r.encoded().byFile().size());
        assertEquals(4, r.encoded().embedded());
    }
}
