package io.facegate.camera.internal;

import java.util.Arrays;

/**
 * Decides, frame by frame, whether anything changed enough to be worth a face detection.
 *
 * <p>Each frame is shrunk to a gray thumbnail {@code size} cells wide (height in proportion), each
 * cell the mean brightness of the pixels it covers, so sensor noise and compression artefacts average
 * out. A frame passes when more than {@code thresholdPercent} of its cells moved by more than
 * {@value #CELL_DELTA} (of 255) against the <em>last frame that passed</em>; comparing with the last
 * passed frame rather than the previous one lets a slow change (someone walking in slowly) add up
 * until it passes. A frame also passes when {@code maxIntervalNanos} went by since the last one
 * passed, so a person standing still is still seen now and then; and the first frame (or the first
 * after {@link #reset()} or a size change) always passes.
 *
 * <p>Pure and single-threaded: the caller gives the time; not thread-safe.
 */
final class MotionGate {
    /** Mean-brightness change of a cell (0..255) above which the cell counts as changed. */
    static final int CELL_DELTA = 12;

    private final int size;
    private final double thresholdPercent;
    private final long maxIntervalNanos;

    private int frameWidth = -1;
    private int frameHeight = -1;
    private int cellsWide;
    private int cellsHigh;
    /** Thumbnail column of each frame column. */
    private int[] cellOfColumn;
    /** Pixels per cell, for the means. */
    private int[] pixelsPerCell;
    private long[] sums;
    private int[] current;
    /** Thumbnail of the last frame that passed, or null. */
    private int[] reference;
    private long lastPassNanos;
    private double lastChangedPercent;

    /**
     * @param size             thumbnail width in cells, &gt;= 1 (frames narrower than that use one cell per column)
     * @param thresholdPercent share of changed cells (0..100) a frame must exceed to pass
     * @param maxIntervalNanos a frame passes anyway this long after the last one that passed; 0 = never
     */
    MotionGate(int size, double thresholdPercent, long maxIntervalNanos) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.size = size;
        this.thresholdPercent = thresholdPercent;
        this.maxIntervalNanos = maxIntervalNanos;
    }

    /**
     * @param rgb    {@code width * height * 3} interleaved RGB bytes (only read)
     * @param width  frame width
     * @param height frame height
     * @param nanos  the frame's time on a monotonic clock ({@link System#nanoTime()})
     * @return true if the frame should go on to detection
     */
    boolean test(byte[] rgb, int width, int height, long nanos) {
        if (width != frameWidth || height != frameHeight) {
            layout(width, height);
        }
        thumbnail(rgb);
        boolean pass;
        if (reference == null) {
            lastChangedPercent = 100;
            pass = true;
        } else {
            lastChangedPercent = changedPercent();
            pass = lastChangedPercent > thresholdPercent
                    || (maxIntervalNanos > 0 && nanos - lastPassNanos >= maxIntervalNanos);
        }
        if (pass) {
            int[] swap = reference == null ? new int[current.length] : reference;
            reference = current;
            current = swap;
            lastPassNanos = nanos;
        }
        return pass;
    }

    /** Forgets the reference, so the next frame passes (e.g. after a reconnect). */
    void reset() {
        reference = null;
    }

    /** @return the share of changed cells (0..100) in the last tested frame, for logs and tests */
    double lastChangedPercent() {
        return lastChangedPercent;
    }

    private void layout(int width, int height) {
        frameWidth = width;
        frameHeight = height;
        cellsWide = Math.min(size, width);
        cellsHigh = Math.max(1, Math.min(height, (int) Math.round((double) height * cellsWide / width)));
        cellOfColumn = new int[width];
        for (int x = 0; x < width; x++) {
            cellOfColumn[x] = (int) ((long) x * cellsWide / width);
        }
        int cells = cellsWide * cellsHigh;
        pixelsPerCell = new int[cells];
        for (int y = 0; y < height; y++) {
            int row = (int) ((long) y * cellsHigh / height) * cellsWide;
            for (int x = 0; x < width; x++) {
                pixelsPerCell[row + cellOfColumn[x]]++;
            }
        }
        sums = new long[cells];
        current = new int[cells];
        reference = null;
    }

    private void thumbnail(byte[] rgb) {
        Arrays.fill(sums, 0);
        int o = 0;
        for (int y = 0; y < frameHeight; y++) {
            int row = (int) ((long) y * cellsHigh / frameHeight) * cellsWide;
            for (int x = 0; x < frameWidth; x++, o += 3) {
                // integer luma (BT.601 weights / 256): cheap, and exact enough for a change test
                sums[row + cellOfColumn[x]] += (77 * (rgb[o] & 0xff) + 150 * (rgb[o + 1] & 0xff)
                        + 29 * (rgb[o + 2] & 0xff)) >> 8;
            }
        }
        for (int i = 0; i < current.length; i++) {
            current[i] = (int) (sums[i] / pixelsPerCell[i]);
        }
    }

    private double changedPercent() {
        int changed = 0;
        for (int i = 0; i < current.length; i++) {
            if (Math.abs(current[i] - reference[i]) > CELL_DELTA) {
                changed++;
            }
        }
        return 100.0 * changed / current.length;
    }
}
