package io.facegate.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.operations.OperationException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The other commands: what they pass to the operations and what the operator reads. */
class ConsoleCommandsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream console;
    private final FakeOperations ops = new FakeOperations();

    @BeforeEach
    void captureConsole() {
        console = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(console);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void peopleShowPhotosAndEmbeddingsPerModel() throws Exception {
        PeopleCommand cmd = new PeopleCommand();
        cmd.operations = ops;
        cmd.execute();
        assertEquals("""
                Ada         2 photo(s)  eca-mobilefacenet-96:2 1/2  mobilefacenet-112:1 2/2
                Bob Marley  1 photo(s)  mobilefacenet-112:1 1/1
                """, printed());
    }

    @Test
    void configSetSendsStringsAndResetsAsNull() throws Exception {
        ConfigSetCommand cmd = new ConfigSetCommand();
        cmd.operations = ops;
        cmd.pairs = List.of("detect.min_face_size", "40");
        cmd.reset = List.of("gallery.thresholds");
        cmd.execute();

        Map<String, Object> expected = new HashMap<>();
        expected.put("detect.min_face_size", "40");
        expected.put("gallery.thresholds", null);
        assertEquals(expected, ops.configured);
        assertEquals("detect.min_face_size = 40\ngallery.thresholds   = \"\"\n", printed());

        cmd.pairs = List.of("detect.min_face_size");
        cmd.reset = null;
        CommandFailure e = assertThrows(CommandFailure.class, cmd::execute);
        assertEquals("expected pairs of KEY VALUE, got 1 argument(s)", e.getMessage());
    }

    @Test
    void configListsEverySettingWithWhereItLives() throws Exception {
        ConfigCommand cmd = new ConfigCommand();
        cmd.operations = ops;
        cmd.execute();
        String p = printed();
        assertTrue(p.startsWith("detect.min_face_size = 20    (integer, io.facegate.detect.mtcnn/minFaceSize)\n"
                + "    Smallest face\n"), p);
    }

    @Test
    void refusalsCarryTheirCode() {
        ops.refuse = new OperationException(404, "Bob is not enrolled");
        ForgetCommand forget = new ForgetCommand();
        forget.operations = ops;
        forget.name = "Bob";
        assertEquals("Bob is not enrolled (404)", assertThrows(CommandFailure.class, forget::execute).getMessage());
        RenameCommand rename = new RenameCommand();
        rename.operations = ops;
        rename.from = "Bob";
        rename.to = "Robert";
        assertEquals("Bob is not enrolled (404)", assertThrows(CommandFailure.class, rename::execute).getMessage());
        assertEquals("", printed());
    }
}
