package io.facegate.operations.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the stack trace SCR keeps for a failed activation into the one line an operator needs. */
final class Failures {
    /** Longest message kept. */
    static final int MAX_LENGTH = 500;

    private static final Pattern THROWABLE_LINE =
            Pattern.compile("^(?:Caused by: )?([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)(?:: (.*))?$");
    /** Wrappers that say nothing of their own: reflection and DS. */
    private static final List<String> WRAPPERS = List.of("java.lang.reflect.InvocationTargetException",
            "java.lang.reflect.UndeclaredThrowableException", "org.osgi.service.component.ComponentException");

    private Failures() {
    }

    /**
     * @param failure a printed stack trace, e.g. {@code ComponentConfigurationDTO.failure}
     * @return the message of the first exception in the cause chain that is not a wrapper, e.g.
     *         {@code minFaceSize must be >= 12 (P-Net's window), got 5}; the first line when none has a message
     */
    static String summarize(String failure) {
        if (failure == null || failure.isBlank()) {
            return "activation failed (no reason given)";
        }
        List<String[]> chain = new ArrayList<>();
        String[] lines = failure.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (i > 0 && !line.startsWith("Caused by: ")) {
                continue;
            }
            Matcher m = THROWABLE_LINE.matcher(line);
            if (m.matches()) {
                chain.add(new String[] {m.group(1), m.group(2)});
            }
        }
        for (String[] t : chain) {
            if (!WRAPPERS.contains(t[0]) && t[1] != null && !t[1].isBlank()) {
                return cut(t[1].strip());
            }
        }
        return cut(lines[0].strip());
    }

    private static String cut(String s) {
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH) + "...";
    }
}
