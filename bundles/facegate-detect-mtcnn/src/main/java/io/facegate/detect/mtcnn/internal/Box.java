package io.facegate.detect.mtcnn.internal;

/**
 * An axis-aligned box as a continuous extent {@code [x1, x2] x [y1, y2]} (see the package doc
 * for the coordinate convention).
 *
 * @param x1 left
 * @param y1 top
 * @param x2 right
 * @param y2 bottom
 */
record Box(float x1, float y1, float x2, float y2) {

    float width() {
        return x2 - x1;
    }

    float height() {
        return y2 - y1;
    }

    float area() {
        return Math.max(0, width()) * Math.max(0, height());
    }

    /** @return whether the box has a finite, positive size (regression can produce neither) */
    boolean isValid() {
        return Float.isFinite(x1) && Float.isFinite(y1) && Float.isFinite(x2) && Float.isFinite(y2)
                && x2 > x1 && y2 > y1;
    }

    /**
     * MTCNN bounding-box regression: each edge moves by its offset times the box side.
     *
     * @param reg {@code dx1, dy1, dx2, dy2} at {@code offset}
     * @param offset index of {@code dx1}
     * @return the moved box
     */
    Box regress(float[] reg, int offset) {
        float w = width();
        float h = height();
        return new Box(x1 + reg[offset] * w, y1 + reg[offset + 1] * h,
                x2 + reg[offset + 2] * w, y2 + reg[offset + 3] * h);
    }

    /** @return the square with side {@code max(width, height)} and the same centre */
    Box square() {
        float side = Math.max(width(), height());
        float cx = (x1 + x2) / 2;
        float cy = (y1 + y2) / 2;
        return new Box(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2);
    }

    /**
     * @param other another box
     * @param mode  how to normalise the intersection
     * @return intersection over union or over the smaller area; 0 for disjoint or empty boxes
     */
    float overlap(Box other, Nms.Mode mode) {
        float iw = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        float ih = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        float inter = iw * ih;
        float denom = mode == Nms.Mode.UNION ? area() + other.area() - inter : Math.min(area(), other.area());
        return denom > 0 ? inter / denom : 0;
    }
}
