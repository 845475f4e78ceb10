package io.facegate.train;

import java.util.Random;

/**
 * Makes the student's input from a cached 112x112 crop: one bilinear warp to the student's size
 * (the ArcFace template scaled, so a 96x96 crop of the same face) with a random small shift,
 * scale and rotation, a random mirror, brightness/contrast jitter and sometimes grayscale, then
 * the {@code (x - 127.5) / 128} normalisation the shipped model expects.
 */
final class Augment {
    static final float MEAN = 127.5f;
    static final float SCALE = 128f;
    private static final double MAX_SHIFT = 0.04; // of the output side
    private static final double MAX_SCALE = 0.08;
    private static final double MAX_ROTATION = Math.toRadians(8);
    private static final double GRAYSCALE_SHARE = 0.3; // LFW-a and many cameras at night are gray

    private Augment() {
    }

    /** What one draw did; {@link #flipped} says which teacher target applies. */
    record Draw(double dx, double dy, double scale, double angle, boolean flipped, float contrast, float brightness,
            boolean gray) {
        static final Draw NONE = new Draw(0, 0, 1, 0, false, 1, 0, false);

        static Draw random(Random r) {
            return new Draw(uniform(r, MAX_SHIFT), uniform(r, MAX_SHIFT), 1 + uniform(r, MAX_SCALE),
                    uniform(r, MAX_ROTATION), r.nextBoolean(), (float) (1 + uniform(r, 0.25)),
                    (float) uniform(r, 25), r.nextDouble() < GRAYSCALE_SHARE);
        }

        private static double uniform(Random r, double max) {
            return (r.nextDouble() * 2 - 1) * max;
        }
    }

    /**
     * Writes the normalised {@code out x out x 3} input into {@code into} at {@code offset}.
     *
     * @param rgb  the cached {@code in x in} RGB crop
     */
    static void render(byte[] rgb, int in, int out, Draw d, float[] into, int offset) {
        double k = (double) out / in * d.scale();
        double cos = Math.cos(d.angle()) / k;
        double sin = Math.sin(d.angle()) / k;
        double cIn = (in - 1) / 2.0;
        double cOut = (out - 1) / 2.0;
        for (int v = 0; v < out; v++) {
            for (int u = 0; u < out; u++) {
                double px = u - cOut - d.dx() * out;
                double py = v - cOut - d.dy() * out;
                double x = cIn + cos * px - sin * py;
                double y = cIn + sin * px + cos * py;
                if (d.flipped()) {
                    x = in - 1 - x;
                }
                int o = offset + (v * out + u) * 3;
                sample(rgb, in, x, y, into, o);
                if (d.gray()) {
                    float g = 0.299f * into[o] + 0.587f * into[o + 1] + 0.114f * into[o + 2];
                    into[o] = g;
                    into[o + 1] = g;
                    into[o + 2] = g;
                }
                for (int c = 0; c < 3; c++) {
                    float value = (into[o + c] - 128f) * d.contrast() + 128f + d.brightness();
                    into[o + c] = (Math.max(0f, Math.min(255f, value)) - MEAN) / SCALE;
                }
            }
        }
    }

    /** Bilinear sample, edge pixels repeated outside the crop. */
    private static void sample(byte[] rgb, int size, double x, double y, float[] into, int o) {
        x = Math.max(0, Math.min(size - 1, x));
        y = Math.max(0, Math.min(size - 1, y));
        int x0 = (int) x;
        int y0 = (int) y;
        int x1 = Math.min(size - 1, x0 + 1);
        int y1 = Math.min(size - 1, y0 + 1);
        float fx = (float) (x - x0);
        float fy = (float) (y - y0);
        for (int c = 0; c < 3; c++) {
            float a = rgb[(y0 * size + x0) * 3 + c] & 0xff;
            float b = rgb[(y0 * size + x1) * 3 + c] & 0xff;
            float e = rgb[(y1 * size + x0) * 3 + c] & 0xff;
            float f = rgb[(y1 * size + x1) * 3 + c] & 0xff;
            into[o + c] = (a + (b - a) * fx) * (1 - fy) + (e + (f - e) * fx) * fy;
        }
    }
}
