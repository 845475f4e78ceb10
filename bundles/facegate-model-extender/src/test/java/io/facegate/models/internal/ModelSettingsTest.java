package io.facegate.models.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import org.junit.jupiter.api.Test;

class ModelSettingsTest {
    private static final ModelDeclaration DECLARED = new ModelDeclaration("models/m", 100, null);

    private static Hashtable<String, Object> config(Object... kv) {
        Hashtable<String, Object> h = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) {
            h.put((String) kv[i], kv[i + 1]);
        }
        return h;
    }

    @Test
    void defaultsComeFromTheDeclarationAndTheModel() {
        ModelSettings s = ModelSettings.from(null, DECLARED);
        assertEquals(new ModelSettings(16, true, 100, Float.NaN), s);
        assertEquals(s, ModelSettings.from(config(), DECLARED));
    }

    @Test
    void configurationOverridesInTypedOrStringForm() {
        assertEquals(new ModelSettings(4, false, 300, 0.42f), ModelSettings.from(config("max_batch", 4,
                "flip_average", false, "service.ranking", 300, "threshold", 0.42), DECLARED));
        assertEquals(new ModelSettings(8, false, -1, -0.5f), ModelSettings.from(config("max_batch", "8",
                "flip_average", "FALSE", "service.ranking", " -1", "threshold", "-0.5"), DECLARED));
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        Object[][] bad = {{"max_batch", 0}, {"max_batch", 257}, {"max_batch", "many"}, {"flip_average", "yes"},
            {"service.ranking", "1.5"}, {"threshold", 1.5}, {"threshold", "NaN"}, {"threshold", "x"}};
        for (Object[] kv : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelSettings.from(config(kv), DECLARED), kv[0] + "=" + kv[1]);
            assertTrue(e.getMessage().contains((String) kv[0]), e.getMessage());
        }
    }
}
