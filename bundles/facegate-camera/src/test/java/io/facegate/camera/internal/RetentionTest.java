package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @TempDir
    Path dir;

    private void file(String name, int bytes, Duration age) throws IOException {
        Path p = Files.write(dir.resolve(name), new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(NOW.minus(age)));
    }

    private List<String> left() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void filesOlderThanTheAgeGo() throws IOException {
        file("old.jpg", 10, Duration.ofDays(8));
        file("old.jpg.reason.txt", 5, Duration.ofDays(8));
        file("new.jpg", 10, Duration.ofHours(1));
        assertEquals(2, new Retention(Duration.ofDays(7), 0).prune(dir, NOW));
        assertEquals(List.of("new.jpg"), left());
    }

    @Test
    void theOldestGoUntilTheRestFitsTheBytes() throws IOException {
        file("a.jpg", 400, Duration.ofHours(4));
        file("b.jpg", 400, Duration.ofHours(3));
        file("c.jpg", 400, Duration.ofHours(2));
        file("d.jpg", 400, Duration.ofHours(1));
        assertEquals(2, new Retention(Duration.ZERO, 1000).prune(dir, NOW));
        assertEquals(List.of("c.jpg", "d.jpg"), left());
        assertEquals(0, new Retention(Duration.ZERO, 1000).prune(dir, NOW), "what fits stays");
    }

    @Test
    void noLimitsDeleteNothingAndSubfoldersAreLeftAlone() throws IOException {
        file("a.jpg", 10, Duration.ofDays(400));
        Files.createDirectory(dir.resolve("sub"));
        assertEquals(0, Retention.NONE.prune(dir, NOW));
        assertEquals(0, new Retention(Duration.ofDays(1), 1).prune(dir.resolve("missing"), NOW));
        assertEquals(1, new Retention(Duration.ofDays(1), 0).prune(dir, NOW));
        assertEquals(List.of("sub"), left());
    }

    @Test
    void negativeLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Retention(Duration.ofHours(-1), 0));
        assertThrows(IllegalArgumentException.class, () -> new Retention(Duration.ZERO, -1));
    }
}
