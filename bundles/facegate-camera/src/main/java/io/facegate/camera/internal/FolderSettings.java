package io.facegate.camera.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of one watched folder.
 *
 * @param inbox          the folder watched for new images
 * @param done           where successfully processed images are moved
 * @param failed         where unreadable or failed images are moved, each with a {@code .reason.txt}
 * @param sourceId       the source id of every frame
 * @param extensions     lower-case file extensions taken as images, without the dot
 * @param pollIntervalMs period of the full rescan that backs up the WatchService
 * @param settleMs       how long a file's size and mtime must stay unchanged before it is read
 * @param maxPixels      largest image (width times height) that is decoded
 * @param retention      how much of {@code done} and {@code failed} (each) is kept
 */
record FolderSettings(Path inbox, Path done, Path failed, String sourceId, Set<String> extensions,
                      long pollIntervalMs, long settleMs, long maxPixels, Retention retention) {

    static final String[] DEFAULT_EXTENSIONS = {"jpg", "jpeg", "png", "bmp", "gif"};
    static final long DEFAULT_POLL_INTERVAL_MS = 1000;
    static final long DEFAULT_SETTLE_MS = 500;
    static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    static final long DEFAULT_RETENTION_MAX_AGE_H = 7 * 24;
    static final long DEFAULT_RETENTION_MAX_MB = 1024;
    /** Largest image an {@link io.facegate.api.RgbImage} can hold: 3 bytes per pixel in one Java array. */
    static final long MAX_MAX_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,10}");

    /** Validates and normalises; every rule fails fast with a message naming the configuration key. */
    FolderSettings {
        if (inbox == null) {
            throw new IllegalArgumentException("directory is required");
        }
        inbox = inbox.toAbsolutePath().normalize();
        done = done == null ? inbox.resolve("done") : done.toAbsolutePath().normalize();
        failed = failed == null ? inbox.resolve("failed") : failed.toAbsolutePath().normalize();
        if (done.equals(inbox) || failed.equals(inbox) || done.equals(failed)) {
            throw new IllegalArgumentException("directory, done_directory and failed_directory must be three"
                    + " different folders, got " + inbox + ", " + done + ", " + failed);
        }
        if (sourceId == null || sourceId.isBlank()) {
            sourceId = "folder:" + inbox;
        }
        if (extensions == null || extensions.isEmpty()) {
            throw new IllegalArgumentException("extensions must name at least one file extension");
        }
        for (String e : extensions) {
            if (!EXTENSION.matcher(e).matches()) {
                throw new IllegalArgumentException("extensions: '" + e + "' is not a file extension (1-10 lower-case"
                        + " letters or digits, no dot)");
            }
        }
        extensions = Set.copyOf(extensions);
        if (pollIntervalMs < 10 || pollIntervalMs > 3_600_000) {
            throw new IllegalArgumentException("poll_interval_ms must be within 10..3600000, got " + pollIntervalMs);
        }
        if (settleMs < 0 || settleMs > 600_000) {
            throw new IllegalArgumentException("settle_ms must be within 0..600000, got " + settleMs);
        }
        if (maxPixels < 1 || maxPixels > MAX_MAX_PIXELS) {
            throw new IllegalArgumentException("max_pixels must be within 1.." + MAX_MAX_PIXELS + ", got " + maxPixels);
        }
        retention = retention == null ? Retention.NONE : retention;
    }

    /** Settings that keep everything in {@code done} and {@code failed} (tests, tools). */
    FolderSettings(Path inbox, Path done, Path failed, String sourceId, Set<String> extensions,
                   long pollIntervalMs, long settleMs, long maxPixels) {
        this(inbox, done, failed, sourceId, extensions, pollIntervalMs, settleMs, maxPixels, Retention.NONE);
    }

    /**
     * @param config the DS configuration
     * @return the validated settings
     * @throws IllegalArgumentException on a bad value
     */
    static FolderSettings from(FolderCamera.Config config) {
        String dir = config.directory();
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("directory is required");
        }
        long ageH = config.retention__max__age__h();
        long mb = config.retention__max__mb();
        if (ageH < 0 || ageH > 100L * 365 * 24 || mb < 0 || mb > (Long.MAX_VALUE >> 20)) {
            throw new IllegalArgumentException("retention_max_age_h and retention_max_mb must be >= 0 (0: no limit),"
                    + " got " + ageH + " and " + mb);
        }
        return new FolderSettings(Path.of(dir.trim()), optionalPath(config.done__directory()),
                optionalPath(config.failed__directory()), config.source__id(), parseExtensions(config.extensions()),
                config.poll__interval__ms(), config.settle__ms(), config.max__pixels(),
                new Retention(java.time.Duration.ofHours(ageH), mb << 20));
    }

    private static Path optionalPath(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    /**
     * Accepts {@code jpg}, {@code .JPG}, and comma- or blank-separated lists inside one value (a
     * Karaf {@code .cfg} file gives a single string).
     *
     * @param values configured values
     * @return lower-case extensions without dots
     */
    static Set<String> parseExtensions(String[] values) {
        Set<String> out = new LinkedHashSet<>();
        if (values == null) {
            return out;
        }
        for (String v : values) {
            if (v == null) {
                continue;
            }
            for (String part : v.split("[,\\s]+")) {
                String e = part.trim().toLowerCase(Locale.ROOT);
                if (e.startsWith(".")) {
                    e = e.substring(1);
                }
                if (!e.isEmpty()) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** @return the extensions, sorted, for logs */
    List<String> sortedExtensions() {
        List<String> l = new ArrayList<>(extensions);
        l.sort(null);
        return l;
    }
}
