package io.facegate.push;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/** One run of the CLI in-process, as a user would see it: exit code, stdout, stderr (never a stack trace). */
record CliRun(int code, String out, String err) {
    static CliRun cli(Object... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] strings = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        int code = PushCli.run(strings, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        CliRun run = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertFalse(run.err().contains("\tat "), "no stack traces for the user: " + run.err());
        return run;
    }

    static void assertLine(String out, String line) {
        assertTrue(Pattern.compile("^" + Pattern.quote(line) + "$", Pattern.MULTILINE).matcher(out).find(),
                "a line '" + line + "' in:\n" + out);
    }
}
