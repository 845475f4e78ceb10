package io.facegate.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Type checks and canonical {@code .cfg} strings of whitelisted values, as JSON and the console give them. */
class SettingSpecTest {
    private static final SettingSpec MIN_FACE = Whitelist.DEFAULT.find("detect.min_face_size");
    private static final SettingSpec ONET = Whitelist.DEFAULT.find("detect.onet_threshold");
    private static final SettingSpec OVERFLOW = Whitelist.DEFAULT.find("pipeline.overflow");
    private static final SettingSpec THRESHOLDS = Whitelist.DEFAULT.find("gallery.thresholds");
    private static final SettingSpec FLAG = new SettingSpec("x.flag", "pid", "flag", SettingSpec.BOOLEAN, false,
            "a flag", null, null, List.of());

    private static void refused(SettingSpec s, Object value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.canonical(value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void integers() {
        assertEquals("40", MIN_FACE.canonical(40));
        assertEquals("40", MIN_FACE.canonical(40L));
        assertEquals("40", MIN_FACE.canonical(40.0), "JSON numbers may arrive as doubles");
        assertEquals("40", MIN_FACE.canonical(new BigDecimal("4.0E1")));
        assertEquals("40", MIN_FACE.canonical(" +40 "), "from the console");
        refused(MIN_FACE, "40.5", "detect.min_face_size must be an integer, got \"40.5\"");
        refused(MIN_FACE, 40.5, "detect.min_face_size must be an integer, got 40.5");
        refused(MIN_FACE, true, "detect.min_face_size must be an integer, got true");
        refused(MIN_FACE, "0x20", "detect.min_face_size must be an integer, got \"0x20\"");
        refused(MIN_FACE, 11, "detect.min_face_size must be >= 12, got 11");
        refused(MIN_FACE, BigInteger.TEN.pow(30), "detect.min_face_size must be >= 12, got "
                + BigInteger.TEN.pow(30));
        refused(MIN_FACE, "99999999999", "detect.min_face_size must be >= 12, got \"99999999999\"");
        refused(Whitelist.DEFAULT.find("pipeline.workers"), 65, "pipeline.workers must be within 1..64, got 65");
    }

    @Test
    void numbers() {
        assertEquals("0.85", ONET.canonical(0.85));
        assertEquals("0.85", ONET.canonical(0.85f), "a float by its own shortest form");
        assertEquals("0.85", ONET.canonical("0.850"));
        assertEquals("1", ONET.canonical(1));
        assertEquals("0", ONET.canonical("-0.0"));
        assertEquals("0.0001", ONET.canonical("1e-4"));
        refused(ONET, "NaN", "detect.onet_threshold must be a number, got \"NaN\"");
        refused(ONET, Double.NaN, "detect.onet_threshold must be a number, got NaN");
        refused(ONET, Double.POSITIVE_INFINITY, "detect.onet_threshold must be a number, got Infinity");
        refused(ONET, "0.5f", "detect.onet_threshold must be a number, got \"0.5f\"");
        refused(ONET, "high", "detect.onet_threshold must be a number, got \"high\"");
        refused(ONET, 1.01, "detect.onet_threshold must be within 0..1, got 1.01");
        refused(ONET, "1e-999999999", "detect.onet_threshold has more than 30 decimals: \"1e-999999999\"");
    }

    @Test
    void choicesAndStrings() {
        assertEquals("drop_oldest", OVERFLOW.canonical(" Drop-Oldest "));
        assertEquals("block", OVERFLOW.canonical("BLOCK"));
        refused(OVERFLOW, "drop", "pipeline.overflow must be one of block, drop_oldest, got \"drop\"");
        refused(OVERFLOW, 1, "pipeline.overflow must be a string, got 1");
        assertEquals("mobilefacenet-112=0.35, eca:2=0.4", THRESHOLDS.canonical(" mobilefacenet-112=0.35, eca:2=0.4"));
        assertEquals("", THRESHOLDS.canonical(""));
        refused(THRESHOLDS, "a=0.3\nb=0.4", "gallery.thresholds must not contain control characters");
        refused(THRESHOLDS, "${karaf.home}", "gallery.thresholds must not contain '${'");
        refused(THRESHOLDS, "x".repeat(1025), "gallery.thresholds must be at most 1024 characters, got 1025");
    }

    @Test
    void booleans() {
        assertEquals("true", FLAG.canonical(true));
        assertEquals("false", FLAG.canonical(" FALSE "));
        refused(FLAG, "yes", "x.flag must be true or false, got \"yes\"");
        refused(FLAG, 1, "x.flag must be true or false, got 1");
    }

    @Test
    void currentValuesAreTypedForOperators() {
        assertEquals(20L, MIN_FACE.typed(null), "the default");
        assertEquals(40L, MIN_FACE.typed("40"));
        assertEquals(40L, MIN_FACE.typed(40));
        assertEquals("forty", MIN_FACE.typed("forty"), "what the file says when it does not parse");
        assertEquals(0.9, ONET.typed(0.9f));
        assertEquals(0.85, ONET.typed("0.85"));
        assertEquals("a=0.3,b=0.4", THRESHOLDS.typed(new String[] {"a=0.3", "b=0.4"}));
        assertEquals(Boolean.TRUE, FLAG.typed("true"));
    }

    @Test
    void theTableHasOneEntryPerProperty() {
        assertThrows(IllegalArgumentException.class, () -> new Whitelist(List.of(MIN_FACE, MIN_FACE)));
        assertTrue(Whitelist.DEFAULT.all().size() >= 10);
        assertEquals(null, Whitelist.DEFAULT.find("operations.max_pixels"), "its own settings are not remote");
    }
}
