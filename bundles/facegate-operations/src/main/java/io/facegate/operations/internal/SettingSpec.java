package io.facegate.operations.internal;

import io.facegate.api.operations.Setting;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting an operator may change remotely: where it lives in Configuration Admin, its type, and the per-value
 * rules of the component that reads it. Values are written as the strings a {@code .cfg} file would hold, so the
 * component parses them exactly as it parses its file. Immutable.
 *
 * @param key          the operator's name, e.g. {@code detect.min_face_size}
 * @param pid          the configuration PID
 * @param property     the property in that configuration
 * @param type         {@value #INTEGER}, {@value #NUMBER}, {@value #BOOLEAN} or {@value #STRING}
 * @param defaultValue the component's default, typed as {@link #typed} returns it
 * @param description  what it does, with the allowed values
 * @param min          smallest allowed number, or null
 * @param max          largest allowed number, or null
 * @param allowed      for a string: the allowed values (lower case), or empty for any string
 */
record SettingSpec(String key, String pid, String property, String type, Object defaultValue, String description,
                   BigDecimal min, BigDecimal max, List<String> allowed) {
    static final String INTEGER = "integer";
    static final String NUMBER = "number";
    static final String BOOLEAN = "boolean";
    static final String STRING = "string";

    /** Longest string value: a setting, not a document. */
    static final int MAX_STRING_LENGTH = 1024;
    /** More decimals than a float holds; also keeps {@code 1e-999999999} from expanding to a billion digits. */
    static final int MAX_SCALE = 30;

    private static final Pattern INTEGER_TEXT = Pattern.compile("[+-]?[0-9]{1,19}");
    private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

    /** @throws IllegalArgumentException on an unknown type */
    SettingSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(description, "description");
        if (!List.of(INTEGER, NUMBER, BOOLEAN, STRING).contains(type)) {
            throw new IllegalArgumentException(key + ": unknown type " + type);
        }
        allowed = List.copyOf(allowed);
    }

    /**
     * Type-checks a value and writes it as a {@code .cfg} file would hold it.
     *
     * @param value a string, number or boolean (as JSON or the console gives it)
     * @return the canonical string, e.g. {@code 40}, {@code 0.85}, {@code drop_oldest}
     * @throws IllegalArgumentException naming the key, on a wrong type or a value out of range
     */
    String canonical(Object value) {
        Objects.requireNonNull(value, "value");
        return switch (type) {
            case INTEGER -> integer(value);
            case NUMBER -> number(value);
            case BOOLEAN -> bool(value);
            default -> string(value);
        };
    }

    private String integer(Object value) {
        BigDecimal v;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            v = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger b) {
            v = new BigDecimal(b);
        } else if (value instanceof Number n) {
            v = decimal(n);
            if (v == null || v.stripTrailingZeros().scale() > 0) {
                throw wrongType("an integer", value);
            }
        } else if (value instanceof String s && INTEGER_TEXT.matcher(s.strip()).matches()) {
            v = new BigDecimal(s.strip());
        } else {
            throw wrongType("an integer", value);
        }
        // every integer setting is an int property: DS cannot coerce more
        if (v.compareTo(INT_MIN) < 0 || v.compareTo(INT_MAX) > 0) {
            throw outOfRange(value);
        }
        checkRange(v, value);
        return v.toBigIntegerExact().toString();
    }

    private String number(Object value) {
        BigDecimal v;
        if (value instanceof Number n) {
            v = decimal(n);
        } else if (value instanceof String s && s.strip().length() <= 64) {
            try {
                // BigDecimal: plain decimal numbers only, no NaN, Infinity, hex or 'f' suffixes
                v = new BigDecimal(s.strip());
            } catch (NumberFormatException e) {
                v = null;
            }
        } else {
            v = null;
        }
        if (v == null) {
            throw wrongType("a number", value);
        }
        if (v.scale() > MAX_SCALE && v.stripTrailingZeros().scale() > MAX_SCALE) {
            throw new IllegalArgumentException(key + " has more than " + MAX_SCALE + " decimals: " + quote(value));
        }
        checkRange(v, value);
        if (v.abs().compareTo(BigDecimal.valueOf(Float.MAX_VALUE)) > 0) {
            throw outOfRange(value);
        }
        String plain = v.stripTrailingZeros().toPlainString();
        return plain.equals("-0") ? "0" : plain;
    }

    private String bool(Object value) {
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof String s) {
            String v = s.strip().toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("false")) {
                return v;
            }
        }
        throw wrongType("true or false", value);
    }

    private String string(Object value) {
        if (!(value instanceof String s)) {
            throw wrongType("a string", value);
        }
        String v = s.strip();
        if (v.length() > MAX_STRING_LENGTH) {
            throw new IllegalArgumentException(key + " must be at most " + MAX_STRING_LENGTH + " characters, got "
                    + v.length());
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new IllegalArgumentException(key + " must not contain control characters");
            }
        }
        if (v.contains("${")) {
            // the file would be read back with ${...} substituted
            throw new IllegalArgumentException(key + " must not contain '${'");
        }
        if (!allowed.isEmpty()) {
            String choice = v.toLowerCase(Locale.ROOT).replace('-', '_');
            if (!allowed.contains(choice)) {
                throw new IllegalArgumentException(key + " must be one of " + String.join(", ", allowed) + ", got "
                        + quote(value));
            }
            return choice;
        }
        return v;
    }

    /** @return the number as a decimal, or null for NaN and infinities */
    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal b) {
            return b;
        }
        if (n instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                return null;
            }
            // Float via its own shortest form: 0.35f is 0.35, not 0.3499999940395355
            return n instanceof Float f ? new BigDecimal(Float.toString(f)) : BigDecimal.valueOf(d);
        }
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return BigDecimal.valueOf(n.longValue());
        }
        try {
            // e.g. a JSON library's lazily parsed number
            return new BigDecimal(n.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void checkRange(BigDecimal v, Object value) {
        if ((min != null && v.compareTo(min) < 0) || (max != null && v.compareTo(max) > 0)) {
            throw outOfRange(value);
        }
    }

    private IllegalArgumentException outOfRange(Object value) {
        String range = min != null && max != null ? " within " + min.toPlainString() + ".." + max.toPlainString()
                : min != null ? " >= " + min.toPlainString()
                : max != null ? " <= " + max.toPlainString() : " within the range of an int";
        return new IllegalArgumentException(key + " must be" + range + ", got " + quote(value));
    }

    private IllegalArgumentException wrongType(String what, Object value) {
        return new IllegalArgumentException(key + " must be " + what + ", got " + quote(value));
    }

    private static String quote(Object value) {
        String s = String.valueOf(value);
        if (s.length() > 40) {
            s = s.substring(0, 40) + "...";
        }
        return value instanceof String ? "\"" + s + "\"" : s;
    }

    /**
     * @param raw the value in the configuration or the component's properties (a string from a {@code .cfg} file,
     *            or a typed value), or null when neither sets it
     * @return the value typed for operators: Long, Double, Boolean or String; the default when raw is null; the
     *         raw text when it does not parse
     */
    Object typed(Object raw) {
        if (raw == null) {
            return defaultValue;
        }
        if (raw instanceof String[] array) {
            return String.join(",", array);
        }
        String text = String.valueOf(raw).strip();
        try {
            return switch (type) {
                case INTEGER -> Long.valueOf(text);
                case NUMBER -> raw instanceof Float f ? Double.valueOf(Float.toString(f)) : Double.valueOf(text);
                case BOOLEAN -> text.equalsIgnoreCase("true") ? Boolean.TRUE
                        : text.equalsIgnoreCase("false") ? Boolean.FALSE : text;
                default -> text;
            };
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /**
     * @param raw as for {@link #typed}
     * @return the setting as operators see it
     */
    Setting toSetting(Object raw) {
        return new Setting(key, pid, property, type, typed(raw), description);
    }
}
