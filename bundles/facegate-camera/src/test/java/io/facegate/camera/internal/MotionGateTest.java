package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The motion gate, frame by frame, with the test's own clock. */
class MotionGateTest {
    private static final int W = 320;
    private static final int H = 240;
    private static final long MS = 1_000_000L;

    /** A textured scene: gradients, so a moved or changed region really changes cell means. */
    private static byte[] scene() {
        byte[] rgb = new byte[W * H * 3];
        for (int y = 0, o = 0; y < H; y++) {
            for (int x = 0; x < W; x++, o += 3) {
                rgb[o] = (byte) (x * 255 / W);
                rgb[o + 1] = (byte) (y * 255 / H);
                rgb[o + 2] = (byte) 128;
            }
        }
        return rgb;
    }

    /** Paints a w x h box of one gray level at (x0, y0). */
    private static byte[] withBox(byte[] base, int x0, int y0, int w, int h, int level) {
        byte[] rgb = base.clone();
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int o = (y * W + x) * 3;
                rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte) level;
            }
        }
        return rgb;
    }

    private static byte[] brighter(byte[] base, int delta) {
        byte[] rgb = base.clone();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) Math.min(255, (rgb[i] & 0xff) + delta);
        }
        return rgb;
    }

    private static byte[] noisy(byte[] base, Random r, int amplitude) {
        byte[] rgb = base.clone();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) Math.max(0, Math.min(255, (rgb[i] & 0xff) + r.nextInt(2 * amplitude + 1) - amplitude));
        }
        return rgb;
    }

    @Test
    void aStaticSceneIsSkippedAfterTheFirstFrame() {
        MotionGate gate = new MotionGate(32, 0.5, 0);
        byte[] still = scene();
        assertTrue(gate.test(still, W, H, 0), "the first frame always passes");
        Random r = new Random(1);
        for (int i = 1; i <= 50; i++) {
            assertFalse(gate.test(noisy(still, r, 20), W, H, i * 100 * MS), "sensor noise is no motion, frame " + i);
        }
        assertFalse(gate.test(brighter(still, 8), W, H, 6000 * MS), "a small exposure change is no motion");
        assertEquals(0, gate.lastChangedPercent(), 1e-9);
    }

    @Test
    void aChangePassesAndBecomesTheNewReference() {
        MotionGate gate = new MotionGate(32, 0.5, 0);
        byte[] still = scene();
        assertTrue(gate.test(still, W, H, 0));
        // a 30x30 box at 320x240 covers about 3x3 of the 32x24 cells: ~1.2 % > 0.5 %
        byte[] someone = withBox(still, 100, 100, 30, 30, 0);
        assertTrue(gate.test(someone, W, H, 100 * MS));
        assertTrue(gate.lastChangedPercent() > 0.5 && gate.lastChangedPercent() < 3, "" + gate.lastChangedPercent());
        assertFalse(gate.test(someone, W, H, 200 * MS), "compared with the frame that passed");
        assertTrue(gate.test(still, W, H, 300 * MS), "leaving is a change too");
    }

    @Test
    void aSmallChangeBelowTheThresholdIsSkipped() {
        MotionGate gate = new MotionGate(32, 5, 0);
        byte[] still = scene();
        gate.test(still, W, H, 0);
        assertFalse(gate.test(withBox(still, 100, 100, 30, 30, 0), W, H, 100 * MS), "~1.2 % of the cells < 5 %");
        assertTrue(gate.test(withBox(still, 50, 50, 120, 100, 0), W, H, 200 * MS), "a large change passes");
    }

    @Test
    void slowChangesAddUpAgainstTheLastPassedFrame() {
        MotionGate gate = new MotionGate(32, 0.5, 0);
        byte[] still = scene();
        // a quarter of the picture darkening by 8 levels a frame: each step alone is below the cell delta
        assertTrue(gate.test(withBox(still, 0, 0, 160, 120, 128), W, H, 0));
        assertFalse(gate.test(withBox(still, 0, 0, 160, 120, 120), W, H, 100 * MS),
                "8 levels: not above " + MotionGate.CELL_DELTA);
        assertTrue(gate.test(withBox(still, 0, 0, 160, 120, 112), W, H, 200 * MS), "16 levels from the reference");
    }

    @Test
    void theMaxIntervalLetsOneStillFrameThrough() {
        MotionGate gate = new MotionGate(32, 0.5, 2000 * MS);
        byte[] still = scene();
        assertTrue(gate.test(still, W, H, 0));
        int passed = 0;
        for (int t = 250; t <= 5000; t += 250) {
            if (gate.test(still, W, H, t * MS)) {
                passed++;
                assertTrue(t == 2000 || t == 4000, "passes exactly every 2 s, not at " + t);
            }
        }
        assertEquals(2, passed);
    }

    @Test
    void aNewSizeOrResetPassesTheNextFrame() {
        MotionGate gate = new MotionGate(32, 0.5, 0);
        byte[] still = scene();
        assertTrue(gate.test(still, W, H, 0));
        assertFalse(gate.test(still, W, H, MS));
        gate.reset();
        assertTrue(gate.test(still, W, H, 2 * MS));
        byte[] small = new byte[16 * 8 * 3];
        assertTrue(gate.test(small, 16, 8, 3 * MS), "another size: a new reference");
        assertFalse(gate.test(small, 16, 8, 4 * MS), "narrower than the thumbnail: one cell per column");
    }
}
