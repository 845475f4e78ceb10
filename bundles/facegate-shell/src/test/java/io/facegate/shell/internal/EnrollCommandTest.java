package io.facegate.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Photo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command around fake operations: which files it reads and sends (never more than max_image_bytes), what it
 * tells the operator, how a refusal ends it.
 */
class EnrollCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream console;

    @BeforeEach
    void captureConsole() {
        console = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(console);
    }

    private String file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    private EnrollCommand command(FakeOperations ops, String name, List<String> files) {
        EnrollCommand cmd = new EnrollCommand();
        cmd.operations = ops;
        cmd.context = null; // no service properties: the default max_image_bytes
        cmd.name = name;
        cmd.files = files;
        return cmd;
    }

    @Test
    void sendsTheReadableFilesAndReportsWhatBecameOfEach() throws Exception {
        String group = file("group.jpg", "2 faces");
        String empty = file("empty.jpg", "no face");
        String big = Files.write(dir.resolve("big.jpg"), new byte[(int) PhotoFiles.DEFAULT_MAX_BYTES + 1]).toString();
        String gone = dir.resolve("gone.jpg").toString();
        FakeOperations ops = new FakeOperations();

        command(ops, "Ada", List.of(group, empty, big, gone)).execute();

        assertEquals(List.of(group, empty), ops.enrolled.stream().map(Photo::label).toList(),
                "labelled as typed; the large and the missing file are not sent");
        assertArrayEquals("2 faces".getBytes(StandardCharsets.UTF_8), ops.enrolled.get(0).bytes());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("skipped " + big + ": larger than max_image_bytes=8388608"), printed);
        assertTrue(printed.contains("skipped " + gone + ": no such file"), printed);
        assertTrue(printed.contains(group + ": 2 faces, enrolled the largest"), printed);
        assertTrue(printed.contains("skipped " + empty + ": no face found"), printed);
        assertTrue(printed.endsWith("enrolled Ada from 1 of 4 photo(s)" + System.lineSeparator()), printed);
    }

    @Test
    void sendsNothingWithoutAReadableFile() throws Exception {
        FakeOperations ops = new FakeOperations();
        command(ops, "Ada", List.of(dir.resolve("gone.jpg").toString())).execute();
        assertEquals(List.of(), ops.enrolled);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("nothing enrolled: no usable photo of Ada"));
    }

    @Test
    void aRefusalEndsTheCommandWithTheMessageAndCode() throws Exception {
        FakeOperations ops = new FakeOperations();
        ops.refuse = new OperationException(400, "nothing enrolled: no usable photo of Ada (a.jpg: no face found)");
        CommandFailure e = assertThrows(CommandFailure.class,
                () -> command(ops, "Ada", List.of(file("a.jpg", "x"))).execute());
        assertEquals("nothing enrolled: no usable photo of Ada (a.jpg: no face found) (400)", e.getMessage());
    }

    @Test
    void aFileAtTheLimitIsReadWhole() throws Exception {
        Path f = Files.write(dir.resolve("at.jpg"), new byte[100]);
        PhotoFiles.Read r = PhotoFiles.read(f.toString(), 100);
        assertEquals(100, r.photo().bytes().length);
        assertEquals("larger than max_image_bytes=99", PhotoFiles.read(f.toString(), 99).problem());
    }
}
