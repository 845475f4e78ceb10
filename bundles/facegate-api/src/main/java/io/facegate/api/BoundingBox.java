package io.facegate.api;

/**
 * An axis-aligned box in image pixel coordinates.
 *
 * @param x      left edge
 * @param y      top edge
 * @param width  width, &gt;= 0
 * @param height height, &gt;= 0
 */
public record BoundingBox(float x, float y, float width, float height) {
    /** @throws IllegalArgumentException on negative or non-finite size */
    public BoundingBox {
        if (!(width >= 0) || !(height >= 0) || !Float.isFinite(x) || !Float.isFinite(y)
                || !Float.isFinite(width) || !Float.isFinite(height)) {
            throw new IllegalArgumentException("invalid box " + x + "," + y + " " + width + "x" + height);
        }
    }

    /**
     * @param p a point
     * @return whether the point lies inside the box or on its edge
     */
    public boolean contains(Point p) {
        return p.x() >= x && p.x() <= x + width && p.y() >= y && p.y() <= y + height;
    }

    /** @return width times height */
    public float area() {
        return width * height;
    }
}
