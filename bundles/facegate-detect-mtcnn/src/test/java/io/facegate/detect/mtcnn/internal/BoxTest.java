package io.facegate.detect.mtcnn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoxTest {

    @Test
    void regressionMovesEachEdgeByItsOffsetTimesTheSide() {
        Box b = new Box(10, 20, 50, 100); // 40 wide, 80 high
        Box r = b.regress(new float[] {9, 0.1f, -0.25f, 0.5f, -0.1f}, 1);
        assertEquals(10 + 0.1f * 40, r.x1(), 1e-5);
        assertEquals(20 - 0.25f * 80, r.y1(), 1e-5);
        assertEquals(50 + 0.5f * 40, r.x2(), 1e-5);
        assertEquals(100 - 0.1f * 80, r.y2(), 1e-5);
    }

    @Test
    void squareUpKeepsTheCentreAndTakesTheLongerSide() {
        Box tall = new Box(10, 20, 30, 80).square();
        assertEquals(new Box(-10, 20, 50, 80), tall);
        Box wide = new Box(0, 0, 100, 20).square();
        assertEquals(new Box(0, -40, 100, 60), wide);
    }

    @Test
    void overlapByUnionAndByMin() {
        Box a = new Box(0, 0, 10, 10);
        Box b = new Box(5, 0, 15, 10);          // half of a
        assertEquals(50f / 150f, a.overlap(b, Nms.Mode.UNION), 1e-6);
        assertEquals(0.5f, a.overlap(b, Nms.Mode.MIN), 1e-6);
        Box inner = new Box(2, 2, 4, 4);        // nested: small IoU, full "min" overlap
        assertEquals(4f / 100f, a.overlap(inner, Nms.Mode.UNION), 1e-6);
        assertEquals(1f, a.overlap(inner, Nms.Mode.MIN), 1e-6);
        assertEquals(0f, a.overlap(new Box(10, 0, 20, 10), Nms.Mode.UNION));
        assertEquals(0f, a.overlap(new Box(20, 20, 30, 30), Nms.Mode.MIN));
    }

    @Test
    void validity() {
        assertTrue(new Box(0, 0, 1, 1).isValid());
        assertFalse(new Box(0, 0, 0, 1).isValid());
        assertFalse(new Box(5, 0, 1, 1).isValid());
        assertFalse(new Box(0, Float.NaN, 1, 1).isValid());
    }
}
