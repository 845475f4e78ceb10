package io.facegate.mqtt.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns gateway ids and person names (arbitrary Unicode) into the ids Home Assistant's MQTT discovery
 * accepts: a readable ASCII slug, plus a hash of the exact original when the slug alone could collide.
 * Pure and deterministic, so the same name gives the same topic after a restart and a removal can be
 * computed from the name alone.
 */
final class HomeAssistantIds {
    /** Home Assistant's rule for {@code <node_id>} and {@code <object_id>} in a discovery topic. */
    static final Pattern ID = Pattern.compile("[a-zA-Z0-9_-]+");
    /** Hex characters of SHA-256 in a person's object id: 40 bits, a collision is refused, never merged. */
    static final int PERSON_HASH_CHARS = 10;
    private static final int GATEWAY_HASH_CHARS = 8;
    private static final int MAX_SLUG_CHARS = 32;
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_ID = Pattern.compile("[^a-z0-9]+");
    private static final String DEFAULT_TOPIC_PREFIX = "facegate";

    private HomeAssistantIds() {
    }

    /**
     * The {@code <node_id>} of a gateway: its id as is when that is already a valid id and the topic prefix is the
     * default; otherwise a slug plus a hash of prefix and id, so {@code a.b} and {@code a_b}, or the same gateway id
     * under two topic prefixes on one broker, never share a Home Assistant device.
     */
    static String nodeId(String topicPrefix, String gatewayId) {
        if (DEFAULT_TOPIC_PREFIX.equals(topicPrefix) && ID.matcher(gatewayId).matches()) {
            return gatewayId;
        }
        String slug = gatewayId.replaceAll("[^a-zA-Z0-9_-]+", "_");
        return truncate(slug) + "_" + hash(topicPrefix + "/" + gatewayId, GATEWAY_HASH_CHARS);
    }

    /**
     * The {@code <object_id>} of a person's last-seen sensor: {@code person_<slug>_<hash>}. The slug keeps topics
     * readable (accents dropped, other characters become {@code _}); the hash of the exact name keeps
     * {@code Zoe}, {@code Zoë} and {@code ZOE} apart.
     */
    static String personObjectId(String name, int hashChars) {
        String slug = slug(name);
        return "person_" + (slug.isEmpty() ? "" : slug + "_") + hash(name, hashChars);
    }

    /** Lower-case ASCII letters, digits and single underscores, at most 32 characters; may be empty. */
    static String slug(String s) {
        String ascii = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFKD)).replaceAll("");
        String slug = NOT_ID.matcher(ascii.toLowerCase(Locale.ROOT)).replaceAll("_");
        return trimUnderscores(truncate(trimUnderscores(slug)));
    }

    /**
     * The first {@code chars} hex digits of SHA-256 over the UTF-16 code units: exact even for an unpaired
     * surrogate, which a UTF-8 encoder would replace (and so merge with {@code ?}).
     */
    static String hash(String s, int chars) {
        ByteBuffer units = ByteBuffer.allocate(2 * s.length());
        units.asCharBuffer().put(s);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(units.array());
            return HexFormat.of().formatHex(digest).substring(0, chars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String truncate(String s) {
        return s.length() <= MAX_SLUG_CHARS ? s : s.substring(0, MAX_SLUG_CHARS);
    }

    private static String trimUnderscores(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '_') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '_') {
            to--;
        }
        return s.substring(from, to);
    }
}
