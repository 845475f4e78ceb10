package io.facegate.deploy.manifest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Typed, named access to the fields of one parsed JSON object; every failure names the field. */
final class Fields {
    /** JSON's integer grammar (no fraction, no exponent): {@code 1e3} is refused rather than guessed. */
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");

    private final Map<String, Object> object;
    private final String path;

    /**
     * @param object a parsed object
     * @param path   its path for messages, "" at top level, else ending with "."
     */
    Fields(Map<String, Object> object, String path) {
        this.object = object;
        this.path = path;
    }

    /** @throws JsonFormatException if the object has a field not in {@code known} */
    void only(Set<String> known) throws JsonFormatException {
        for (String name : object.keySet()) {
            if (!known.contains(name)) {
                throw new JsonFormatException("unknown field '" + path + name + "'");
            }
        }
    }

    boolean has(String name) {
        return object.containsKey(name);
    }

    boolean isNull(String field) {
        return object.get(field) == StrictJson.NULL;
    }

    String name(String field) {
        return "field '" + path + field + "'";
    }

    String string(String field, int maxLength) throws JsonFormatException {
        Object v = required(field);
        if (!(v instanceof String s)) {
            throw wrongType(field, "a string", v);
        }
        if (s.length() > maxLength) {
            throw new JsonFormatException(name(field) + " is longer than " + maxLength + " characters");
        }
        return s;
    }

    long integer(String field, long min, long max) throws JsonFormatException {
        Object v = required(field);
        if (!(v instanceof StrictJson.Num n) || !INTEGER.matcher(n.text()).matches()) {
            throw wrongType(field, "an integer", v);
        }
        long value;
        try {
            value = Long.parseLong(n.text());
        } catch (NumberFormatException e) {
            throw new JsonFormatException(name(field) + " is out of range (" + abbreviate(n.text()) + ")");
        }
        if (value < min || value > max) {
            throw new JsonFormatException(name(field) + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    boolean bool(String field) throws JsonFormatException {
        Object v = required(field);
        if (!(v instanceof Boolean b)) {
            throw wrongType(field, "true or false", v);
        }
        return b;
    }

    Fields object(String field) throws JsonFormatException {
        Object v = required(field);
        if (!(v instanceof Map<?, ?>)) {
            throw wrongType(field, "an object", v);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return new Fields(m, path + field + ".");
    }

    List<Object> array(String field) throws JsonFormatException {
        Object v = required(field);
        if (!(v instanceof List<?>)) {
            throw wrongType(field, "an array", v);
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) v;
        return list;
    }

    Set<String> keys() {
        return object.keySet();
    }

    private Object required(String field) throws JsonFormatException {
        Object v = object.get(field);
        if (v == null) {
            throw new JsonFormatException("missing " + name(field));
        }
        return v;
    }

    private JsonFormatException wrongType(String field, String expected, Object got) {
        return new JsonFormatException(name(field) + " must be " + expected + ", got " + describe(got));
    }

    private static String describe(Object v) {
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof StrictJson.Num n) {
            return "the number " + abbreviate(n.text());
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        return "null";
    }

    private static String abbreviate(String s) {
        return s.length() <= 24 ? s : s.substring(0, 20) + "...";
    }
}
