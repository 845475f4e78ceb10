package io.facegate.gpio.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** List values of a configuration. */
final class ConfigValues {
    private ConfigValues() {
    }

    /**
     * Splits on commas only: names may contain blanks ({@code Ada Lovelace}). A Karaf {@code .cfg} file gives one
     * string, a JSON configuration an array; both work.
     *
     * @param values configured values
     * @return the trimmed, non-empty entries in order, without repeats
     */
    static List<String> commaSeparated(String[] values) {
        Set<String> out = new LinkedHashSet<>();
        if (values != null) {
            for (String v : values) {
                if (v == null) {
                    continue;
                }
                for (String part : v.split(",")) {
                    String entry = part.trim();
                    if (!entry.isEmpty()) {
                        out.add(entry);
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }
}
