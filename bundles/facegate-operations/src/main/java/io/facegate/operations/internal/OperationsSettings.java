package io.facegate.operations.internal;

/**
 * The validated configuration of the operations component.
 *
 * @param maxPixels          largest width x height decoded
 * @param maxPhotos          most photos in one enrolment
 * @param maxImageBytes      largest encoded image accepted
 * @param configureTimeoutMs how long a settings change waits for its component before restoring
 */
record OperationsSettings(long maxPixels, int maxPhotos, long maxImageBytes, long configureTimeoutMs) {
    /** The folder camera's default: a photo the camera takes is one the commands take. */
    static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** Largest image an {@link io.facegate.api.RgbImage} can hold: 3 bytes per pixel in one Java array. */
    static final long MAX_MAX_PIXELS = (Integer.MAX_VALUE - 8) / 3;
    static final int DEFAULT_MAX_PHOTOS = 10;
    /** The gallery takes at most 100 faces per enrolment. */
    static final int MAX_MAX_PHOTOS = 100;
    static final long DEFAULT_MAX_IMAGE_BYTES = 8L * 1024 * 1024;
    static final long MAX_MAX_IMAGE_BYTES = 256L * 1024 * 1024;
    static final long DEFAULT_CONFIGURE_TIMEOUT_MS = 10_000;

    /** @throws IllegalArgumentException naming the first bad key */
    OperationsSettings {
        check("max_pixels", maxPixels, 1, MAX_MAX_PIXELS);
        check("max_photos", maxPhotos, 1, MAX_MAX_PHOTOS);
        check("max_image_bytes", maxImageBytes, 1, MAX_MAX_IMAGE_BYTES);
        check("configure_timeout_ms", configureTimeoutMs, 1000, 300_000);
    }

    private static void check(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be within " + min + ".." + max + ", got " + value);
        }
    }

    /** @return the defaults */
    static OperationsSettings defaults() {
        return new OperationsSettings(DEFAULT_MAX_PIXELS, DEFAULT_MAX_PHOTOS, DEFAULT_MAX_IMAGE_BYTES,
                DEFAULT_CONFIGURE_TIMEOUT_MS);
    }

    /**
     * @param c the DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException on a bad value, naming its key
     */
    static OperationsSettings from(OperationsConfig c) {
        return new OperationsSettings(c.max__pixels(), c.max__photos(), c.max__image__bytes(),
                c.configure__timeout__ms());
    }
}
