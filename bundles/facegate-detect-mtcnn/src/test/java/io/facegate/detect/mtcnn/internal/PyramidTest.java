package io.facegate.detect.mtcnn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PyramidTest {

    @Test
    void scalesForTheDefaultMinimumFaceAndFactor() {
        List<Float> s = Pyramid.scales(640, 480, 20, 0.709f);
        // 480 * 0.6 = 288 shrinks by 0.709 per level while >= 12: 288 ... 13.0 is 10 levels
        assertEquals(10, s.size());
        assertEquals(0.6f, s.get(0), 1e-6);
        for (int i = 1; i < s.size(); i++) {
            assertEquals(0.709, s.get(i) / s.get(i - 1), 1e-5);
        }
        float last = s.get(s.size() - 1);
        assertTrue(480 * last >= 12, "smallest level must still hold one 12 px window");
        assertTrue(480 * last * 0.709f < 12, "one more level would have fitted");
    }

    @Test
    void largerMinimumFaceStartsSmallerAndHasFewerLevels() {
        List<Float> s = Pyramid.scales(640, 480, 40, 0.709f);
        assertEquals(0.3f, s.get(0), 1e-6);
        assertEquals(8, s.size()); // 144 -> 12.6
    }

    @Test
    void imageSmallerThanTheMinimumFaceHasNoLevels() {
        assertEquals(List.of(), Pyramid.scales(30, 19, 20, 0.709f));
        assertEquals(1, Pyramid.scales(30, 20, 20, 0.709f).size());
    }
}
