package io.facegate.api;

/**
 * A point in image pixel coordinates (x to the right, y down).
 *
 * @param x column, sub-pixel
 * @param y row, sub-pixel
 */
public record Point(float x, float y) {
}
