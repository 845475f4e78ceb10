package io.facegate.mqtt.internal;

import static io.facegate.mqtt.internal.EventOutboxTest.all;
import static io.facegate.mqtt.internal.EventOutboxTest.payload;
import static io.facegate.mqtt.internal.EventOutboxTest.segmentBytes;
import static io.facegate.mqtt.internal.EventOutboxTest.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.mqtt.internal.EventOutbox.Overflow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Several appending threads, a delivering thread, and a long run of append + acknowledge. */
class EventOutboxConcurrencyTest {
    private static final Logger LOG = LoggerFactory.getLogger(EventOutboxConcurrencyTest.class);

    @TempDir
    Path tmp;

    private final ExecutorService pool = Executors.newFixedThreadPool(5);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void fourThreadsAppendingTogetherStoreEveryRecordExactlyOnceInEachThreadsOrder() throws Exception {
        Path dir = tmp.resolve("o");
        int perThread = 500;
        Map<String, Long> seqOfId = new ConcurrentHashMap<>();
        long forces;
        double seconds;
        try (EventOutbox outbox = EventOutbox.open(dir, 16L << 20, Overflow.DROP_OLDEST,
                EventOutboxTest.small(16 * 1024))) {
            long start = System.nanoTime();
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String id = "t" + thread + "-" + i;
                        long seq = outbox.append(id, payload(i, 200));
                        seqOfId.put(id, seq);
                        mine.add(seq);
                    }
                    return mine;
                }));
            }
            Set<Long> allSeqs = new HashSet<>();
            for (Future<List<Long>> f : results) {
                List<Long> mine = f.get(60, TimeUnit.SECONDS);
                for (int i = 1; i < mine.size(); i++) {
                    assertTrue(mine.get(i) > mine.get(i - 1), "a thread's records keep its order");
                }
                allSeqs.addAll(mine);
            }
            seconds = (System.nanoTime() - start) / 1e9;
            forces = outbox.forceCount();
            assertEquals(4 * perThread, allSeqs.size(), "no sequence number given twice");
            assertStored(outbox, seqOfId);
        }
        LOG.info("outbox: 4 threads appended {} durable records in {} s = {} appends/s with {} forces"
                        + " (group commit: {} records per force)", 4 * perThread, String.format("%.2f", seconds),
                String.format("%.0f", 4 * perThread / seconds), forces,
                String.format("%.1f", 4.0 * perThread / forces));
        try (EventOutbox outbox = EventOutbox.open(dir, 16L << 20, Overflow.DROP_OLDEST,
                EventOutboxTest.small(16 * 1024))) {
            assertStored(outbox, seqOfId); // and all of it on disk
        }
    }

    private static void assertStored(EventOutbox outbox, Map<String, Long> seqOfId) throws IOException {
        List<OutboxRecord> records = all(outbox);
        assertEquals(seqOfId.size(), records.size());
        long previous = 0;
        for (OutboxRecord r : records) {
            assertTrue(r.seq() > previous, "in sequence order");
            previous = r.seq();
            assertEquals(seqOfId.get(r.eventId()), r.seq(), r.eventId());
        }
    }

    @Test
    void aFailedGroupForceFailsExactlyTheAppendsItCoveredAndNoneOfThemIsDelivered() throws Exception {
        Path dir = tmp.resolve("o");
        AtomicLong forceCalls = new AtomicLong();
        OutboxTuning faulty = new OutboxTuning(4096, true, (operation, file) -> {
            long n = forceCalls.incrementAndGet();
            if (operation.equals("force") && (n % 50 == 0)) {
                throw new IOException("simulated fsync failure");
            }
            if (operation.equals("force") && n % 77 == 0) {
                throw new IllegalStateException("simulated bug in the force path");
            }
        });
        Set<Long> returned = ConcurrentHashMap.newKeySet();
        Set<String> storedIds = ConcurrentHashMap.newKeySet();
        AtomicLong ioFailures = new AtomicLong();
        AtomicLong runtimeFailures = new AtomicLong();
        try (EventOutbox outbox = EventOutbox.open(dir, 16L << 20, Overflow.DROP_OLDEST, faulty)) {
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                threads.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < 300; i++) {
                        String id = "t" + thread + "-" + i;
                        try {
                            returned.add(outbox.append(id, payload(i, 100)));
                            storedIds.add(id);
                        } catch (IOException e) {
                            ioFailures.incrementAndGet();
                        } catch (IllegalStateException e) {
                            runtimeFailures.incrementAndGet(); // the leader sees the bug; the others an IOException
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : threads) {
                f.get(60, TimeUnit.SECONDS); // nobody hangs
            }
            assertTrue(ioFailures.get() > 0 && runtimeFailures.get() > 0, ioFailures + " / " + runtimeFailures);
            assertEquals(1200, returned.size() + ioFailures.get() + runtimeFailures.get());
            List<OutboxRecord> records = all(outbox);
            assertEquals(returned, new HashSet<>(EventOutboxTest.seqs(records)));
            assertEquals(storedIds, new HashSet<>(EventOutboxTest.ids(records)));
            assertEquals(returned.size(), outbox.stats().depth());
        }
        try (EventOutbox outbox = EventOutbox.open(dir, 16L << 20, Overflow.DROP_OLDEST,
                EventOutboxTest.small(4096))) {
            assertEquals(storedIds, new HashSet<>(EventOutboxTest.ids(all(outbox))), "the same after a restart");
            assertEquals(0, outbox.stats().lost());
        }
    }

    @Test
    void appendersAndADeliveringThreadWorkTogether() throws Exception {
        Path dir = tmp.resolve("o");
        Set<Long> appendedSeqs = ConcurrentHashMap.newKeySet();
        AtomicBoolean producing = new AtomicBoolean(true);
        try (EventOutbox outbox = EventOutbox.open(dir, 16L << 20, Overflow.DROP_OLDEST,
                EventOutboxTest.small(8 * 1024))) {
            List<Future<?>> producers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                producers.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < 1000; i++) {
                        appendedSeqs.add(outbox.append("t" + thread + "-" + i, payload(i, 150)));
                    }
                    return null;
                }));
            }
            // a transport: sends what comes after its cursor, acknowledges in a shuffled order, 32 in flight
            Future<Map<Long, Integer>> consumer = pool.submit(() -> {
                Map<Long, Integer> sent = new HashMap<>();
                Random random = new Random(11);
                long cursor = -1;
                while (true) {
                    boolean last = !producing.get();
                    List<OutboxRecord> batch = outbox.peek(cursor, 32);
                    if (batch.isEmpty()) {
                        if (last) {
                            return sent;
                        }
                        Thread.sleep(1);
                        continue;
                    }
                    List<Long> inflight = new ArrayList<>();
                    for (OutboxRecord r : batch) {
                        sent.merge(r.seq(), 1, Integer::sum);
                        inflight.add(r.seq());
                        cursor = r.seq();
                    }
                    Collections.shuffle(inflight, random);
                    for (long seq : inflight) {
                        outbox.acknowledge(seq);
                    }
                }
            });
            for (Future<?> f : producers) {
                f.get(60, TimeUnit.SECONDS);
            }
            producing.set(false);
            Map<Long, Integer> sent = consumer.get(60, TimeUnit.SECONDS);
            assertEquals(appendedSeqs, sent.keySet(), "every record delivered");
            assertTrue(sent.values().stream().allMatch(n -> n == 1), "and none twice without a restart");
            OutboxStats stats = outbox.stats();
            assertEquals(0, stats.depth());
            assertEquals(3000, stats.appended());
            assertEquals(3000, stats.delivered());
            assertEquals(1, segmentFiles(dir).size());
        }
    }

    @Test
    void aSoakOfTwentyThousandRecordsAppendedAndAcknowledged() throws Exception {
        Path dir = tmp.resolve("o");
        long max = 512 * 1024;
        // many segment rolls, deletions and head writes; fsync is left out here (durability is tested elsewhere)
        OutboxTuning tuning = new OutboxTuning(16 * 1024, false, OutboxTuning.NO_FAULTS);
        int perProducer = 10_000;
        AtomicLong refusals = new AtomicLong();
        AtomicLong maxSeen = new AtomicLong();
        AtomicBoolean producing = new AtomicBoolean(true);
        long start = System.nanoTime();
        try (EventOutbox outbox = EventOutbox.open(dir, max, Overflow.DROP_NEWEST, tuning)) {
            List<Future<?>> producers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                producers.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < perProducer; i++) {
                        while (outbox.append("s" + thread + "-" + i, payload(i, 40)) < 0) {
                            refusals.incrementAndGet(); // full: wait for the consumer, as a blocked source would
                            Thread.sleep(1);
                        }
                    }
                    return null;
                }));
            }
            Future<Long> consumer = pool.submit(() -> {
                long delivered = 0;
                while (true) {
                    boolean last = !producing.get();
                    List<OutboxRecord> batch = outbox.peek(-1, 500);
                    if (batch.isEmpty()) {
                        if (last) {
                            return delivered;
                        }
                        Thread.sleep(1);
                        continue;
                    }
                    for (OutboxRecord r : batch) {
                        outbox.acknowledge(r.seq());
                        delivered++;
                    }
                    maxSeen.accumulateAndGet(outbox.stats().bytes(), Math::max);
                }
            });
            for (Future<?> f : producers) {
                f.get(120, TimeUnit.SECONDS);
            }
            producing.set(false);
            assertEquals(2L * perProducer, consumer.get(60, TimeUnit.SECONDS));
            OutboxStats stats = outbox.stats();
            assertEquals(2L * perProducer, stats.appended());
            assertEquals(2L * perProducer, stats.delivered());
            assertEquals(0, stats.depth());
            assertEquals(refusals.get(), stats.dropped());
            assertEquals(1, stats.segments());
            assertEquals(segmentBytes(dir), stats.bytes());
            assertTrue(maxSeen.get() <= max);
        }
        LOG.info("outbox soak: {} records appended and acknowledged in {} s ({} refusals while full)",
                2 * perProducer, String.format("%.2f", (System.nanoTime() - start) / 1e9), refusals.get());
        try (EventOutbox outbox = EventOutbox.open(dir, max, Overflow.DROP_NEWEST, tuning)) {
            assertEquals(List.of(), all(outbox));
            assertEquals(2L * perProducer + 1, outbox.append("next", payload(0, 40)));
        }
    }
}
