package io.facegate.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.mqtt.internal.EventOutbox.Overflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the outbox in normal operation, at its bound and with failing I/O. */
class EventOutboxTest {
    @TempDir
    Path tmp;

    /** Small segments so that a few hundred records span many files; durable like production. */
    static OutboxTuning small(int segmentBytes) {
        return new OutboxTuning(segmentBytes, true, OutboxTuning.NO_FAULTS);
    }

    static byte[] payload(long i, int size) {
        byte[] b = new byte[size];
        byte[] text = ("{\"event\":" + i + "}").getBytes(StandardCharsets.UTF_8);
        Arrays.fill(b, (byte) ' ');
        System.arraycopy(text, 0, b, 0, Math.min(size, text.length));
        return b;
    }

    static String id(long i) {
        return "evt-" + i;
    }

    static List<OutboxRecord> all(EventOutbox outbox) throws IOException {
        return outbox.peek(-1, Integer.MAX_VALUE);
    }

    static List<Long> seqs(List<OutboxRecord> records) {
        return records.stream().map(OutboxRecord::seq).toList();
    }

    static List<String> ids(List<OutboxRecord> records) {
        return records.stream().map(OutboxRecord::eventId).toList();
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    static long segmentBytes(Path dir) throws IOException {
        long sum = 0;
        for (Path p : segmentFiles(dir)) {
            sum += Files.size(p);
        }
        return sum;
    }

    /**
     * What a kill -9 leaves: the files exactly as written (the page cache survives the process), copied while
     * the outbox is still open, so nothing of {@link EventOutbox#close} runs.
     */
    static Path crashCopy(Path dir, Path into) throws IOException {
        Files.createDirectories(into);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.copy(p, into.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return into;
    }

    @Test
    void recordsComeBackInAppendOrderWithIncreasingSequenceNumbers() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(tmp.resolve("o"), 1 << 20, Overflow.DROP_OLDEST)) {
            for (int i = 1; i <= 100; i++) {
                assertEquals(i, outbox.append(id(i), payload(i, 10 + i)));
            }
            List<OutboxRecord> records = all(outbox);
            assertEquals(100, records.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(i + 1, records.get(i).seq());
                assertEquals(id(i + 1), records.get(i).eventId());
                assertArrayEquals(payload(i + 1, 11 + i), records.get(i).payload());
            }
            assertEquals(records, outbox.peek(0, 1000), "0 and -1 both mean from the start");
            assertEquals(List.of(51L, 52L, 53L), seqs(outbox.peek(50, 3)));
            assertEquals(List.of(), outbox.peek(100, 10));
            assertEquals(List.of(), outbox.peek(-1, 0));
            OutboxStats stats = outbox.stats();
            assertEquals(100, stats.depth());
            assertEquals(1, stats.oldestSeq());
            assertEquals(100, stats.appended());
            assertEquals(segmentBytes(outbox.directory()), stats.bytes());
        }
    }

    @Test
    void restartKeepsUndeliveredRecordsAndNumberingContinues() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            for (int i = 1; i <= 10; i++) {
                outbox.append(id(i), payload(i, 50));
            }
            for (int i = 1; i <= 4; i++) {
                outbox.acknowledge(i);
            }
        }
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), seqs(all(outbox)));
            assertEquals(id(7), all(outbox).get(2).eventId());
            assertEquals(6, outbox.stats().depth());
            assertEquals(0, outbox.stats().appended(), "counted since open");
            assertEquals(11, outbox.append(id(11), payload(11, 50)));
            assertEquals(7, outbox.stats().depth());
        }
    }

    @Test
    void acknowledgementsMayArriveOutOfOrder() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            for (int i = 1; i <= 10; i++) {
                outbox.append(id(i), payload(i, 20));
            }
            outbox.acknowledge(3);
            outbox.acknowledge(1);
            outbox.acknowledge(5);
            assertEquals(List.of(2L, 4L, 6L, 7L, 8L, 9L, 10L), seqs(all(outbox)));
            assertEquals(List.of(4L, 6L), seqs(outbox.peek(2, 2)));
            assertEquals(2, outbox.stats().oldestSeq());
            assertEquals(7, outbox.stats().depth());
            // unknown, old, duplicate and never appended sequence numbers are ignored
            for (long seq : new long[] {3, 1, 0, -5, 11, 999, Long.MAX_VALUE}) {
                outbox.acknowledge(seq);
            }
            assertEquals(7, outbox.stats().depth());
            assertEquals(3, outbox.stats().delivered());
            outbox.acknowledge(2); // the head moves over 1..3
            assertEquals(4, outbox.stats().oldestSeq());
            assertEquals(4, outbox.stats().delivered());
        }
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            // the head (3) is persisted; 5 was acknowledged above it and is sent again: at-least-once
            assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L, 10L), seqs(all(outbox)));
        }
    }

    @Test
    void segmentsAreDeletedOnceDelivered() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST, small(1024))) {
            for (int i = 1; i <= 100; i++) {
                outbox.append(id(i), payload(i, 100));
            }
            int files = segmentFiles(dir).size();
            assertTrue(files >= 10, files + " segment files");
            assertEquals(files, outbox.stats().segments());
            for (int i = 1; i <= 50; i++) {
                outbox.acknowledge(i);
            }
            assertTrue(segmentFiles(dir).size() <= files / 2 + 1, segmentFiles(dir).size() + " files left");
            assertTrue(OutboxSegment.parseFileName(segmentFiles(dir).get(0).getFileName().toString()) <= 51);
            for (int i = 100; i > 50; i--) {
                outbox.acknowledge(i);
            }
            assertEquals(1, segmentFiles(dir).size(), "only the segment being appended to stays");
            OutboxStats stats = outbox.stats();
            assertEquals(0, stats.depth());
            assertEquals(-1, stats.oldestSeq());
            assertEquals(100, stats.delivered());
            assertEquals(segmentBytes(dir), stats.bytes());
            assertEquals(List.of(), all(outbox));
        }
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST, small(1024))) {
            assertEquals(List.of(), all(outbox));
            assertEquals(101, outbox.append(id(101), payload(101, 100)));
        }
    }

    @Test
    void sequenceNumbersAreNeverReusedEvenWhenEveryFileButOneIsGone() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            for (int i = 1; i <= 20; i++) {
                outbox.acknowledge(outbox.append(id(i), payload(i, 10)));
            }
        }
        for (Path seg : segmentFiles(dir)) {
            Files.delete(seg); // the head file alone knows the next number
        }
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            assertEquals(21, outbox.append(id(21), payload(21, 10)));
            outbox.acknowledge(21);
        }
        Files.delete(dir.resolve(OutboxHead.NAME)); // the remaining segment alone knows it
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            assertEquals(22, outbox.append(id(22), payload(22, 10)));
        }
    }

    @Test
    void dropOldestKeepsTheBytesBoundAndCountsTheDroppedRecords() throws IOException {
        Path dir = tmp.resolve("o");
        long max = 8 * 1024;
        long lastSeq = 0;
        try (EventOutbox outbox = EventOutbox.open(dir, max, Overflow.DROP_OLDEST, small(1024))) {
            for (int i = 1; i <= 300; i++) {
                lastSeq = outbox.append(id(i), payload(i, 150));
                assertEquals(i, lastSeq, "DROP_OLDEST always stores the new record");
                assertTrue(segmentBytes(dir) <= max, segmentBytes(dir) + " bytes on disk");
                assertEquals(segmentBytes(dir), outbox.stats().bytes());
            }
            OutboxStats stats = outbox.stats();
            assertTrue(stats.dropped() > 200, stats.toString());
            assertEquals(300, stats.depth() + stats.dropped(), "every record is stored or counted as dropped");
            assertEquals(stats.dropped(), stats.droppedTotal());
            List<OutboxRecord> kept = all(outbox);
            assertEquals(stats.depth(), kept.size());
            assertEquals(lastSeq, kept.get(kept.size() - 1).seq(), "the newest records are kept");
            for (int i = 1; i < kept.size(); i++) {
                assertEquals(kept.get(i - 1).seq() + 1, kept.get(i).seq(), "a contiguous run of the newest");
            }
            assertEquals(kept.get(0).seq(), stats.oldestSeq());
            outbox.acknowledge(1); // dropped long ago: ignored
            assertEquals(stats.depth(), outbox.stats().depth());
        }
        try (EventOutbox outbox = EventOutbox.open(dir, max, Overflow.DROP_OLDEST, small(1024))) {
            OutboxStats stats = outbox.stats();
            assertEquals(0, stats.dropped());
            assertEquals(300 - stats.depth(), stats.droppedTotal(), "the total survives a restart");
        }
    }

    @Test
    void dropNewestRefusesRecordsWhileFullAndAcceptsThemAgainAfterDelivery() throws IOException {
        Path dir = tmp.resolve("o");
        long max = 8 * 1024;
        try (EventOutbox outbox = EventOutbox.open(dir, max, Overflow.DROP_NEWEST, small(1024))) {
            List<Long> stored = new ArrayList<>();
            int refused = 0;
            for (int i = 1; i <= 100; i++) {
                long seq = outbox.append(id(i), payload(i, 150));
                if (seq < 0) {
                    refused++;
                } else {
                    assertEquals(0, refused, "once full, everything is refused until something is delivered");
                    stored.add(seq);
                }
                assertTrue(segmentBytes(dir) <= max);
            }
            assertTrue(refused > 50, refused + " refused");
            assertEquals(refused, outbox.stats().dropped());
            assertEquals(stored, seqs(all(outbox)), "the oldest records are kept");
            assertEquals(id(1), all(outbox).get(0).eventId());
            for (long seq : stored.subList(0, 10)) {
                outbox.acknowledge(seq);
            }
            long next = outbox.append(id(101), payload(101, 150));
            assertEquals(stored.get(stored.size() - 1) + 1, next, "refused records take no sequence number");
            assertEquals(refused, outbox.stats().dropped());
        }
    }

    @Test
    void aRecordLargerThanTheBoundIsRefused() throws IOException {
        long max = EventOutbox.MIN_MAX_BYTES;
        try (EventOutbox outbox = EventOutbox.open(tmp.resolve("o"), max, Overflow.DROP_OLDEST)) {
            outbox.append(id(1), payload(1, 100));
            int fits = (int) (max - OutboxFormat.SEGMENT_HEADER_BYTES - OutboxFormat.FRAME_OVERHEAD - 1);
            assertThrows(IllegalArgumentException.class, () -> outbox.append("x", new byte[fits + 1]));
            assertThrows(IllegalArgumentException.class, () -> outbox.append("x", new byte[(int) max]));
            assertThrows(IllegalArgumentException.class, () -> outbox.append("x".repeat(70_000), new byte[1]));
            assertEquals(1, outbox.stats().depth());
            // exactly the bound: stored alone, after dropping everything else
            long seq = outbox.append("x", new byte[fits]);
            assertEquals(List.of(seq), seqs(all(outbox)));
            assertEquals(max, outbox.stats().bytes());
            assertEquals(1, outbox.stats().dropped());
        }
        assertThrows(IllegalArgumentException.class,
                () -> EventOutbox.open(tmp.resolve("p"), max - 1, Overflow.DROP_OLDEST));
    }

    @Test
    void filesAreReadableByTheOwnerOnly() throws IOException {
        Path dir = tmp.resolve("a/b/outbox");
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            outbox.append(id(1), payload(1, 10));
            outbox.acknowledge(1);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.toList();
            assertEquals(3, list.size(), list.toString()); // head, lock, one segment
            for (Path f : list) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                        f.toString());
            }
        }
        // files and directory made readable by others are made private again at open
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path seg = segmentFiles(dir).get(0);
        Files.setPosixFilePermissions(seg, PosixFilePermissions.fromString("rw-r--r--"));
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(seg)));
        }
    }

    @Test
    void aDirectoryIsOpenedByOneOutboxAtATime() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            IOException e = assertThrows(IOException.class, () -> EventOutbox.open(dir, 1 << 20,
                    Overflow.DROP_OLDEST));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            outbox.append(id(1), payload(1, 10));
        }
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            assertEquals(1, outbox.stats().depth());
        }
    }

    @Test
    void aClosedOutboxRefusesAppendsAndPeeksButNotStats() throws IOException {
        EventOutbox outbox = EventOutbox.open(tmp.resolve("o"), 1 << 20, Overflow.DROP_OLDEST);
        outbox.append(id(1), payload(1, 10));
        outbox.close();
        outbox.close();
        assertThrows(IOException.class, () -> outbox.append(id(2), payload(2, 10)));
        assertThrows(IOException.class, () -> outbox.peek(-1, 10));
        outbox.acknowledge(1); // a late broker acknowledgement: ignored
        assertEquals(1, outbox.stats().depth());
    }

    @Test
    void failingWritesLeaveTheOutboxUsableOnceTheDiskHasRoomAgain() throws IOException {
        Path dir = tmp.resolve("o");
        AtomicInteger failWrites = new AtomicInteger();
        OutboxTuning faulty = new OutboxTuning(1024, true, (operation, file) -> {
            if (operation.equals("write") && failWrites.getAndDecrement() > 0) {
                throw new IOException("No space left on device (simulated)");
            }
        });
        List<Long> stored = new ArrayList<>();
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST, faulty)) {
            for (int i = 1; i <= 5; i++) {
                stored.add(outbox.append(id(i), payload(i, 100)));
            }
            failWrites.set(3);
            for (int i = 6; i <= 8; i++) {
                int n = i;
                assertThrows(IOException.class, () -> outbox.append(id(n), payload(n, 100)));
            }
            for (int i = 9; i <= 20; i++) {
                stored.add(outbox.append(id(i), payload(i, 100)));
            }
            assertEquals(stored, seqs(all(outbox)));
            assertEquals(3, outbox.stats().failed());
            assertEquals(17, outbox.stats().appended());
            assertEquals(17, outbox.stats().depth());
        }
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            List<OutboxRecord> after = all(outbox);
            assertEquals(stored, seqs(after));
            assertTrue(ids(after).stream().noneMatch(i -> i.equals(id(6)) || i.equals(id(7)) || i.equals(id(8))));
            assertEquals(0, outbox.stats().lost());
        }
    }

    @Test
    void aFailedForceFailsTheAppendAndTheRecordIsNeverDelivered() throws IOException {
        Path dir = tmp.resolve("o");
        AtomicInteger failForces = new AtomicInteger();
        AtomicInteger failCreates = new AtomicInteger();
        OutboxTuning faulty = new OutboxTuning(1024, true, (operation, file) -> {
            if (operation.equals("force") && file.toString().endsWith(".seg") && failForces.getAndDecrement() > 0) {
                throw new IOException("Input/output error (simulated fsync failure)");
            }
            if (operation.equals("create") && failCreates.getAndDecrement() > 0) {
                throw new IOException("No space left on device (simulated)");
            }
        });
        List<Long> stored = new ArrayList<>();
        int createFailures = 0;
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST, faulty)) {
            for (int i = 1; i <= 3; i++) {
                stored.add(outbox.append(id(i), payload(i, 100)));
            }
            failForces.set(1);
            assertThrows(IOException.class, () -> outbox.append("failed-force", payload(4, 100)));
            assertEquals(stored, seqs(all(outbox)), "the failed record is not delivered");
            for (int i = 5; i <= 30; i++) {
                if (i == 12) {
                    failCreates.set(1); // the next roll to a new segment fails once
                }
                try {
                    stored.add(outbox.append(id(i), payload(i, 100)));
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains("simulated"), e.getMessage());
                    createFailures++;
                }
            }
            assertEquals(1, createFailures);
            assertEquals(stored, seqs(all(outbox)));
            for (int i = 1; i < stored.size(); i++) {
                assertTrue(stored.get(i) > stored.get(i - 1), "increasing: " + stored);
            }
            assertEquals(stored.size(), outbox.stats().depth());
            assertTrue(outbox.stats().failed() >= 2, outbox.stats().toString());
        }
        try (EventOutbox outbox = EventOutbox.open(dir, 1 << 20, Overflow.DROP_OLDEST)) {
            List<OutboxRecord> after = all(outbox);
            assertEquals(stored, seqs(after));
            assertTrue(!ids(after).contains("failed-force"));
            assertEquals(0, outbox.stats().lost());
        }
    }

    @Test
    void aFailedHeadWriteDuringADropFailsTheAppendAndDropsNothing() throws IOException {
        Path dir = tmp.resolve("o");
        AtomicInteger failHead = new AtomicInteger();
        OutboxTuning faulty = new OutboxTuning(1024, true, (operation, file) -> {
            if (operation.equals("head") && failHead.getAndDecrement() > 0) {
                throw new IOException("simulated");
            }
        });
        try (EventOutbox outbox = EventOutbox.open(dir, 4096, Overflow.DROP_OLDEST, faulty)) {
            failHead.set(Integer.MAX_VALUE); // appends that need no drop do not write the head file
            List<Long> stored = new ArrayList<>();
            int n = 0;
            IOException failure = null;
            while (failure == null && n < 100) {
                n++;
                try {
                    stored.add(outbox.append(id(n), payload(n, 150)));
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertTrue(failure != null && n > 10, "the first append that needs a drop fails: " + n);
            assertEquals(stored, seqs(all(outbox)));
            assertEquals(0, outbox.stats().dropped());
            failHead.set(0);
            long seq = outbox.append(id(n), payload(n, 150));
            assertTrue(outbox.stats().dropped() > 0);
            assertEquals(seq, all(outbox).get(all(outbox).size() - 1).seq());
        }
    }

    @Test
    void anInterruptedThreadStillAppendsAndKeepsItsInterruptStatus() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(tmp.resolve("o"), 1 << 20, Overflow.DROP_OLDEST)) {
            outbox.append(id(1), payload(1, 10));
            Thread.currentThread().interrupt();
            try {
                assertEquals(2, outbox.append(id(2), payload(2, 10)));
                assertEquals(List.of(1L, 2L), seqs(all(outbox)));
                outbox.acknowledge(1);
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            assertEquals(3, outbox.append(id(3), payload(3, 10)));
            assertEquals(List.of(2L, 3L), seqs(all(outbox)));
        }
    }

    @Test
    void singleThreadAppendRateIsLogged() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(tmp.resolve("o"), 64L << 20, Overflow.DROP_OLDEST)) {
            byte[] body = payload(0, 600); // about the size of a one-face event
            int n = 0;
            long start = System.nanoTime();
            long until = start + 1_000_000_000L;
            while (n < 5000 && System.nanoTime() < until) {
                outbox.append(id(n), body);
                n++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            org.slf4j.LoggerFactory.getLogger(EventOutboxTest.class).info(
                    "outbox: {} durable appends of {} bytes from one thread in {} s = {} appends/s ({} forces)",
                    n, body.length, String.format("%.2f", seconds), String.format("%.0f", n / seconds),
                    outbox.forceCount());
            assertEquals(n, outbox.stats().depth());
        }
    }
}
