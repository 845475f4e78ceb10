package io.facegate.camera.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.Frame;
import io.facegate.api.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder source against a real temporary folder. */
class FolderFrameSourceTest {

    /** Generous: the build machine may be heavily loaded; only a failing test waits this long. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final List<FolderFrameSource> opened = new ArrayList<>();
    /** Whole seconds, so files "written" the same second ago share one mtime exactly. */
    private final Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());

    @AfterEach
    void closeAll() {
        opened.forEach(FolderFrameSource::close);
    }

    private Path inbox() {
        return tmp.resolve("inbox");
    }

    private FolderFrameSource open(long settleMs, boolean watch) {
        FolderSettings s = new FolderSettings(inbox(), null, null, "test-cam",
                Set.of("jpg", "jpeg", "png", "bmp", "gif"), 50, settleMs, FolderSettings.DEFAULT_MAX_PIXELS);
        FolderFrameSource src = new FolderFrameSource(s, watch);
        src.start();
        opened.add(src);
        return src;
    }

    private FolderFrameSource open() {
        return open(30, true);
    }

    static BufferedImage picture(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 7 + seed * 31) & 255) << 16 | ((y * 5 + seed) & 255) << 8 | ((x ^ y) & 255));
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes a file and sets its mtime, so arrival order is under the test's control. */
    private Path put(String name, byte[] content, long mtimeSecondsAgo) throws IOException {
        Files.createDirectories(inbox());
        Path tmpFile = tmp.resolve(".staging-" + name);
        Files.write(tmpFile, content);
        Files.setLastModifiedTime(tmpFile, FileTime.from(now.minusSeconds(mtimeSecondsAgo)));
        return Files.move(tmpFile, inbox().resolve(name));
    }

    private static Set<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void newFilesBecomeFramesInArrivalOrder() throws Exception {
        BufferedImage a = picture(40, 30, 1);
        BufferedImage b = picture(32, 32, 2);
        BufferedImage c = picture(16, 24, 3);
        put("b.png", encode(b, "png"), 20);
        put("c.png", encode(c, "png"), 30);   // oldest
        put("a.png", encode(a, "png"), 20);   // same mtime as b: by name
        FolderFrameSource src = open();

        Frame f1 = src.next(WAIT);
        Frame f2 = src.next(WAIT);
        Frame f3 = src.next(WAIT);
        assertEquals(List.of("c.png", "a.png", "b.png"), List.of(f1.origin(), f2.origin(), f3.origin()));
        assertEquals(RgbImage.of(c), f1.image());
        assertEquals(RgbImage.of(a), f2.image());
        assertEquals("test-cam", f1.sourceId());
        assertTrue(f1.sequence() < f2.sequence() && f2.sequence() < f3.sequence());
        assertEquals(Files.getLastModifiedTime(inbox().resolve("c.png")).toInstant(), f1.timestamp());
        assertNull(src.next(Duration.ofMillis(100)), "nothing else in the inbox");

        // a file arriving later comes through the watcher; formats are sniffed, gray and BMP/GIF/JPEG all become RGB
        BufferedImage gray = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(3, 4, 0, 200);
        put("later.bmp", encode(gray, "bmp"), 0);
        Frame f4 = src.next(WAIT);
        assertEquals("later.bmp", f4.origin());
        int expected = RgbImage.of(gray).sample(3, 4, 0);
        assertTrue(expected > 0);
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(expected, f4.image().sample(3, 4, ch), "gray becomes three equal channels");
        }
        put("later2.GIF", encode(picture(8, 8, 4), "gif"), 0);
        put("later3.jpeg", encode(picture(64, 48, 5), "jpeg"), 0);
        assertEquals(Set.of("later2.GIF", "later3.jpeg"), Set.of(src.next(WAIT).origin(), src.next(WAIT).origin()));
        assertEquals(Set.of(), names(inbox().resolve("failed")));
    }

    @Test
    void periodicScanFindsFilesWithoutWatchService() throws Exception {
        FolderFrameSource src = open(0, false);
        put("x.png", encode(picture(8, 8, 1), "png"), 0);
        Frame f = src.next(WAIT);
        assertNotNull(f);
        assertEquals("x.png", f.origin());
    }

    @Test
    void acknowledgeMovesToDoneOrToFailedWithReason() throws Exception {
        put("ok.png", encode(picture(8, 8, 1), "png"), 10);
        put("bad.png", encode(picture(8, 8, 2), "png"), 5);
        FolderFrameSource src = open();
        Frame ok = src.next(WAIT);
        Frame bad = src.next(WAIT);
        assertEquals(Set.of("ok.png", "bad.png", "done", "failed"), names(inbox()), "unacknowledged files stay put");

        src.acknowledge(ok, true, null);
        src.acknowledge(bad, false, "detector: model not loaded");
        assertEquals(Set.of("done", "failed"), names(inbox()));
        assertEquals(Set.of("ok.png"), names(inbox().resolve("done")));
        assertEquals(Set.of("bad.png", "bad.png.reason.txt"), names(inbox().resolve("failed")));
        String reason = Files.readString(inbox().resolve("failed/bad.png.reason.txt"));
        assertTrue(reason.startsWith("detector: model not loaded\n"), reason);
        assertTrue(reason.contains("source: test-cam"), reason);
        assertEquals(0, src.inFlightCount());

        // acknowledging twice or a foreign frame changes nothing
        src.acknowledge(ok, true, null);
        src.acknowledge(new Frame("other", 1, Instant.now(), "ok.png", ok.image()), true, null);
        assertEquals(Set.of("ok.png"), names(inbox().resolve("done")));
    }

    @Test
    void nameCollisionsInDoneAndFailedGetASuffix() throws Exception {
        Files.createDirectories(inbox().resolve("done"));
        Files.createDirectories(inbox().resolve("failed"));
        Files.writeString(inbox().resolve("done/p.png"), "older");
        Files.writeString(inbox().resolve("done/p-1.png"), "older");
        Files.writeString(inbox().resolve("failed/q.png"), "older");
        put("p.png", encode(picture(8, 8, 1), "png"), 10);
        put("q.png", encode(picture(8, 8, 2), "png"), 5);
        put("noext.gif", encode(picture(8, 8, 3), "gif"), 1);
        FolderFrameSource src = open();
        src.acknowledge(src.next(WAIT), true, null);
        src.acknowledge(src.next(WAIT), false, "no");
        assertEquals(Set.of("p.png", "p-1.png", "p-2.png"), names(inbox().resolve("done")));
        assertEquals("older", Files.readString(inbox().resolve("done/p.png")), "never overwritten");
        assertEquals(Set.of("q.png", "q-1.png", "q-1.png.reason.txt"), names(inbox().resolve("failed")));
        assertEquals("p-3", FolderFrameSource.withSuffix("p", 3));
        assertEquals("a.b-2.jpg", FolderFrameSource.withSuffix("a.b.jpg", 2));
    }

    @Test
    void unreadableFilesLandInFailedWithReasonsAndTheNextGoodFileStillComes() throws Exception {
        byte[] png = encode(picture(64, 48, 1), "png");
        byte[] jpeg = encode(picture(640, 480, 2), "jpeg");
        byte[] noise = new byte[5000];
        new java.util.Random(7).nextBytes(noise);
        put("empty.jpg", new byte[0], 60);
        put("truncated.png", Arrays.copyOf(png, png.length / 2), 59);
        put("truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 2), 58);
        put("corrupt.jpg", noise, 57);
        put("notes.jpg", "this is not a picture\n".getBytes(StandardCharsets.UTF_8), 56);
        put("readme.txt", "left alone".getBytes(StandardCharsets.UTF_8), 55);
        put("good.png", png, 1);
        FolderFrameSource src = open();

        Frame f = src.next(WAIT);
        assertNotNull(f);
        assertEquals("good.png", f.origin());
        Path failed = inbox().resolve("failed");
        assertEquals(Set.of("empty.jpg", "truncated.png", "truncated.jpg", "corrupt.jpg", "notes.jpg",
                "empty.jpg.reason.txt", "truncated.png.reason.txt", "truncated.jpg.reason.txt",
                "corrupt.jpg.reason.txt", "notes.jpg.reason.txt"), names(failed));
        assertTrue(reason(failed, "empty.jpg").contains("empty file"));
        assertTrue(reason(failed, "truncated.jpg").contains("truncated"), reason(failed, "truncated.jpg"));
        assertTrue(reason(failed, "truncated.png").startsWith("cannot decode image"), reason(failed, "truncated.png"));
        assertTrue(reason(failed, "notes.jpg").startsWith("not an image"), reason(failed, "notes.jpg"));
        assertTrue(reason(failed, "corrupt.jpg").startsWith("not an image"), reason(failed, "corrupt.jpg"));
        assertEquals(Set.of("good.png", "readme.txt", "done", "failed"), names(inbox()));
        assertEquals(Set.of(), names(inbox().resolve("done")));
    }

    @Test
    void oversizedImagesAreRefusedUndecoded() throws Exception {
        put("big.png", encode(picture(200, 100, 1), "png"), 2);
        put("small.png", encode(picture(10, 10, 1), "png"), 1);
        FolderSettings s = new FolderSettings(inbox(), null, null, null, Set.of("png"), 50, 0, 10_000);
        FolderFrameSource src = new FolderFrameSource(s, true);
        opened.add(src);
        src.start();
        assertEquals("small.png", src.next(WAIT).origin());
        assertTrue(reason(inbox().resolve("failed"), "big.png").contains("200x100 exceeds max_pixels=10000"));
        assertEquals("folder:" + inbox().toAbsolutePath().normalize(), src.id());
    }

    @Test
    void doneAndFailedAreKeptWithinTheRetention() throws Exception {
        Path done = Files.createDirectories(inbox().resolve("done"));
        Path failed = Files.createDirectories(inbox().resolve("failed"));
        for (Path p : List.of(done.resolve("last-month.jpg"), failed.resolve("last-month.jpg"))) {
            Files.write(p, new byte[10]);
            Files.setLastModifiedTime(p, FileTime.from(now.minus(Duration.ofDays(30))));
        }
        Files.write(done.resolve("today.jpg"), new byte[10]);
        FolderSettings s = new FolderSettings(inbox(), null, null, null, Set.of("jpg"), 50, 0, 10_000,
                new Retention(Duration.ofDays(7), 0));
        FolderFrameSource src = new FolderFrameSource(s, true);
        opened.add(src);
        src.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((Files.exists(done.resolve("last-month.jpg")) || Files.exists(failed.resolve("last-month.jpg")))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(Set.of("today.jpg"), names(done), "the source prunes when it starts");
        assertEquals(Set.of(), names(failed));
    }

    private static String reason(Path failed, String name) throws IOException {
        return Files.readString(failed.resolve(name + ".reason.txt")).lines().findFirst().orElse("");
    }

    @Test
    void aFileStillBeingWrittenIsNotReadEarly() throws Exception {
        byte[] png = encode(picture(120, 90, 3), "png");
        FolderFrameSource src = open(1500, true);
        Path file = inbox().resolve("slow.png");
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            int half = png.length / 2;
            out.write(png, 0, half / 2);
            out.flush();
            assertNull(src.next(Duration.ofMillis(600)), "first quarter written");
            out.write(png, half / 2, half - half / 2);
            out.flush();
            assertNull(src.next(Duration.ofMillis(600)), "half written, 1.2 s after the first bytes");
            out.write(png, half, png.length - half);
        }
        long t0 = System.nanoTime();
        Frame f = src.next(WAIT);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertNotNull(f);
        assertEquals("slow.png", f.origin());
        assertEquals(RgbImage.of(picture(120, 90, 3)), f.image());
        assertTrue(waitedMs >= 1000, "read only after settling, waited " + waitedMs + " ms");
        assertEquals(Set.of(), names(inbox().resolve("failed")));
    }

    @Test
    void restartRedeliversUnacknowledgedFiles() throws Exception {
        put("one.png", encode(picture(8, 8, 1), "png"), 30);
        put("two.png", encode(picture(8, 8, 2), "png"), 20);
        put("three.png", encode(picture(8, 8, 3), "png"), 10);
        FolderFrameSource first = open();
        Frame one = first.next(WAIT);
        Frame two = first.next(WAIT);
        first.acknowledge(one, true, null);
        assertEquals("two.png", two.origin());
        first.close(); // "gateway restart" with two.png in flight and three.png never taken

        FolderFrameSource second = open();
        assertEquals("two.png", second.next(WAIT).origin());
        assertEquals("three.png", second.next(WAIT).origin());
        assertNull(second.next(Duration.ofMillis(100)));
        assertEquals(Set.of("one.png"), names(inbox().resolve("done")));

        // a late acknowledgement to the stopped instance still files the image
        first.acknowledge(two, true, null);
        assertEquals(Set.of("one.png", "two.png"), names(inbox().resolve("done")));
    }

    @Test
    void framesOfAConsumerThatWentAwayAreDeliveredAgain() throws Exception {
        put("one.png", encode(picture(8, 8, 1), "png"), 30);
        put("two.png", encode(picture(8, 8, 2), "png"), 20);
        FolderFrameSource src = open();
        FolderCamera.ConsumerView pipeline1 = new FolderCamera.ConsumerView(src);
        Frame one = pipeline1.next(WAIT);
        Frame two = pipeline1.next(WAIT);
        pipeline1.acknowledge(one, true, null);
        assertEquals(1, pipeline1.releaseUnacknowledged(), "the service was ungotten with two.png in flight");

        FolderCamera.ConsumerView pipeline2 = new FolderCamera.ConsumerView(src);
        Frame again = pipeline2.next(WAIT);
        assertEquals("two.png", again.origin());
        assertTrue(again.sequence() > two.sequence());
        pipeline1.acknowledge(two, false, "late"); // stale: ignored, the file belongs to pipeline2 now
        assertEquals(Set.of(), names(inbox().resolve("failed")));
        pipeline2.acknowledge(again, true, null);
        assertEquals(Set.of("one.png", "two.png"), names(inbox().resolve("done")));
        assertEquals(0, pipeline2.releaseUnacknowledged());
    }

    @Test
    void nextHonoursTimeoutAndInterruptAndClose() throws Exception {
        FolderFrameSource src = open();
        long t0 = System.nanoTime();
        assertNull(src.next(Duration.ofMillis(150)));
        assertTrue(System.nanoTime() - t0 >= 140_000_000L);
        Thread.currentThread().interrupt();
        try {
            src.next(WAIT);
            throw new AssertionError("expected InterruptedException");
        } catch (InterruptedException expected) {
            assertFalse(Thread.currentThread().isInterrupted());
        }
        src.close();
        t0 = System.nanoTime();
        assertNull(src.next(WAIT));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "a closed source does not wait out the timeout");
    }
}
