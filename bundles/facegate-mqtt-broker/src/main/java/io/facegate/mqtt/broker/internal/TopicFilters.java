package io.facegate.mqtt.broker.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * MQTT 3.1.1 topic names and filters (section 4.7), as plain strings: validity, whether a filter matches a topic
 * name, and whether an allowed filter covers a requested subscription filter. Levels are literal: MQTT has no path
 * semantics, so {@code ..} is a level like any other; empty levels are levels too. Topics beginning with {@code $}
 * are matched by no filter that begins with a wildcard (4.7.2).
 */
final class TopicFilters {
    /** MQTT strings are at most 65535 bytes of UTF-8. */
    private static final int MAX_BYTES = 65_535;

    private TopicFilters() {
    }

    /**
     * @param topic a topic name, as in a PUBLISH
     * @return whether it is a valid topic name: 1..65535 bytes, no wildcard, no NUL
     */
    static boolean isValidName(String topic) {
        if (!isValidString(topic)) {
            return false;
        }
        return topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
    }

    /**
     * @param filter a topic filter, as in a SUBSCRIBE
     * @return whether it is valid: {@code #} only as the whole last level, {@code +} only as a whole level
     */
    static boolean isValidFilter(String filter) {
        if (!isValidString(filter)) {
            return false;
        }
        List<String> levels = levels(filter);
        for (int i = 0; i < levels.size(); i++) {
            String level = levels.get(i);
            if (level.equals("#")) {
                if (i != levels.size() - 1) {
                    return false;
                }
            } else if (level.equals("+")) {
                continue;
            } else if (level.indexOf('#') >= 0 || level.indexOf('+') >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param filter a valid topic filter
     * @param topic  a topic name
     * @return whether a subscription to {@code filter} receives messages published on {@code topic}
     */
    static boolean matches(String filter, String topic) {
        return isValidName(topic) && covers(filter, topic);
    }

    /**
     * Whether every topic name that {@code requested} matches is also matched by {@code allowed}; a topic name is
     * a filter without wildcards, so this also answers {@link #matches}.
     *
     * @param allowed   a valid topic filter
     * @param requested a topic filter
     * @return whether {@code allowed} covers {@code requested}; {@code false} when either is invalid
     */
    static boolean covers(String allowed, String requested) {
        if (!isValidFilter(allowed) || !isValidFilter(requested)) {
            return false;
        }
        List<String> a = levels(allowed);
        List<String> r = levels(requested);
        if (r.get(0).startsWith("$") && isWildcard(a.get(0))) {
            return false; // 4.7.2: '#' and '+' at the start never match $SYS & co
        }
        for (int i = 0; ; i++) {
            if (i == a.size()) {
                return i == r.size();
            }
            String al = a.get(i);
            if (al.equals("#")) {
                return true; // also the parent level: "a/#" matches "a"
            }
            if (i == r.size()) {
                return false;
            }
            String rl = r.get(i);
            if (rl.equals("#")) {
                return false;
            }
            if (!al.equals("+") && !al.equals(rl)) {
                return false; // a literal allows only the same literal; rl "+" needs al "+"
            }
        }
    }

    /** @return the levels, empty ones included ({@code "a//b"} has three) */
    static List<String> levels(String topic) {
        return List.of(topic.split("/", -1));
    }

    private static boolean isWildcard(String level) {
        return level.equals("#") || level.equals("+");
    }

    private static boolean isValidString(String s) {
        return s != null && !s.isEmpty() && s.indexOf('\u0000') < 0
                && s.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }
}
