package io.facegate.eval;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes the machine-readable summaries: maps (in their iteration order), collections,
 * strings, numbers, booleans and null. A few dozen lines instead of a JSON library on the
 * tool's class path.
 */
final class Json {
    private Json() {
    }

    /**
     * @param value a tree of {@link Map}s with string keys, {@link Collection}s, strings, numbers, booleans, null
     * @return indented JSON
     * @throws IllegalArgumentException on any other type
     */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            // JSON has no NaN or infinity
            out.append(Double.isFinite(d) ? number(d) : "null");
        } else if (value instanceof Number n) {
            out.append(n.longValue());
        } else if (value instanceof Map<?, ?> map) {
            writeMap(map, out, indent);
        } else if (value instanceof Collection<?> list) {
            writeList(list, out, indent);
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void writeMap(Map<?, ?> map, StringBuilder out, String indent) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        String inner = indent + "  ";
        out.append("{\n");
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            out.append(inner);
            quote(String.valueOf(e.getKey()), out);
            out.append(": ");
            write(e.getValue(), out, inner);
            out.append(it.hasNext() ? ",\n" : "\n");
        }
        out.append(indent).append('}');
    }

    private static void writeList(Collection<?> list, StringBuilder out, String indent) {
        // lists of numbers stay on one line: fold accuracies are easier to read that way
        boolean flat = list.stream().allMatch(v -> v == null || v instanceof Number || v instanceof Boolean);
        if (list.isEmpty() || flat) {
            out.append('[');
            Iterator<?> it = list.iterator();
            while (it.hasNext()) {
                write(it.next(), out, indent);
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            out.append(']');
            return;
        }
        String inner = indent + "  ";
        out.append("[\n");
        Iterator<?> it = list.iterator();
        while (it.hasNext()) {
            out.append(inner);
            write(it.next(), out, inner);
            out.append(it.hasNext() ? ",\n" : "\n");
        }
        out.append(indent).append(']');
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
