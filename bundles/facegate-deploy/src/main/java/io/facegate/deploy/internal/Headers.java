package io.facegate.deploy.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OSGi manifest header syntax that the resolution and health checks read: clauses separated by {@code ,}, each
 * a name followed by {@code ;attribute=value} and {@code ;directive:=value} parts, values optionally quoted.
 */
final class Headers {
    /**
     * One clause.
     *
     * @param name       its first part (a package name, a namespace)
     * @param attributes its attributes; a {@code :Type} suffix of the name is dropped
     * @param directives its directives
     */
    record Clause(String name, Map<String, String> attributes, Map<String, String> directives) {
    }

    private Headers() {
    }

    /**
     * @param header a header value, or {@code null}
     * @return its clauses; a clause naming several packages ({@code a;b;version=1}) becomes one per name
     */
    static List<Clause> parse(String header) {
        List<Clause> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        for (String clause : split(header, ',')) {
            if (clause.isBlank()) {
                continue;
            }
            List<String> names = new ArrayList<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, String> directives = new LinkedHashMap<>();
            for (String part : split(clause, ';')) {
                String p = part.trim();
                int directive = p.indexOf(":=");
                int eq = p.indexOf('=');
                if (directive > 0 && directive < eq + 1) {
                    directives.put(p.substring(0, directive).trim(), unquote(p.substring(directive + 2).trim()));
                } else if (eq > 0) {
                    attributes.put(p.substring(0, eq).trim().replaceAll(":.*$", ""), unquote(p.substring(eq + 1)
                            .trim()));
                } else if (!p.isEmpty()) {
                    names.add(p);
                }
            }
            for (String name : names) {
                out.add(new Clause(name, attributes, directives));
            }
        }
        return out;
    }

    private static List<String> split(String s, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
