package io.facegate.detect.mtcnn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NmsTest {

    record Scored(String name, Box box, float score) {
    }

    private static List<String> run(List<Scored> in, float threshold, Nms.Mode mode) {
        return Nms.suppress(in, Scored::box, Scored::score, threshold, mode).stream().map(Scored::name).toList();
    }

    @Test
    void unionKeepsTheBestOfEachClusterHighestFirst() {
        List<Scored> in = List.of(
                new Scored("a-weak", new Box(1, 1, 11, 11), 0.6f),      // IoU with a-best = 81/119 = 0.68
                new Scored("b", new Box(50, 50, 60, 60), 0.7f),
                new Scored("a-best", new Box(0, 0, 10, 10), 0.9f),
                new Scored("a-far", new Box(6, 0, 16, 10), 0.8f));      // IoU with a-best = 40/160 = 0.25
        assertEquals(List.of("a-best", "a-far", "b"), run(in, 0.5f, Nms.Mode.UNION));
        // a stricter threshold keeps the 0.68-overlap box too
        assertEquals(List.of("a-best", "a-far", "b", "a-weak"), run(in, 0.7f, Nms.Mode.UNION));
    }

    @Test
    void minRemovesABoxNestedInABetterOne() {
        List<Scored> in = List.of(
                new Scored("outer", new Box(0, 0, 100, 100), 0.95f),
                new Scored("nested", new Box(20, 20, 50, 50), 0.9f));   // IoU 0.09, min-overlap 1
        assertEquals(List.of("outer", "nested"), run(in, 0.7f, Nms.Mode.UNION));
        assertEquals(List.of("outer"), run(in, 0.7f, Nms.Mode.MIN));
    }

    @Test
    void aSuppressedBoxNoLongerSuppressesOthers() {
        // b overlaps a and c; a beats b, so c survives although b would have removed it
        List<Scored> in = List.of(
                new Scored("a", new Box(0, 0, 10, 10), 0.9f),
                new Scored("b", new Box(2, 0, 12, 10), 0.8f),
                new Scored("c", new Box(5, 0, 15, 10), 0.7f));
        assertEquals(List.of("a", "c"), run(in, 0.5f, Nms.Mode.UNION));
    }

    @Test
    void emptyInEmptyOut() {
        assertEquals(List.of(), run(List.of(), 0.5f, Nms.Mode.UNION));
    }
}
