package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line handling that needs no model: exit codes and messages. */
class EvalCliTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return EvalCli.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpGoesToStdoutWithExitZero() {
        assertEquals(0, run("help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: java -jar facegate-eval.jar"));
    }

    @Test
    void badCommandLinesExitWithTwo() {
        assertEquals(2, run());
        assertEquals(2, run("evaluate"));
        assertTrue(err().contains("unknown command 'evaluate'"), err());
        assertEquals(2, run("verify", "--images", "x"));
        assertTrue(err().contains("--pairs is required"), err());
        assertEquals(2, run("identify", "--root", "x", "--enroll", "0"));
        assertTrue(err().contains("--enroll must be >= 1, got 0"), err());
        assertEquals(2, run("identify", "--root", "x", "--threshold", "1.5"));
        assertEquals(2, run("bench", "--frobnicate"));
        assertTrue(err().contains("unknown option --frobnicate"), err());
    }

    @Test
    void lfwPairsBringTheirOwnFolds() throws Exception {
        Path pairs = Files.writeString(tmp.resolve("pairs.txt"), "1 1\nA 1 2\nA 1 B 1\n");
        assertEquals(2, run("verify", "--pairs", pairs.toString(), "--images", tmp.toString(), "--folds", "5"));
        assertTrue(err().contains("--folds and --seed apply to CSV pairs"), err());
    }

    @Test
    void flipIsAnOptInFlagOfVerifyAndIdentify() throws Exception {
        assertTrue(EvalCli.verifyConfig(EvalCli.verifyArgs(List.of("--pairs", "p.txt", "--images", "i", "--flip")))
                .flip());
        assertTrue(!EvalCli.verifyConfig(EvalCli.verifyArgs(List.of("--pairs", "p.txt", "--images", "i"))).flip());
        IdentifyCommand.Config id = EvalCli.identifyConfig(EvalCli.identifyArgs(
                List.of("--flip", "--root", "r", "--batch", "4")));
        assertTrue(id.flip());
        assertEquals(4, id.batch(), "--batch still counts faces");
        assertTrue(!EvalCli.identifyConfig(EvalCli.identifyArgs(List.of("--root", "r"))).flip());
        // the constructors without the flip argument mean "no flip"
        assertTrue(!new IdentifyCommand.Config(Path.of("r"), null, tmp, "m", false, 2, 10, 42, Double.NaN, 0, 8, 1)
                .flip());
        assertTrue(!new VerifyCommand.Config(Path.of("p.txt"), tmp, tmp, "m", false, 10, 0, 42, 8, 1, 1e-3).flip());
    }

    @Test
    void flipTakesNoValueAndOnlyVerifyAndIdentifyKnowIt() {
        assertEquals(2, run("verify", "--pairs", "p.txt", "--images", "i", "--flip", "--flip"));
        assertTrue(err().contains("--flip given twice"), err());
        assertEquals(2, run("identify", "--root", "r", "--flip=true"));
        assertTrue(err().contains("unknown option --flip"), err());
        assertEquals(2, run("bench", "--flip"));
        assertTrue(err().contains("unknown option --flip"), err());
        assertEquals(0, run("help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--flip"));
    }

    @Test
    void aRunThatCannotStartExitsWithOneAndSaysWhy() {
        assertEquals(1, run("verify", "--pairs", tmp.resolve("absent.txt").toString(), "--images", tmp.toString()));
        assertTrue(err().startsWith("facegate-eval verify: "), err());
        assertEquals(1, run("identify", "--root", tmp.resolve("absent").toString()));
        assertTrue(err().contains("not a folder"), err());
    }
}
