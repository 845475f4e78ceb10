package io.facegate.gallery.internal;

import static io.facegate.gallery.internal.FakeEmbedder.face;
import static io.facegate.gallery.internal.FakeEmbedder.photos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.Embedding;
import io.facegate.api.Identity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** identify, enroll and forget while the gallery re-embeds for a new model. */
class ConcurrencyTest {
    static final int PEOPLE = 24;

    @TempDir
    Path dir;

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out");
            Thread.sleep(5);
        }
    }

    @Test
    void identifyDuringReembeddingNeverThrowsAndNeverMixesModels() throws Exception {
        FakeEmbedder a = new FakeEmbedder("fake-a", 112, 128, 0.7f, 11);
        FakeEmbedder b = new FakeEmbedder("fake-b", 96, 96, 0.6f, 22);
        FileGallery g = new FileGallery(GallerySettings.parse(dir.toString(), null, null), FileGalleryTest.FAST);
        try {
            g.bindEmbedder(a);
            for (int p = 0; p < PEOPLE; p++) {
                g.enroll("p" + p, photos(100 + p, 1, 112));
            }
            Embedding[] probesA = new Embedding[PEOPLE];
            Embedding[] probesB = new Embedding[PEOPLE];
            for (int p = 0; p < PEOPLE; p++) {
                probesA[p] = a.probe(face(100 + p, 777, 112));
                probesB[p] = b.probe(face(100 + p, 777, 112));
            }
            int aFaces = g.snapshot().vectorCount(a.model().key());
            b.delayMillisPerCall = 15; // one call per person: the pass takes a while

            Queue<String> errors = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger knownB = new AtomicInteger();
            AtomicInteger unknownB = new AtomicInteger();
            AtomicInteger checks = new AtomicInteger();
            ExecutorService readers = Executors.newFixedThreadPool(3);
            for (int t = 0; t < 3; t++) {
                readers.execute(() -> {
                    while (!stop.get()) {
                        int p = ThreadLocalRandom.current().nextInt(PEOPLE);
                        String expected = "p" + p;
                        try {
                            Identity ia = g.identify(probesA[p]);
                            // p0 is forgotten during the run
                            if (!(expected.equals(ia.name()) || p == 0 && !ia.known()) || ia.threshold() != 0.7f) {
                                errors.add("model A: " + expected + " -> " + ia);
                            }
                            Identity ib = g.identify(probesB[p]);
                            // before B is bound the gallery knows nothing about it: threshold 1, nobody matches
                            boolean nothingYet = !ib.known() && ib.similarity() == -1f;
                            if (ib.threshold() != 0.6f && !(nothingYet && ib.threshold() == 1f)) {
                                errors.add("model B threshold: " + ib);
                            } else if (ib.known()) {
                                knownB.incrementAndGet();
                                if (!expected.equals(ib.name())) {
                                    errors.add("model B: " + expected + " -> " + ib);
                                }
                            } else {
                                unknownB.incrementAndGet();
                            }
                            checks.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e.toString());
                        }
                    }
                });
            }
            waitFor(() -> unknownB.get() > 0); // readers are running and see nothing of B yet
            g.bindEmbedder(b); // what SCR does when a better-ranked model bundle arrives
            g.unbindEmbedder(a);
            Thread.sleep(60);
            g.enroll("late", photos(500, 2, 112)); // embedded with B directly
            assertTrue(g.forget("p0"));
            assertTrue(g.awaitReembedding(Duration.ofSeconds(120)));
            assertEquals(ReembedStatus.Phase.DONE, g.reembedStatus().phase(), g.reembedStatus().toString());
            int seen = checks.get();
            waitFor(() -> checks.get() > seen + 100); // and they keep running on the complete gallery
            stop.set(true);
            readers.shutdown();
            assertTrue(readers.awaitTermination(10, TimeUnit.SECONDS));

            assertEquals(List.of(), List.copyOf(errors));
            assertTrue(unknownB.get() > 0 && knownB.get() > 0,
                    "probes of B were seen before and after re-embedding: " + unknownB + " / " + knownB);
            assertEquals(aFaces - 1, g.snapshot().vectorCount(a.model().key()), "model A untouched but for p0");
            assertEquals(PEOPLE - 1 + 2, g.snapshot().vectorCount(b.model().key()));
            for (int p = 1; p < PEOPLE; p++) {
                assertEquals("p" + p, g.identify(probesB[p]).name());
            }
            assertEquals("late", g.identify(b.probe(face(500, 1, 112))).name());
        } finally {
            g.deactivate();
        }
    }
}
