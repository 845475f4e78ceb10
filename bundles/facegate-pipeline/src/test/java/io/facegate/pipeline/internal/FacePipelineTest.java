package io.facegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.FaceGateException;
import io.facegate.api.Frame;
import io.facegate.api.PipelineStatus;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognitionListener;
import io.facegate.api.RecognizedFace;
import io.facegate.pipeline.internal.Fakes.Ack;
import io.facegate.pipeline.internal.Fakes.Collector;
import io.facegate.pipeline.internal.Fakes.FakeAligner;
import io.facegate.pipeline.internal.Fakes.FakeDetector;
import io.facegate.pipeline.internal.Fakes.FakeEmbedder;
import io.facegate.pipeline.internal.Fakes.FakeGallery;
import io.facegate.pipeline.internal.Fakes.FakeSource;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline with fakes of every stage service. */
class FacePipelineTest {

    private final FakeSource source = new FakeSource("cam");
    private final FakeDetector detector = new FakeDetector();
    private final FakeAligner aligner = new FakeAligner();
    private final FakeEmbedder mfn = new FakeEmbedder("mobilefacenet-112", 112);
    private final FakeEmbedder eca = new FakeEmbedder("eca-mobilefacenet-96", 96);
    private final FakeGallery gallery = new FakeGallery();
    private final Collector events = new Collector();
    private final List<FacePipeline> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(FacePipeline::stop);
        Set<String> left = new java.util.TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("facegate-pipeline-") && t.isAlive()) {
                left.add(t.getName());
            }
        }
        assertEquals(Set.of(), left, "no pipeline thread outlives stop()");
    }

    private static PipelineSettings settings(int capacity, PipelineSettings.Overflow overflow) {
        return new PipelineSettings(capacity, 1, overflow, 20, 30_000, 60, null);
    }

    /** A running pipeline with the source, detector, aligner, listener and (if given) embedder and gallery. */
    private FacePipeline pipeline(PipelineSettings s, FakeEmbedder embedder, boolean withGallery) {
        FacePipeline p = new FacePipeline();
        p.bindDetector(detector, Fakes.props(0));
        p.bindAligner(aligner, Fakes.props(0));
        if (embedder != null) {
            p.bindEmbedder(embedder, Fakes.props(100));
        }
        if (withGallery) {
            p.bindGallery(gallery, Fakes.props(0));
        }
        p.bindListener(events, Map.of());
        p.bindSource(source, Map.of("facegate.source.id", source.id(), "service.id", Fakes.SERVICE_IDS.incrementAndGet()));
        p.start(s);
        started.add(p);
        return p;
    }

    private FacePipeline pipeline() {
        return pipeline(settings(8, PipelineSettings.Overflow.BLOCK), mfn, true);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Fakes.WAIT_S);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void oneEventPerFrameWithTheRightFields() throws Exception {
        pipeline();
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            frames.add(source.push("f" + i + ".jpg"));
        }
        for (Frame f : frames) {
            RecognitionEvent e = events.await();
            assertEquals("cam", e.sourceId());
            assertEquals(f.sequence(), e.sequence());
            assertEquals(f.origin(), e.origin());
            assertEquals(f.timestamp(), e.captured());
            assertEquals("mobilefacenet-112", e.modelId());
            assertEquals("1", e.modelVersion());
            assertEquals(2, e.faces().size());
            RecognizedFace first = e.faces().get(0);
            assertEquals(Fakes.face(0), first.face());
            assertEquals("alice", first.identity().name());
            assertEquals(Set.of("detect", "align", "embed", "match"), e.timings().keySet());
            e.timings().values().forEach(d -> assertFalse(d.isNegative()));
            Ack ack = source.awaitAck();
            assertEquals(f, ack.frame(), "acknowledged in order, after its event");
            assertTrue(ack.success());
        }
        assertNull(events.events.poll(100, TimeUnit.MILLISECONDS), "exactly one event per frame");
        assertEquals(List.of(2, 2, 2, 2, 2), mfn.batches, "all faces of a frame in one batch");
        assertTrue(aligner.sizes.stream().allMatch(s -> s == 112), "aligned at the embedder's input size");
        assertEquals(10, gallery.probedModels.size());
    }

    @Test
    void withoutGalleryFacesAreUnknownAndFramesWithoutFacesStillYieldAnEvent() throws Exception {
        pipeline(settings(8, PipelineSettings.Overflow.BLOCK), mfn, false);
        source.push("two.jpg");
        RecognitionEvent e = events.await();
        assertFalse(e.faces().get(0).identity().known());
        assertEquals(-1f, e.faces().get(0).identity().similarity());
        assertEquals(0.5f, e.faces().get(0).identity().threshold());

        detector.behaviour = img -> List.of();
        source.push("empty.jpg");
        e = events.await();
        assertEquals("empty.jpg", e.origin());
        assertEquals(List.of(), e.faces());
        assertEquals("mobilefacenet-112", e.modelId());
        assertEquals(2, source.awaitAcks(2).stream().filter(Ack::success).count());
    }

    @Test
    void aBetterRankedEmbedderTakesOverFromTheNextFrame() throws Exception {
        FacePipeline p = pipeline();
        source.push("a.jpg");
        assertEquals("mobilefacenet-112", events.await().modelId());
        assertEquals("mobilefacenet-112:1", p.status().activeModel());

        p.bindEmbedder(eca, Fakes.props(200));
        assertEquals("eca-mobilefacenet-96:1", p.status().activeModel());
        source.push("b.jpg");
        RecognitionEvent b = events.await();
        assertEquals("eca-mobilefacenet-96", b.modelId());
        assertEquals(96, aligner.sizes.get(aligner.sizes.size() - 1), "aligned for the new model");

        p.unbindEmbedder(eca);
        source.push("c.jpg");
        assertEquals("mobilefacenet-112", events.await().modelId());
        assertEquals(List.of("mobilefacenet-112:1", "mobilefacenet-112:1", "eca-mobilefacenet-96:1",
                "eca-mobilefacenet-96:1", "mobilefacenet-112:1", "mobilefacenet-112:1"), gallery.probedModels);
    }

    @Test
    void aSwapWhileAFrameIsInTheEmbedderNeverMixesModelsWithinTheFrame() throws Exception {
        FacePipeline p = pipeline();
        mfn.gate = new CountDownLatch(1);
        source.push("mid-swap.jpg");
        assertTrue(mfn.entered.await(Fakes.WAIT_S, TimeUnit.SECONDS));

        // a better model arrives while the frame is inside the old one: the frame finishes with the old one
        p.bindEmbedder(eca, Fakes.props(200));
        mfn.gate.countDown();
        RecognitionEvent e = events.await();
        assertEquals("mobilefacenet-112", e.modelId());
        assertEquals(List.of("mobilefacenet-112:1", "mobilefacenet-112:1"), gallery.probedModels);
        assertEquals(Set.of(112), Set.copyOf(aligner.sizes));

        source.push("after.jpg");
        assertEquals("eca-mobilefacenet-96", events.await().modelId());
        assertEquals(2, source.awaitAcks(2).stream().filter(Ack::success).count());
    }

    @Test
    void unbindingTheEmbedderWaitsForTheFrameUsingIt() throws Exception {
        FacePipeline p = pipeline();
        p.bindEmbedder(eca, Fakes.props(50)); // lower-ranked stand-by
        mfn.gate = new CountDownLatch(1);
        source.push("x.jpg");
        assertTrue(mfn.entered.await(Fakes.WAIT_S, TimeUnit.SECONDS));

        Thread unbinder = new Thread(() -> p.unbindEmbedder(mfn));
        unbinder.start();
        unbinder.join(300);
        assertTrue(unbinder.isAlive(), "the model bundle may not close while the frame is inside it");
        assertEquals("eca-mobilefacenet-96:1", p.status().activeModel(), "new frames already go elsewhere");
        mfn.gate.countDown();
        unbinder.join(Fakes.WAIT_S * 1000L);
        assertFalse(unbinder.isAlive());
        assertEquals("mobilefacenet-112", events.await().modelId());
        assertTrue(source.awaitAck().success());
    }

    @Test
    void aFrameWhoseEmbedderVanishedMidFrameIsRedoneWithTheNewOne() throws Exception {
        // stop_timeout 0: unbind does not wait, the departing model fails the frame as a closed model would
        FacePipeline p = pipeline(new PipelineSettings(8, 1, PipelineSettings.Overflow.BLOCK, 20, 0, 60, null), mfn, true);
        mfn.gate = new CountDownLatch(1);
        mfn.failAfterGate = new FaceGateException("session closed");
        source.push("y.jpg");
        assertTrue(mfn.entered.await(Fakes.WAIT_S, TimeUnit.SECONDS));
        p.bindEmbedder(eca, Fakes.props(200));
        p.unbindEmbedder(mfn);
        mfn.gate.countDown();

        RecognitionEvent e = events.await();
        assertEquals("eca-mobilefacenet-96", e.modelId());
        assertEquals(List.of("eca-mobilefacenet-96:1", "eca-mobilefacenet-96:1"), gallery.probedModels,
                "no embedding of the old model reached the gallery");
        assertTrue(source.awaitAck().success());
        assertEquals(1, p.retried());
        assertEquals(0, p.status().framesFailed());
    }

    @Test
    void anEmbedderReturningAnotherModelsEmbeddingsFailsTheFrame() throws Exception {
        FakeEmbedder liar = new FakeEmbedder("liar", 112) {
            @Override
            public io.facegate.api.ModelInfo model() {
                return new io.facegate.api.ModelInfo("honest", "1", 112, io.facegate.api.ChannelOrder.RGB, 0, 1, 4, 0.5f);
            }
        };
        pipeline(settings(8, PipelineSettings.Overflow.BLOCK), liar, true);
        source.push("z.jpg");
        Ack ack = source.awaitAck();
        assertFalse(ack.success());
        assertTrue(ack.reason().contains("never mixes models"), ack.reason());
        assertEquals(List.of(), gallery.probedModels);
    }

    @Test
    void listenerExceptionsDoNotStopProcessing() throws Exception {
        FacePipeline p = new FacePipeline();
        p.bindListener(e -> {
            throw new IllegalStateException("listener bug");
        }, Map.of());
        p.bindDetector(detector, Fakes.props(0));
        p.bindAligner(aligner, Fakes.props(0));
        p.bindEmbedder(mfn, Fakes.props(0));
        p.bindListener(events, Map.of());
        p.bindListener(e -> {
            throw new UnsupportedOperationException("listener error");
        }, Map.of());
        p.bindSource(source, Map.of());
        p.start(settings(8, PipelineSettings.Overflow.BLOCK));
        started.add(p);
        for (int i = 0; i < 3; i++) {
            source.push("l" + i);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("l" + i, events.await().origin());
        }
        assertTrue(source.awaitAcks(3).stream().allMatch(Ack::success));
        assertEquals(6, p.listenerFailures());
        assertEquals(3, p.status().framesProcessed());
    }

    @Test
    void aFailingDetectorAcknowledgesTheFrameAsFailedAndProcessingContinues() throws Exception {
        FacePipeline p = pipeline();
        detector.behaviour = img -> {
            throw new FaceGateException("MTCNN model not loaded");
        };
        Frame bad = source.push("bad.jpg");
        Ack ack = source.awaitAck();
        assertEquals(bad, ack.frame());
        assertFalse(ack.success());
        assertEquals("detect failed: FaceGateException: MTCNN model not loaded", ack.reason());
        assertNull(events.events.poll(100, TimeUnit.MILLISECONDS), "no event for a failed frame");

        detector.behaviour = img -> List.of(Fakes.face(1));
        source.push("good.jpg");
        assertEquals("good.jpg", events.await().origin());
        assertTrue(source.awaitAck().success());
        PipelineStatus s = p.status();
        assertEquals(1, s.framesFailed());
        assertEquals(1, s.framesProcessed());
    }

    @Test
    void aFaceTheAlignerRefusesIsReportedUnidentified() throws Exception {
        FacePipeline p = new FacePipeline();
        p.bindDetector(detector, Fakes.props(0));
        p.bindAligner((image, face, size) -> {
            if (face.box().x() > 0) {
                throw new IllegalArgumentException("degenerate landmarks");
            }
            return aligner.align(image, face, size);
        }, Fakes.props(0));
        p.bindEmbedder(mfn, Fakes.props(0));
        p.bindGallery(gallery, Fakes.props(0));
        p.bindListener(events, Map.of());
        p.bindSource(source, Map.of());
        p.start(settings(8, PipelineSettings.Overflow.BLOCK));
        started.add(p);
        source.push("one-bad-face.jpg");
        RecognitionEvent e = events.await();
        assertEquals(2, e.faces().size());
        assertTrue(e.faces().get(0).identity().known());
        assertFalse(e.faces().get(1).identity().known());
        assertEquals(List.of(1), mfn.batches);
    }

    @Test
    void withoutAnEmbedderFramesWaitUnacknowledgedUntilOneAppears() throws Exception {
        FacePipeline p = pipeline(settings(8, PipelineSettings.Overflow.BLOCK), null, true);
        source.push("w1.jpg");
        source.push("w2.jpg");
        Thread.sleep(300);
        assertNull(events.events.poll());
        assertTrue(source.acks.isEmpty(), "neither dropped nor acknowledged");
        PipelineStatus s = p.status();
        assertNull(s.activeModel());
        assertEquals(2, s.framesReceived());
        assertEquals(1, s.queueDepth(), "one frame waits in the worker, one in the queue");

        p.bindEmbedder(eca, Fakes.props(0));
        assertEquals("w1.jpg", events.await().origin());
        assertEquals("w2.jpg", events.await().origin());
        assertTrue(source.awaitAcks(2).stream().allMatch(Ack::success));
    }

    @Test
    void blockPolicyAppliesBackPressure() throws Exception {
        FacePipeline p = pipeline(settings(2, PipelineSettings.Overflow.BLOCK), null, true);
        for (int i = 0; i < 10; i++) {
            source.push("b" + i);
        }
        // one frame in the worker (waiting for an embedder), two queued, one in the reader's hand
        await(() -> source.taken.get() == 4 && p.status().queueDepth() == 2, "a full queue");
        Thread.sleep(200);
        assertEquals(4, source.taken.get(), "the reader stops pulling");
        assertEquals(0, p.status().framesDropped());

        p.bindEmbedder(mfn, Fakes.props(0));
        for (int i = 0; i < 10; i++) {
            assertEquals("b" + i, events.await().origin());
        }
        assertEquals(0, p.status().framesDropped());
    }

    @Test
    void dropOldestPolicyEvictsTheSourcesOldestQueuedFrame() throws Exception {
        FacePipeline p = pipeline(settings(2, PipelineSettings.Overflow.DROP_OLDEST), null, true);
        source.push("d0");
        await(() -> p.status().framesReceived() == 1 && p.status().queueDepth() == 0, "d0 in the worker");
        for (int i = 1; i < 6; i++) {
            source.push("d" + i);
        }
        // d0 in the worker; d1..d3 evicted one by one as d3..d5 arrive; d4, d5 queued
        List<Ack> drops = source.awaitAcks(3);
        assertEquals(List.of("d1", "d2", "d3"), drops.stream().map(a -> a.frame().origin()).toList());
        assertTrue(drops.stream().noneMatch(Ack::success));
        assertEquals(FacePipeline.DROPPED_REASON, drops.get(0).reason());
        assertEquals(3, p.status().framesDropped());

        p.bindEmbedder(mfn, Fakes.props(0));
        assertEquals(List.of("d0", "d4", "d5"), List.of(events.await().origin(), events.await().origin(),
                events.await().origin()));
    }

    @Test
    void aSourceCanOverrideTheOverflowPolicy() throws Exception {
        FacePipeline p = new FacePipeline();
        p.bindDetector(detector, Fakes.props(0));
        p.bindAligner(aligner, Fakes.props(0));
        p.bindSource(source, Map.of(FacePipeline.PROP_OVERFLOW, "drop-oldest"));
        p.start(settings(1, PipelineSettings.Overflow.BLOCK));
        started.add(p);
        source.push("o0");
        await(() -> p.status().framesReceived() == 1 && p.status().queueDepth() == 0, "o0 in the worker");
        for (int i = 1; i < 4; i++) {
            source.push("o" + i);
        }
        await(() -> p.status().framesDropped() == 2, "two drops");
        assertEquals(List.of("o1", "o2"), source.awaitAcks(2).stream().map(a -> a.frame().origin()).toList());
    }

    @Test
    void statusCountsAndMeasures() throws Exception {
        FacePipeline p = pipeline();
        PipelineStatus idle = p.status();
        assertTrue(idle.running());
        assertEquals(8, idle.queueCapacity());
        assertEquals(0, idle.framesPerSecond());
        for (int i = 0; i < 20; i++) {
            source.push("s" + i);
        }
        detector.behaviour = img -> List.of(Fakes.face(0), Fakes.face(50), Fakes.face(100));
        source.awaitAcks(20);
        PipelineStatus s = p.status();
        assertEquals(20, s.framesReceived());
        assertEquals(20, s.framesProcessed());
        assertEquals(0, s.framesFailed());
        assertEquals(0, s.framesDropped());
        assertEquals(0, s.queueDepth());
        assertTrue(s.facesDetected() >= 40 && s.facesDetected() <= 60, "faces " + s.facesDetected());
        assertTrue(s.framesPerSecond() > 0);
        assertTrue(s.latencyP50Millis() > 0 && s.latencyP50Millis() <= s.latencyP99Millis(), s.toString());
        assertEquals("mobilefacenet-112:1", s.activeModel());
        p.stop();
        assertFalse(p.status().running());
    }

    @Test
    void stopFinishesTheFrameInProgressAndLeavesQueuedFramesUnacknowledged() throws Exception {
        FacePipeline p = pipeline();
        mfn.gate = new CountDownLatch(1);
        source.push("in-progress.jpg");
        assertTrue(mfn.entered.await(Fakes.WAIT_S, TimeUnit.SECONDS));
        source.push("queued1.jpg");
        source.push("queued2.jpg");
        await(() -> p.status().queueDepth() == 2, "two queued frames");

        Thread stopper = new Thread(p::stop);
        stopper.start();
        stopper.join(200);
        assertTrue(stopper.isAlive(), "stop waits for the frame in progress");
        mfn.gate.countDown();
        stopper.join(Fakes.WAIT_S * 1000L);
        assertFalse(stopper.isAlive());

        assertEquals("in-progress.jpg", events.await().origin());
        Ack ack = source.awaitAck();
        assertEquals("in-progress.jpg", ack.frame().origin());
        assertTrue(ack.success());
        assertNull(source.acks.poll(200, TimeUnit.MILLISECONDS), "queued frames stay with their source");
        assertNull(events.events.poll());
        assertFalse(p.status().running());
    }

    @Test
    void stopWhileWaitingForAnEmbedderLeavesTheFrameUnacknowledged() throws Exception {
        FacePipeline p = pipeline(new PipelineSettings(8, 1, PipelineSettings.Overflow.BLOCK, 20, 600_000, 60, null), null,
                true);
        source.push("waiting.jpg");
        await(() -> p.status().framesReceived() == 1, "the frame taken");
        long t0 = System.nanoTime();
        p.stop();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60), "stop does not wait stop_timeout_ms for services");
        assertTrue(source.acks.isEmpty());
    }

    @Test
    void unbindingASourceStopsItsReaderAndReturnsItsQueuedFramesUnacknowledged() throws Exception {
        FacePipeline p = pipeline();
        FakeSource other = new FakeSource("other");
        p.bindSource(other, Map.of("facegate.source.id", "other"));
        mfn.gate = new CountDownLatch(1);
        source.push("first.jpg");
        assertTrue(mfn.entered.await(Fakes.WAIT_S, TimeUnit.SECONDS));
        other.push("o1.jpg");
        other.push("o2.jpg");
        await(() -> p.status().queueDepth() == 2, "other's frames queued");

        p.unbindSource(other);
        assertEquals(0, p.status().queueDepth());
        other.push("o3.jpg");
        Thread.sleep(100);
        assertEquals(2, other.taken.get(), "no reader left for the unbound source");
        mfn.gate.countDown();
        assertEquals("first.jpg", events.await().origin());
        assertNull(events.events.poll(200, TimeUnit.MILLISECONDS));
        assertTrue(other.acks.isEmpty());
    }

    @Test
    void manySourcesManyWorkersEveryFrameExactlyOnce() throws Exception {
        FacePipeline p = new FacePipeline();
        p.bindDetector(detector, Fakes.props(0));
        p.bindAligner(aligner, Fakes.props(0));
        p.bindEmbedder(mfn, Fakes.props(0));
        p.bindListener(events, Map.of());
        List<FakeSource> sources = List.of(new FakeSource("s1"), new FakeSource("s2"), new FakeSource("s3"));
        for (FakeSource s : sources) {
            p.bindSource(s, Map.of("facegate.source.id", s.id()));
        }
        p.start(new PipelineSettings(4, 3, PipelineSettings.Overflow.BLOCK, 20, 30_000, 60, null));
        started.add(p);
        for (int i = 0; i < 100; i++) {
            for (FakeSource s : sources) {
                s.push(s.id() + "-" + i);
            }
            if (i == 50) {
                p.bindEmbedder(eca, Fakes.props(500));
            }
        }
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 300; i++) {
            RecognitionEvent e = events.await();
            assertTrue(seen.add(e.origin()), "duplicate event for " + e.origin());
        }
        assertNull(events.events.poll(100, TimeUnit.MILLISECONDS));
        for (FakeSource s : sources) {
            assertTrue(s.awaitAcks(100).stream().allMatch(Ack::success));
        }
        assertEquals(300, p.status().framesProcessed());
    }

    @Test
    void framesWaitForTheRequiredListenerAndFailWhenItRefusesTheEvent() throws Exception {
        FacePipeline p = new FacePipeline();
        p.bindDetector(detector, Fakes.props(0));
        p.bindAligner(aligner, Fakes.props(0));
        p.bindEmbedder(mfn, Fakes.props(0));
        p.bindListener(events, Map.of());
        p.bindSource(source, Map.of());
        p.start(new PipelineSettings(8, 1, PipelineSettings.Overflow.BLOCK, 20, 30_000, 60, "mqtt"));
        started.add(p);
        source.push("w0");
        await(() -> !p.status().waitingFor().isEmpty(), "the pipeline to report what it waits for");
        assertEquals(List.of("RecognitionListener facegate.listener.type=mqtt"), p.status().waitingFor());
        assertNull(events.events.poll(200, TimeUnit.MILLISECONDS), "no event before the durable listener is there");
        assertNull(source.acks.poll(), "nothing acknowledged meanwhile");

        java.util.concurrent.atomic.AtomicBoolean diskFull = new java.util.concurrent.atomic.AtomicBoolean();
        List<RecognitionEvent> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecognitionListener outbox = e -> {
            if (diskFull.get()) {
                throw new io.facegate.api.FaceGateException("No space left on device");
            }
            stored.add(e);
        };
        p.bindListener(outbox, Map.of("facegate.listener.type", "mqtt"));
        Ack first = source.awaitAck();
        assertTrue(first.success());
        assertEquals("w0", stored.get(0).origin());
        assertEquals(List.of(), p.status().waitingFor());

        diskFull.set(true);
        source.push("w1");
        Ack refused = source.awaitAck();
        assertFalse(refused.success(), "a frame whose event was not stored keeps its input");
        assertEquals("event not stored: FaceGateException: No space left on device", refused.reason());
        assertEquals(1, p.status().framesFailed());
        assertTrue(p.status().lastErrors().get("listener").endsWith("No space left on device"),
                p.status().lastErrors().toString());
    }

    /** A configuration as DS builds it. */
    record Cfg(int queue__capacity, int workers, String overflow, long poll__timeout__ms, long stop__timeout__ms,
               int stats__window__s) implements FacePipeline.Config {
        @Override
        public String required__listener() {
            return "";
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return FacePipeline.Config.class;
        }
    }

    @Test
    void badConfigurationFailsFast() {
        assertEquals(new PipelineSettings(16, 2, PipelineSettings.Overflow.DROP_OLDEST, 100, 0, 5, null),
                PipelineSettings.from(new Cfg(16, 2, " Drop-Oldest", 100, 0, 5)));
        assertEquals("queue_capacity must be within 1..100000, got 0", assertThrows(IllegalArgumentException.class,
                () -> PipelineSettings.from(new Cfg(0, 1, "block", 100, 0, 5))).getMessage());
        assertEquals("workers must be within 1..64, got 0", assertThrows(IllegalArgumentException.class,
                () -> PipelineSettings.from(new Cfg(1, 0, "block", 100, 0, 5))).getMessage());
        assertEquals("overflow must be block or drop_oldest, got 'newest'", assertThrows(IllegalArgumentException.class,
                () -> PipelineSettings.from(new Cfg(1, 1, "newest", 100, 0, 5))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PipelineSettings.from(new Cfg(1, 1, "block", 1, 0, 5)));
        assertThrows(IllegalArgumentException.class, () -> PipelineSettings.from(new Cfg(1, 1, "block", 100, -1, 5)));
        assertThrows(IllegalArgumentException.class, () -> PipelineSettings.from(new Cfg(1, 1, "block", 100, 0, 0)));
        FacePipeline p = new FacePipeline();
        assertThrows(IllegalArgumentException.class, () -> p.activate(new Cfg(0, 1, "block", 100, 0, 5)));
        assertFalse(p.status().running());
    }
}
