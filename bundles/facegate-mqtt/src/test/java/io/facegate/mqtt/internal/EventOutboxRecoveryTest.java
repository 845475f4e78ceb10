package io.facegate.mqtt.internal;

import static io.facegate.mqtt.internal.EventOutboxTest.all;
import static io.facegate.mqtt.internal.EventOutboxTest.crashCopy;
import static io.facegate.mqtt.internal.EventOutboxTest.segmentFiles;
import static io.facegate.mqtt.internal.EventOutboxTest.seqs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.mqtt.internal.EventOutbox.Overflow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery after a kill -9 or a power loss at any point, simulated on copies of the files: torn writes, garbage
 * and damage, missing or wrong head files, interrupted segment creation, drops and head writes.
 */
class EventOutboxRecoveryTest {
    /** Every record of these tests has this frame size: 18 bytes of framing, 6 of id, 100 of payload. */
    private static final int FRAME = 124;
    private static final int HEADER = OutboxFormat.SEGMENT_HEADER_BYTES;
    private static final long MAX = 1 << 20;

    @TempDir
    Path tmp;

    private static String id(long i) {
        return String.format("e%05d", i);
    }

    private static byte[] payload(long i) {
        return EventOutboxTest.payload(i, 100);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static EventOutbox open(Path dir) throws IOException {
        return EventOutbox.open(dir, MAX, Overflow.DROP_OLDEST);
    }

    private static EventOutbox openSmall(Path dir) throws IOException {
        return EventOutbox.open(dir, MAX, Overflow.DROP_OLDEST, EventOutboxTest.small(1024));
    }

    /** Appends records 1..n and leaves the outbox open (the caller crash-copies or closes it). */
    private static void fill(EventOutbox outbox, int n) throws IOException {
        for (int i = 1; i <= n; i++) {
            assertEquals(i, outbox.append(id(i), payload(i)));
        }
    }

    private static void write(Path file, long at, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        byte[] all = Files.readAllBytes(file);
        write(file, at, new byte[] {(byte) (all[(int) at] ^ 0x40)});
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    /** @return the offset of the record with this 1-based position in its segment */
    private static long offsetOf(int position) {
        return HEADER + (long) (position - 1) * FRAME;
    }

    @Test
    void aTornTailAtAnyByteKeepsEveryCompleteRecord() throws IOException {
        Path base = tmp.resolve("base");
        try (EventOutbox outbox = open(tmp.resolve("live"))) {
            fill(outbox, 5);
            crashCopy(tmp.resolve("live"), base);
        }
        Path seg = segmentFiles(base).get(0);
        long full = Files.size(seg);
        assertEquals(HEADER + 5 * FRAME, full);
        // what recovery does is the subject here, not fsync: the many reopens skip it to stay fast
        OutboxTuning noSync = new OutboxTuning(OutboxTuning.forBound(MAX).segmentBytes(), false,
                OutboxTuning.NO_FAULTS);
        List<Long> cuts = new ArrayList<>(List.of(offsetOf(4), offsetOf(4) + 1, offsetOf(4) + 17, offsetOf(4) + 18));
        for (long cut = offsetOf(5); cut <= full; cut++) {
            cuts.add(cut); // every byte of the last record
        }
        for (long cut : cuts) {
            Path dir = crashCopy(base, tmp.resolve("cut" + cut));
            truncate(segmentFiles(dir).get(0), cut);
            int complete = (int) ((cut - HEADER) / FRAME);
            long added;
            try (EventOutbox outbox = EventOutbox.open(dir, MAX, Overflow.DROP_OLDEST, noSync)) {
                assertEquals(range(1, complete), seqs(all(outbox)), "cut at " + cut);
                assertEquals(0, outbox.stats().lost(), "a torn tail is not a loss: its append never returned");
                assertEquals(HEADER + (long) complete * FRAME, Files.size(segmentFiles(dir).get(0)), "cut away");
                added = outbox.append("after", payload(0));
                assertTrue(added > complete);
            }
            try (EventOutbox outbox = EventOutbox.open(dir, MAX, Overflow.DROP_OLDEST, noSync)) {
                List<Long> expected = new ArrayList<>(range(1, complete));
                expected.add(added);
                assertEquals(expected, seqs(all(outbox)), "recovery is stable, cut at " + cut);
            }
        }
    }

    @Test
    void zerosOrGarbageAfterTheLastRecordAreCut() throws IOException {
        Path base = tmp.resolve("base");
        try (EventOutbox outbox = open(tmp.resolve("live"))) {
            fill(outbox, 3);
            crashCopy(tmp.resolve("live"), base);
        }
        byte[] random = new byte[1000];
        new Random(7).nextBytes(random);
        // a plausible frame start (length, crc) whose body never made it
        byte[] plausible = ByteBuffer.allocate(30).putInt(100).putInt(12345).putLong(4).array();
        int n = 0;
        for (byte[] garbage : List.of(new byte[4096], random, plausible)) {
            Path dir = crashCopy(base, tmp.resolve("g" + n++));
            Path seg = segmentFiles(dir).get(0);
            appendBytes(seg, garbage);
            try (EventOutbox outbox = open(dir)) {
                assertEquals(range(1, 3), seqs(all(outbox)));
                assertEquals(0, outbox.stats().lost());
                assertEquals(HEADER + 3 * FRAME, Files.size(seg));
                assertEquals(4, outbox.append(id(4), payload(4)));
            }
            try (EventOutbox outbox = open(dir)) {
                assertEquals(range(1, 4), seqs(all(outbox)));
                assertArrayEquals(payload(4), all(outbox).get(3).payload());
            }
        }
    }

    @Test
    void aDamagedRecordInTheMiddleOfAnOlderSegmentIsSkippedAndCountedAsLost() throws IOException {
        Path base = tmp.resolve("base");
        try (EventOutbox outbox = openSmall(tmp.resolve("live"))) {
            fill(outbox, 30); // 8 records per 1 KiB segment: 1-8, 9-16, 17-24, 25-30
            crashCopy(tmp.resolve("live"), base);
        }
        assertEquals(4, segmentFiles(base).size());

        Path flipped = crashCopy(base, tmp.resolve("flipped"));
        flipByte(segmentFiles(flipped).get(0), offsetOf(2) + 60); // in the payload of seq 2
        try (EventOutbox outbox = openSmall(flipped)) {
            List<Long> expected = new ArrayList<>(range(1, 30));
            expected.remove(Long.valueOf(2));
            assertEquals(expected, seqs(all(outbox)), "the records after the damaged one are kept");
            assertEquals(1, outbox.stats().lost());
            assertEquals(29, outbox.stats().depth());
        }

        Path badLength = crashCopy(base, tmp.resolve("badLength"));
        write(segmentFiles(badLength).get(1), offsetOf(3), new byte[] {0x7f, (byte) 0xff, 0, 0}); // seq 11
        try (EventOutbox outbox = openSmall(badLength)) {
            List<Long> expected = new ArrayList<>(range(1, 30));
            expected.remove(Long.valueOf(11));
            assertEquals(expected, seqs(all(outbox)));
            assertEquals(1, outbox.stats().lost());
        }

        Path badTail = crashCopy(base, tmp.resolve("badTail"));
        byte[] garbage = new byte[6 * FRAME];
        new Random(3).nextBytes(garbage);
        write(segmentFiles(badTail).get(0), offsetOf(3), garbage); // seq 3..8, up to the end of the segment
        try (EventOutbox outbox = openSmall(badTail)) {
            List<Long> expected = new ArrayList<>(range(1, 2));
            expected.addAll(range(9, 30));
            assertEquals(expected, seqs(all(outbox)));
            assertEquals(6, outbox.stats().lost());
            for (long seq : expected) {
                outbox.acknowledge(seq);
            }
            assertEquals(0, outbox.stats().depth(), "delivery moves over the lost records");
            assertEquals(1, segmentFiles(badTail).size(), "and the damaged segment is deleted");
        }
    }

    @Test
    void aDamagedRecordInTheNewestSegmentKeepsTheRecordsAfterItAndAppendsGoToANewSegment() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = open(dir)) {
            fill(outbox, 10);
        }
        flipByte(segmentFiles(dir).get(0), offsetOf(5) + 20);
        List<Long> expected = new ArrayList<>(range(1, 10));
        expected.remove(Long.valueOf(5));
        try (EventOutbox outbox = open(dir)) {
            assertEquals(expected, seqs(all(outbox)));
            assertEquals(1, outbox.stats().lost());
            assertEquals(11, outbox.append(id(11), payload(11)));
            assertEquals(2, segmentFiles(dir).size(), "nothing is appended behind damage");
        }
        expected.add(11L);
        try (EventOutbox outbox = open(dir)) {
            assertEquals(expected, seqs(all(outbox)));
            assertEquals(1, outbox.stats().lost(), "reported at every open until delivered");
        }
    }

    @Test
    void aRecordDamagedAfterOpenIsSkippedWhenRead() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = open(dir)) {
            fill(outbox, 5);
            flipByte(segmentFiles(dir).get(0), offsetOf(3) + 50);
            assertEquals(List.of(1L, 2L, 4L, 5L), seqs(all(outbox)));
            assertEquals(1, outbox.stats().lost());
            assertEquals(4, outbox.stats().depth());
            for (long seq : List.of(5L, 4L, 2L, 1L)) {
                outbox.acknowledge(seq);
            }
            assertEquals(0, outbox.stats().depth());
            assertEquals(-1, outbox.stats().oldestSeq());
        }
    }

    @Test
    void withoutAHeadFileEveryStoredRecordIsSentAgain() throws IOException {
        Path copy = tmp.resolve("copy");
        try (EventOutbox outbox = open(tmp.resolve("live"))) {
            fill(outbox, 10);
            for (long seq = 1; seq <= 10; seq++) {
                outbox.acknowledge(seq);
            }
            crashCopy(tmp.resolve("live"), copy);
        }
        Files.delete(copy.resolve(OutboxHead.NAME));
        try (EventOutbox outbox = open(copy)) {
            assertEquals(range(1, 10), seqs(all(outbox)), "at-least-once: duplicates, never a loss");
            assertEquals(11, outbox.append(id(11), payload(11)));
        }
    }

    @Test
    void aDamagedHeadFileCountsAsMissing() throws IOException {
        Path dir = tmp.resolve("o");
        for (byte[] damage : List.of(new byte[0], new byte[36], "not a head file at all".getBytes())) {
            try (EventOutbox outbox = open(dir)) {
                long first = outbox.append("a", payload(1));
                outbox.append("b", payload(2));
                outbox.acknowledge(first);
            }
            Files.write(dir.resolve(OutboxHead.NAME), damage);
            try (EventOutbox outbox = open(dir)) {
                List<OutboxRecord> records = all(outbox);
                assertEquals("a", records.get(0).eventId(), "sent again");
                long next = outbox.append("c", payload(3));
                assertTrue(next > records.get(records.size() - 1).seq());
                for (OutboxRecord r : all(outbox)) {
                    outbox.acknowledge(r.seq());
                }
            }
        }
    }

    @Test
    void aHeadFilePointingPastTheEndCountsEverythingAsDeliveredAndNumberingFollowsIt() throws IOException {
        for (long headNext : new long[] {101, 6}) {
            Path dir = tmp.resolve("o" + headNext);
            try (EventOutbox outbox = open(dir)) {
                fill(outbox, 5);
            }
            new OutboxHead(100, headNext, 0).write(dir, EventOutboxTest.small(1024));
            try (EventOutbox outbox = open(dir)) {
                assertEquals(List.of(), all(outbox));
                assertEquals(0, outbox.stats().depth());
                assertEquals(101, outbox.append(id(101), payload(101)));
                assertEquals(List.of(dir.resolve(OutboxSegment.fileName(101))), segmentFiles(dir));
            }
        }
    }

    @Test
    void aLeftoverTemporaryHeadFileIsIgnored() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = open(dir)) {
            fill(outbox, 4);
            outbox.acknowledge(1);
            outbox.acknowledge(2);
        }
        Files.write(dir.resolve(OutboxHead.TEMP_NAME), new byte[] {1, 2, 3}); // a head write cut by the crash
        try (EventOutbox outbox = open(dir)) {
            assertEquals(List.of(3L, 4L), seqs(all(outbox)));
            assertFalse(Files.exists(dir.resolve(OutboxHead.TEMP_NAME)));
        }
    }

    @Test
    void aCrashBetweenAppendAndAcknowledgementResendsOnlyWhatWasAcknowledgedSinceTheLastHeadWrite()
            throws IOException {
        Path copy = tmp.resolve("copy");
        try (EventOutbox outbox = openSmall(tmp.resolve("live"))) {
            fill(outbox, 100);
            for (long seq = 1; seq <= 70; seq++) {
                outbox.acknowledge(seq);
            }
            crashCopy(tmp.resolve("live"), copy);
        }
        try (EventOutbox outbox = openSmall(copy)) {
            List<Long> seqs = seqs(all(outbox));
            long first = seqs.get(0);
            assertTrue(first >= EventOutbox.HEAD_PERSIST_RECORDS + 1 && first <= 71, "first re-sent: " + first);
            assertEquals(range(first, 100), seqs, "nothing unacknowledged is lost");
        }
    }

    @Test
    void anInterruptedSegmentCreationLeavesNoTrace() throws IOException {
        int n = 0;
        for (byte[] start : List.of(new byte[0], new byte[] {0x46, 0x47, 0x4f}, OutboxFormat.segmentHeader().array())) {
            Path dir = tmp.resolve("o" + n++);
            try (EventOutbox outbox = open(dir)) {
                fill(outbox, 5);
            }
            Files.write(dir.resolve(OutboxSegment.fileName(6)), start);
            try (EventOutbox outbox = open(dir)) {
                assertEquals(range(1, 5), seqs(all(outbox)));
                assertEquals(0, outbox.stats().lost());
                assertEquals(6, outbox.append(id(6), payload(6)));
            }
            try (EventOutbox outbox = open(dir)) {
                assertEquals(range(1, 6), seqs(all(outbox)));
            }
        }
    }

    @Test
    void aDamagedSegmentHeaderDoesNotHideTheRecordsBehindIt() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = open(dir)) {
            fill(outbox, 5);
        }
        write(segmentFiles(dir).get(0), 0, new byte[] {1, 2, 3, 4});
        Files.write(dir.resolve(OutboxSegment.fileName(6)), new byte[8]); // a newest segment with nothing valid
        try (EventOutbox outbox = open(dir)) {
            assertEquals(range(1, 5), seqs(all(outbox)));
            assertEquals(0, outbox.stats().lost());
            assertEquals(6, outbox.append(id(6), payload(6)));
        }
        try (EventOutbox outbox = open(dir)) {
            assertEquals(range(1, 6), seqs(all(outbox)));
            assertArrayEquals(payload(6), all(outbox).get(5).payload());
        }
    }

    @Test
    void aCrashInTheMiddleOfADropKeepsTheDropCountAndDoesNotResendTheDroppedRecords() throws IOException {
        Path copy = tmp.resolve("copy");
        try (EventOutbox outbox = openSmall(tmp.resolve("live"))) {
            fill(outbox, 20); // 1-8, 9-16, 17-20
            crashCopy(tmp.resolve("live"), copy);
        }
        // the drop of the first segment wrote the head file and the process died before deleting the segment
        new OutboxHead(8, 21, 8).write(copy, EventOutboxTest.small(1024));
        try (EventOutbox outbox = openSmall(copy)) {
            assertEquals(range(9, 20), seqs(all(outbox)));
            assertEquals(8, outbox.stats().droppedTotal());
            assertFalse(Files.exists(copy.resolve(OutboxSegment.fileName(1))));
        }
    }

    @Test
    void aSegmentOfAnUnknownFormatVersionIsRefusedAndLeftAlone() throws IOException {
        Path dir = tmp.resolve("o");
        try (EventOutbox outbox = open(dir)) {
            fill(outbox, 3);
        }
        Path seg = segmentFiles(dir).get(0);
        byte[] before = Files.readAllBytes(seg);
        write(seg, 4, new byte[] {0, 0, 0, 2});
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        assertEquals(before.length, Files.size(seg));
        write(seg, 4, new byte[] {0, 0, 0, 1});
        try (EventOutbox outbox = open(dir)) { // and the failed open released the directory
            assertEquals(range(1, 3), seqs(all(outbox)));
        }
    }

    @Test
    void aKillWhileFourThreadsAppendLosesNoReturnedAppend() throws Exception {
        Path live = tmp.resolve("live");
        Set<Long> returned = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> errors = new ArrayList<>();
        Set<Long> returnedBeforeCopy;
        try (EventOutbox outbox = EventOutbox.open(live, MAX, Overflow.DROP_OLDEST, EventOutboxTest.small(4096))) {
            CountDownLatch started = new CountDownLatch(4);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Thread th = new Thread(() -> {
                    started.countDown();
                    try {
                        for (int i = 0; !stop.get(); i++) {
                            returned.add(outbox.append("t" + thread + "-" + i, payload(i)));
                        }
                    } catch (IOException | RuntimeException e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                }, "appender-" + t);
                threads.add(th);
                th.start();
            }
            started.await();
            while (returned.size() < 300) {
                Thread.sleep(5);
            }
            returnedBeforeCopy = new HashSet<>(returned);
            crashCopy(live, tmp.resolve("copy")); // appends go on while the files are copied
            stop.set(true);
            for (Thread th : threads) {
                th.join(10_000);
            }
        }
        assertEquals(List.of(), errors);
        try (EventOutbox outbox = EventOutbox.open(tmp.resolve("copy"), MAX, Overflow.DROP_OLDEST,
                EventOutboxTest.small(4096))) {
            List<OutboxRecord> records = all(outbox);
            List<Long> seqs = seqs(records);
            assertTrue(new HashSet<>(seqs).containsAll(returnedBeforeCopy),
                    "every append that returned before the kill survives");
            for (int i = 1; i < seqs.size(); i++) {
                assertTrue(seqs.get(i) > seqs.get(i - 1), "in order, no duplicate");
            }
            assertEquals(records.size(), new HashSet<>(EventOutboxTest.ids(records)).size());
            assertEquals(0, outbox.stats().lost());
        }
    }
}
