package io.facegate.camera.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Caps a folder of kept files ({@code done/}, {@code failed/}) by age and by bytes, so that a camera never fills the
 * gateway's disk: files older than the age go, then the oldest ones until the rest fits. Only the folder's own
 * regular files are looked at (not subfolders); a file that vanishes meanwhile is skipped.
 *
 * @param maxAge   the oldest a file may get; {@link Duration#ZERO} for no age limit
 * @param maxBytes the most all files together may hold; 0 for no size limit
 */
record Retention(Duration maxAge, long maxBytes) {
    /** No limits: nothing is ever deleted. */
    static final Retention NONE = new Retention(Duration.ZERO, 0);

    Retention {
        if (maxAge.isNegative() || maxBytes < 0) {
            throw new IllegalArgumentException("retention limits must be >= 0, got " + maxAge + " and " + maxBytes);
        }
    }

    private record Kept(Path path, Instant modified, long size) {
    }

    /**
     * @param folder the folder
     * @param now    the time to measure ages against
     * @return how many files were deleted
     * @throws IOException if the folder cannot be listed
     */
    int prune(Path folder, Instant now) throws IOException {
        if (this.equals(NONE) || !Files.isDirectory(folder)) {
            return 0;
        }
        List<Kept> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.toList()) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        files.add(new Kept(p, a.lastModifiedTime().toInstant(), a.size()));
                    }
                } catch (IOException gone) {
                    // moved or deleted meanwhile
                }
            }
        }
        files.sort(Comparator.comparing(Kept::modified));
        long total = files.stream().mapToLong(Kept::size).sum();
        Instant oldest = maxAge.isZero() ? Instant.MIN : now.minus(maxAge);
        int deleted = 0;
        for (Kept k : files) {
            boolean tooOld = k.modified().isBefore(oldest);
            boolean tooMuch = maxBytes > 0 && total > maxBytes;
            if (!tooOld && !tooMuch) {
                break; // sorted oldest first: the rest is newer and fits
            }
            if (Files.deleteIfExists(k.path())) {
                deleted++;
            }
            total -= k.size();
        }
        return deleted;
    }
}
