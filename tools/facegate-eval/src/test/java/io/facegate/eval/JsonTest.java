package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedValuesInOrderWithEscapes() {
        String json = Json.write(Reports.map("name", "a \"b\"\n\\c", "n", 3, "x", 0.25, "nan", Double.NaN,
                "list", List.of(1, 2.5), "none", null, "ok", true, "nested", List.of(Reports.map("k", "v"))));
        assertEquals("""
                {
                  "name": "a \\"b\\"\\n\\\\c",
                  "n": 3,
                  "x": 0.25,
                  "nan": null,
                  "list": [1, 2.5],
                  "none": null,
                  "ok": true,
                  "nested": [
                    {
                      "k": "v"
                    }
                  ]
                }
                """, json);
    }

    @Test
    void emptyContainersAndControlCharacters() {
        assertEquals("{}\n", Json.write(Reports.map()));
        assertEquals("[]\n", Json.write(List.of()));
        assertEquals("\"\\u0001\"\n", Json.write("\u0001"));
        assertEquals("[null, 1]\n", Json.write(Arrays.asList(null, 1)));
    }

    @Test
    void refusesTypesWithoutAJsonForm() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
