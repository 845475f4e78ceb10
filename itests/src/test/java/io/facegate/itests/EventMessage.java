package io.facegate.itests;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a gateway event message ({@code facegate/<gw>/events}) the store-and-forward tests look at, read
 * from the JSON as the gateway writes it (compact, one key each).
 *
 * @param eventId  {@code event_id}: unique per event, the same in a re-sent copy
 * @param origin   {@code origin}: the frame's file name
 * @param sequence {@code sequence}: the frame's number from its source
 * @param json     the whole message
 */
record EventMessage(String eventId, String origin, long sequence, String json) {
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"]+)\"");
    private static final Pattern ORIGIN = Pattern.compile("\"origin\":\"([^\"]*)\"");
    private static final Pattern SEQUENCE = Pattern.compile("\"sequence\":(-?\\d+)");

    /**
     * @throws IllegalArgumentException if a field is missing
     */
    static EventMessage parse(String json) {
        return new EventMessage(field(EVENT_ID, json), field(ORIGIN, json), Long.parseLong(field(SEQUENCE, json)),
                json);
    }

    /** @return the messages parsed, in arrival order, each event once (its first copy): what a subscriber keeps */
    static List<EventMessage> distinct(List<String> messages) {
        Set<String> seen = new HashSet<>();
        List<EventMessage> out = new ArrayList<>();
        for (String m : messages) {
            EventMessage e = parse(m);
            if (seen.add(e.eventId())) {
                out.add(e);
            }
        }
        return out;
    }

    /** @return the first integer value of {@code "key":} in a JSON document, or -1 if it has none */
    static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String field(Pattern p, String json) {
        Matcher m = p.matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + p.pattern() + " in " + json);
        }
        return m.group(1);
    }

    @Override
    public String toString() {
        return origin + "#" + sequence + "(" + eventId + ")";
    }
}
