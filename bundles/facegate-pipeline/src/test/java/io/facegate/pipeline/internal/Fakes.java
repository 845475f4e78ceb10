package io.facegate.pipeline.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.BoundingBox;
import io.facegate.api.ChannelOrder;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Frame;
import io.facegate.api.FrameSource;
import io.facegate.api.Gallery;
import io.facegate.api.Identity;
import io.facegate.api.ModelInfo;
import io.facegate.api.Point;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognitionListener;
import io.facegate.api.RgbImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** In-memory fakes of the API services, no TensorFlow. */
final class Fakes {
    private Fakes() {
    }

    /** Generous: the build machine may be heavily loaded. */
    static final int WAIT_S = 30;

    static final AtomicLong SERVICE_IDS = new AtomicLong(1000);

    /** Service properties as DS passes them. */
    static Map<String, Object> props(int ranking) {
        return Map.of("service.id", SERVICE_IDS.incrementAndGet(), "service.ranking", ranking);
    }

    static RgbImage image(int w, int h) {
        return new RgbImage(w, h, new byte[w * h * 3]);
    }

    static DetectedFace face(float x) {
        return new DetectedFace(new BoundingBox(x, 10, 40, 40), 0.99f, new FaceLandmarks(new Point(x + 10, 20),
                new Point(x + 30, 20), new Point(x + 20, 30), new Point(x + 12, 40), new Point(x + 28, 40)));
    }

    record Ack(Frame frame, boolean success, String reason) {
    }

    /** Hands out pushed frames; records acknowledgements. */
    static final class FakeSource implements FrameSource {
        final String id;
        final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        final BlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
        final AtomicLong taken = new AtomicLong();
        private final AtomicLong seq = new AtomicLong();

        FakeSource(String id) {
            this.id = id;
        }

        Frame push(String origin) {
            Frame f = new Frame(id, seq.incrementAndGet(), Instant.now(), origin, image(64, 48));
            frames.add(f);
            return f;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Frame next(Duration timeout) throws InterruptedException {
            Frame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (f != null) {
                taken.incrementAndGet();
            }
            return f;
        }

        @Override
        public void acknowledge(Frame frame, boolean success, String reason) {
            acks.add(new Ack(frame, success, reason));
        }

        Ack awaitAck() throws InterruptedException {
            Ack a = acks.poll(WAIT_S, TimeUnit.SECONDS);
            if (a == null) {
                throw new AssertionError("no acknowledgement within " + WAIT_S + " s");
            }
            return a;
        }

        List<Ack> awaitAcks(int n) throws InterruptedException {
            List<Ack> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(awaitAck());
            }
            return out;
        }
    }

    /** Finds what {@link #behaviour} says; two faces by default. */
    static final class FakeDetector implements FaceDetector {
        volatile Function<RgbImage, List<DetectedFace>> behaviour = img -> List.of(face(0), face(50));

        @Override
        public List<DetectedFace> detect(RgbImage image) {
            return behaviour.apply(image);
        }
    }

    /** Returns a blank crop of the requested size; records the sizes. */
    static final class FakeAligner implements FaceAligner {
        final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public AlignedFace align(RgbImage image, DetectedFace face, int size) {
            sizes.add(size);
            return new AlignedFace(image(size, size), face);
        }
    }

    /** An embedder of one fake model; can be held inside {@link #embed} by a gate, or made to fail. */
    static class FakeEmbedder implements FaceEmbedder {
        final ModelInfo model;
        final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
        /** When set, embed() counts {@link #entered} down and waits for this gate. */
        volatile CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);
        volatile RuntimeException failAfterGate;

        FakeEmbedder(String id, int inputSize) {
            this.model = new ModelInfo(id, "1", inputSize, ChannelOrder.RGB, 127.5f, 128f, 4, 0.5f);
        }

        @Override
        public ModelInfo model() {
            return model;
        }

        @Override
        public List<Embedding> embed(List<AlignedFace> faces) {
            CountDownLatch g = gate;
            if (g != null) {
                entered.countDown();
                try {
                    if (!g.await(WAIT_S, TimeUnit.SECONDS)) {
                        throw new AssertionError("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                RuntimeException f = failAfterGate;
                if (f != null) {
                    throw f;
                }
            }
            batches.add(faces.size());
            List<Embedding> out = new ArrayList<>();
            for (AlignedFace a : faces) {
                if (a.size() != model.inputSize()) {
                    throw new IllegalArgumentException("wrong size " + a.size());
                }
                out.add(new Embedding(model.id(), model.version(), new float[] {1, 2, 3, out.size() + 1}));
            }
            return out;
        }
    }

    /** Knows "alice"; records the model of every probe. */
    static final class FakeGallery implements Gallery {
        final List<String> probedModels = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void enroll(String name, List<AlignedFace> faces) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean forget(String name) {
            return false;
        }

        @Override
        public boolean rename(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> people() {
            return List.of("alice");
        }

        @Override
        public List<io.facegate.api.PersonSummary> summaries() {
            return List.of(new io.facegate.api.PersonSummary("alice", 1, Map.of()));
        }

        @Override
        public io.facegate.api.GalleryHealth health() {
            return new io.facegate.api.GalleryHealth(io.facegate.api.GalleryHealth.OK, 0, 0, null);
        }

        @Override
        public Identity identify(Embedding embedding) {
            probedModels.add(embedding.modelKey());
            return Identity.of("alice", 0.9f, 0.5f);
        }
    }

    /** Collects events. */
    static final class Collector implements RecognitionListener {
        final BlockingQueue<RecognitionEvent> events = new LinkedBlockingQueue<>();

        @Override
        public void recognized(RecognitionEvent event) {
            events.add(event);
        }

        RecognitionEvent await() throws InterruptedException {
            RecognitionEvent e = events.poll(WAIT_S, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + WAIT_S + " s");
            }
            return e;
        }
    }
}
