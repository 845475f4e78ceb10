package io.facegate.models.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One model a bundle declares in its {@value #HEADER} manifest header: the folder of the SavedModel and its
 * {@code facegate-model.properties} inside the bundle, the default {@code service.ranking} of its embedder, and the
 * Configuration Admin PID that overrides its settings. For example
 * {@code Facegate-Model: models/mobilefacenet-112;ranking=100;pid=io.facegate.embed.mobilefacenet}.
 *
 * @param path    the model folder inside the bundle, without leading or trailing {@code /}
 * @param ranking the default {@code service.ranking}
 * @param pid     the configuration PID, or {@code null} for {@code io.facegate.model.<model.id>}
 */
record ModelDeclaration(String path, int ranking, String pid) {
    /** The manifest header naming a bundle's models. */
    static final String HEADER = "Facegate-Model";

    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern PID = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    ModelDeclaration {
        if (!PATH.matcher(path).matches() || path.contains("..")) {
            throw new IllegalArgumentException("model path must be a relative folder like models/my-model, got '"
                    + path + "'");
        }
        if (pid != null && !PID.matcher(pid).matches()) {
            throw new IllegalArgumentException("pid must be a dotted name, got '" + pid + "'");
        }
    }

    /**
     * Parses the header: clauses separated by {@code ,}, each a path followed by {@code ;name=value} attributes
     * ({@code ranking}, {@code pid}; a value may be quoted; a {@code :Type} after the name is ignored).
     *
     * @param header the header's value
     * @return the declared models, in order
     * @throws IllegalArgumentException naming what is wrong
     */
    static List<ModelDeclaration> parse(String header) {
        List<ModelDeclaration> out = new ArrayList<>();
        for (String clause : split(header, ',')) {
            if (clause.isBlank()) {
                continue;
            }
            List<String> parts = split(clause, ';');
            String path = parts.get(0).trim().replaceAll("^/+|/+$", "");
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String part : parts.subList(1, parts.size())) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException(HEADER + " clause '" + clause.trim() + "': '" + part.trim()
                            + "' is not name=value");
                }
                String name = part.substring(0, eq).trim().replaceAll(":.*$", "");
                String value = unquote(part.substring(eq + 1).trim());
                if (attributes.put(name, value) != null) {
                    throw new IllegalArgumentException(HEADER + " clause '" + clause.trim() + "' repeats " + name);
                }
            }
            int ranking = 0;
            String rank = attributes.remove("ranking");
            if (rank != null) {
                try {
                    ranking = Integer.parseInt(rank);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(HEADER + " ranking must be an integer, got '" + rank + "'");
                }
            }
            String pid = attributes.remove("pid");
            if (!attributes.isEmpty()) {
                throw new IllegalArgumentException(HEADER + " clause '" + clause.trim() + "': unknown attributes "
                        + attributes.keySet() + " (known: ranking, pid)");
            }
            out.add(new ModelDeclaration(path, ranking, pid));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(HEADER + " names no model");
        }
        return out;
    }

    /** @return the configuration PID of a model with this id */
    String pidFor(String modelId) {
        return pid != null ? pid : "io.facegate.model." + modelId;
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
        if (quoted) {
            throw new IllegalArgumentException(HEADER + " has an unclosed quote: " + s);
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
