package io.facegate.pipeline.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.Frame;
import io.facegate.api.FrameSource;
import io.facegate.api.Gallery;
import io.facegate.api.Identity;
import io.facegate.api.ModelInfo;
import io.facegate.api.Pipeline;
import io.facegate.api.PipelineStatus;
import io.facegate.api.RecognitionEvent;
import io.facegate.api.RecognitionListener;
import io.facegate.api.RecognizedFace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera-to-event pipeline.
 *
 * <p><b>Threads.</b> One reader thread per {@link FrameSource} pulls frames into one bounded queue;
 * {@code workers} threads (default 1) take frames from it and run, per frame: detect, align every
 * face at the embedder's input size, embed all faces of the frame in one batch, identify each
 * embedding in the {@link Gallery}, build one {@link RecognitionEvent} with per-stage timings
 * ({@code detect}, {@code align}, {@code embed}, {@code match}), call every
 * {@link RecognitionListener}, then acknowledge the frame to its source as processed. A frame whose
 * processing throws is acknowledged as failed with the stage and message as reason; it yields no
 * event. A listener that throws is logged and skipped; it never fails the frame or stops the pipeline,
 * except the <em>required listener</em>.
 *
 * <p><b>Required listener</b> ({@code required_listener}, e.g. {@code mqtt}): the listener whose
 * {@value #PROP_LISTENER_TYPE} service property has that value stores events durably (the MQTT outbox). Frames
 * wait until it is bound, as they wait for a missing stage service, and a frame is acknowledged as processed
 * only after it took the event; if it throws, the frame is acknowledged as failed ("event not stored: ..."), so
 * its input is kept and no event is lost silently.
 *
 * <p><b>One model per frame.</b> Each frame takes the best-ranked detector, aligner and embedder
 * (and gallery) once, at its start, and keeps them to its end; a new, better-ranked embedder is
 * used from the next frame on. Unbinding a stage service waits (up to {@code stop_timeout_ms}) for
 * the frames still using it, so a model bundle is never closed under a running frame. Should a
 * stage still fail because its service went away mid-frame, the frame is started again from
 * scratch with the current services (up to {@value #MAX_ATTEMPTS} attempts), so a model swap
 * yields neither a failed frame nor a mixed one.
 *
 * <p><b>No embedder.</b> Frames wait: a worker holding a frame waits until a detector, aligner and
 * embedder are all present, the queue fills, and readers stop pulling (back-pressure). Nothing is
 * dropped or acknowledged meanwhile; {@link PipelineStatus#activeModel()} is null.
 *
 * <p><b>Queue overflow</b> ({@code overflow}, overridable per source by the source's service
 * property {@value #PROP_OVERFLOW}): {@code block} (default) makes the reader wait for room, so a
 * folder's files just wait on disk; {@code drop_oldest} evicts the oldest queued frame of that
 * same source, acknowledges it as failed with reason {@value #DROPPED_REASON} and counts it in
 * {@code framesDropped} (for live cameras).
 *
 * <p><b>Stopping</b> (deactivation, or removal of a source): readers stop pulling; frames being
 * processed are finished (up to {@code stop_timeout_ms}); queued frames are left unacknowledged,
 * so their source delivers them again (the folder source does so as soon as the pipeline releases
 * the service, and in any case after a restart).
 */
@Component(service = Pipeline.class, immediate = true, configurationPid = FacePipeline.PID)
@Designate(ocd = FacePipeline.Config.class)
public final class FacePipeline implements Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(FacePipeline.class);

    static final String PID = "io.facegate.pipeline";
    /** Service property of a {@link FrameSource} overriding the overflow policy: block or drop_oldest. */
    static final String PROP_OVERFLOW = "facegate.source.overflow";
    /** Service property of a {@link RecognitionListener} naming its type, matched by {@code required_listener}. */
    static final String PROP_LISTENER_TYPE = "facegate.listener.type";
    /** The key of {@link PipelineStatus#lastErrors()} for listener failures. */
    static final String LISTENER = "listener";
    static final String DROPPED_REASON = "dropped: pipeline queue full";
    static final int MAX_ATTEMPTS = 3;
    /** Stage names, the keys of {@link RecognitionEvent#timings()}. */
    static final String DETECT = "detect";
    static final String ALIGN = "align";
    static final String EMBED = "embed";
    static final String MATCH = "match";

    /** Pipeline configuration; keys as in {@code etc/io.facegate.pipeline.cfg} ({@code __} is {@code _}). */
    @ObjectClassDefinition(name = "facegate pipeline",
            description = "Frame sources -> detect -> align -> embed -> match -> recognition events")
    public @interface Config {
        /** @return queue bound */
        @AttributeDefinition(name = "queue_capacity", description = "Frames queued between the sources and the workers (1..100000)")
        int queue__capacity() default PipelineSettings.DEFAULT_QUEUE_CAPACITY;

        /** @return worker threads */
        @AttributeDefinition(description = "Worker threads processing frames in parallel (1..64); events may leave out of order above 1")
        int workers() default 1;

        /** @return overflow policy */
        @AttributeDefinition(description = "When the queue is full: block (back-pressure, default) or drop_oldest"
                + " (evict the oldest queued frame of the same source, acknowledged as failed); a source's service"
                + " property facegate.source.overflow overrides it")
        String overflow() default "block";

        /** @return reader poll timeout */
        @AttributeDefinition(name = "poll_timeout_ms", description = "How long a reader waits for a frame before checking for stop, ms (10..60000)")
        long poll__timeout__ms() default 500;

        /** @return stop timeout */
        @AttributeDefinition(name = "stop_timeout_ms", description = "How long stopping, or removing a stage service, waits for frames in progress, ms (0..600000)")
        long stop__timeout__ms() default 10_000;

        /** @return statistics window */
        @AttributeDefinition(name = "stats_window_s", description = "Window of the rate and latency percentiles in the status, s (1..3600)")
        int stats__window__s() default 60;

        /** @return the listener type frames wait for */
        @AttributeDefinition(name = "required_listener", required = false, description = "facegate.listener.type of a"
                + " listener that must take every event before its frame is acknowledged (mqtt = the durable outbox);"
                + " frames wait while it is missing. Empty = none")
        String required__listener() default "";
    }

    /** One bound frame source and its reader. */
    static final class SourceHandle {
        final FrameSource source;
        final String id;
        /** The source's own overflow policy, or null for the pipeline's. */
        final PipelineSettings.Overflow overflow;
        /** Frames of this source queued or being processed. */
        private int pending;
        /** Set when the source is being unbound: its reader stops, its frames not yet started stay with it. */
        volatile boolean stopping;
        private volatile Thread reader;

        SourceHandle(FrameSource source, String id, PipelineSettings.Overflow overflow) {
            this.source = source;
            this.id = id;
            this.overflow = overflow;
        }

        synchronized void enter() {
            pending++;
        }

        synchronized void leave() {
            pending--;
            notifyAll();
        }

        /** @return whether nothing of this source is pending any more */
        synchronized boolean awaitIdle(long timeoutMs) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            while (pending > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }

    /** The stage services one frame runs with, acquired together at its start. */
    private record Stages(Ranked.Entry<FaceDetector> detector, Ranked.Entry<FaceAligner> aligner,
                          Ranked.Entry<FaceEmbedder> embedder, Ranked.Entry<Gallery> gallery) {
        boolean anyRemoved() {
            return detector.removed() || aligner.removed() || embedder.removed()
                    || (gallery != null && gallery.removed());
        }

        void release() {
            detector.release();
            aligner.release();
            embedder.release();
            if (gallery != null) {
                gallery.release();
            }
        }
    }

    /** A processing failure, with the stage it happened in. */
    private static final class StageFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String stage;

        StageFailure(String stage, Throwable cause) {
            super(cause);
            this.stage = stage;
        }
    }

    private final Ranked<FaceDetector> detectors = new Ranked<>("FaceDetector");
    private final Ranked<FaceAligner> aligners = new Ranked<>("FaceAligner");
    private final Ranked<FaceEmbedder> embedders = new Ranked<>("FaceEmbedder");
    private final Ranked<Gallery> galleries = new Ranked<>("Gallery");
    /** A bound listener with its type ({@value #PROP_LISTENER_TYPE}), or null. */
    private record Listener(RecognitionListener listener, String type) {
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Per stage: the last error, with its time. */
    private final Map<String, String> lastErrors = new java.util.concurrent.ConcurrentHashMap<>();
    /** What frames wait for right now, empty when nothing. */
    private volatile List<String> waitingFor = List.of();
    /** Bound sources, by identity of the service object; guarded by this. */
    private final Map<FrameSource, SourceHandle> sources = new LinkedHashMap<>();

    /** Signalled whenever a stage service is bound, and on stop. */
    private final ReentrantLock servicesLock = new ReentrantLock();
    private final Condition servicesChanged = servicesLock.newCondition();

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong faces = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();
    private final LatencyWindow window = new LatencyWindow();

    private volatile PipelineSettings settings = PipelineSettings.defaults();
    private volatile boolean running;
    private volatile FrameQueue queue;
    private volatile long startedNanos = System.nanoTime();
    private final List<Thread> workers = new ArrayList<>();

    /** Creates a stopped pipeline; DS binds the services, then calls {@link #activate(Config)}. */
    public FacePipeline() {
    }

    // ---- lifecycle ----

    /**
     * @param config the configuration
     * @throws IllegalArgumentException on a bad value, so the component does not start
     */
    @Activate
    void activate(Config config) {
        start(PipelineSettings.from(config));
    }

    /** Starts the workers and a reader per bound source. */
    synchronized void start(PipelineSettings s) {
        if (running) {
            throw new IllegalStateException("already running");
        }
        settings = s;
        queue = new FrameQueue(s.queueCapacity());
        startedNanos = System.nanoTime();
        running = true;
        for (int i = 0; i < s.workers(); i++) {
            Thread t = new Thread(this::runWorker, "facegate-pipeline-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        for (SourceHandle h : sources.values()) {
            startReader(h);
        }
        LOG.info("pipeline started: {} worker(s), queue {} ({}), {} source(s), model {}", s.workers(),
                s.queueCapacity(), s.overflow().name().toLowerCase(java.util.Locale.ROOT), sources.size(), activeModel());
    }

    @Deactivate
    synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        signalServicesChanged();
        PipelineSettings s = settings;
        for (SourceHandle h : sources.values()) {
            stopReader(h);
        }
        for (SourceHandle h : sources.values()) {
            joinReader(h, s.pollTimeoutMs() + 2000);
        }
        long deadline = System.nanoTime() + s.stopTimeoutMs() * 1_000_000L;
        for (Thread t : workers) {
            join(t, Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
        }
        for (Thread t : workers) {
            if (t.isAlive()) {
                LOG.warn("{} did not finish its frame within stop_timeout_ms={}; interrupting it", t.getName(),
                        s.stopTimeoutMs());
                t.interrupt();
                join(t, 1000);
            }
        }
        workers.clear();
        List<FrameQueue.Item> left = queue.removeIf(i -> true);
        for (FrameQueue.Item i : left) {
            i.source().leave();
        }
        LOG.info("pipeline stopped: {} processed, {} failed, {} dropped{}", processed.get(), failed.get(),
                dropped.get(), left.isEmpty() ? ""
                        : "; " + left.size() + " queued frame(s) left unacknowledged for their sources to deliver again");
    }

    private static void join(Thread t, long ms) {
        try {
            t.join(Math.max(1, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- references ----

    /**
     * @param source a frame source
     * @param props  its service properties
     */
    @Reference(name = "source", service = FrameSource.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindSource")
    synchronized void bindSource(FrameSource source, Map<String, Object> props) {
        Object pid = props == null ? null : props.get(FrameSource.PROP_SOURCE_ID);
        String id = pid != null ? pid.toString() : safeId(source);
        PipelineSettings.Overflow overflow = null;
        Object o = props == null ? null : props.get(PROP_OVERFLOW);
        if (o != null) {
            try {
                overflow = PipelineSettings.Overflow.parse(o.toString(), PROP_OVERFLOW);
            } catch (IllegalArgumentException e) {
                LOG.warn("source {}: {}; using the pipeline's overflow policy", id, e.getMessage());
            }
        }
        SourceHandle h = new SourceHandle(source, id, overflow);
        sources.put(source, h);
        if (running) {
            startReader(h);
        }
        LOG.info("source {} bound{}", id, overflow == null ? "" : " (" + PROP_OVERFLOW + "=" + overflow + ")");
    }

    /**
     * Stops the source's reader, takes its queued frames out unacknowledged (the source delivers
     * them again) and waits for its frames in progress, so none is acknowledged after the service is gone.
     *
     * @param source the departing source
     */
    synchronized void unbindSource(FrameSource source) {
        SourceHandle h = sources.remove(source);
        if (h == null) {
            return;
        }
        h.stopping = true;
        signalServicesChanged();
        stopReader(h);
        joinReader(h, settings.pollTimeoutMs() + 2000);
        FrameQueue q = queue;
        int unqueued = 0;
        if (q != null) {
            for (FrameQueue.Item i : q.removeIf(i -> i.source() == h)) {
                i.source().leave();
                unqueued++;
            }
        }
        try {
            if (!h.awaitIdle(running ? settings.stopTimeoutMs() : 0)) {
                LOG.warn("source {} unbound while one of its frames is still being processed", h.id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("source {} unbound{}", h.id, unqueued == 0 ? ""
                : "; " + unqueued + " queued frame(s) left unacknowledged for it to deliver again");
    }

    @Reference(name = "detector", service = FaceDetector.class, cardinality = ReferenceCardinality.MANDATORY,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindDetector", updated = "updatedDetector")
    void bindDetector(FaceDetector d, Map<String, Object> props) {
        detectors.add(d, props);
        signalServicesChanged();
    }

    void updatedDetector(FaceDetector d, Map<String, Object> props) {
        detectors.update(d, props);
    }

    void unbindDetector(FaceDetector d) {
        unbindStage(detectors, d);
    }

    @Reference(name = "aligner", service = FaceAligner.class, cardinality = ReferenceCardinality.MANDATORY,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindAligner", updated = "updatedAligner")
    void bindAligner(FaceAligner a, Map<String, Object> props) {
        aligners.add(a, props);
        signalServicesChanged();
    }

    void updatedAligner(FaceAligner a, Map<String, Object> props) {
        aligners.update(a, props);
    }

    void unbindAligner(FaceAligner a) {
        unbindStage(aligners, a);
    }

    /** All embedders are bound; each frame uses the best-ranked one at its start. */
    @Reference(name = "embedder", service = FaceEmbedder.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindEmbedder", updated = "updatedEmbedder")
    void bindEmbedder(FaceEmbedder e, Map<String, Object> props) {
        embedders.add(e, props);
        signalServicesChanged();
        LOG.info("embedder {} bound (ranking {}); frames now use {}", modelKey(e), Ranked.ranking(props),
                activeModel());
    }

    void updatedEmbedder(FaceEmbedder e, Map<String, Object> props) {
        embedders.update(e, props);
        LOG.info("embedder ranking changed; frames now use {}", activeModel());
    }

    void unbindEmbedder(FaceEmbedder e) {
        unbindStage(embedders, e);
        LOG.info("embedder {} unbound; frames now use {}", modelKey(e), activeModel());
    }

    @Reference(name = "gallery", service = Gallery.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindGallery")
    void bindGallery(Gallery g, Map<String, Object> props) {
        galleries.add(g, props);
        signalServicesChanged();
    }

    void unbindGallery(Gallery g) {
        unbindStage(galleries, g);
    }

    @Reference(name = "listener", service = RecognitionListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unbindListener")
    void bindListener(RecognitionListener l, Map<String, Object> props) {
        Object type = props == null ? null : props.get(PROP_LISTENER_TYPE);
        listeners.add(new Listener(l, type == null ? null : type.toString()));
        signalServicesChanged();
    }

    void unbindListener(RecognitionListener l) {
        listeners.removeIf(x -> x.listener() == l);
    }

    private boolean requiredListenerBound() {
        String required = settings.requiredListener();
        return required == null || listeners.stream().anyMatch(x -> required.equals(x.type()));
    }

    private <T> void unbindStage(Ranked<T> ranked, T service) {
        if (!ranked.remove(service, settings.stopTimeoutMs())) {
            LOG.warn("{} unbound while a frame still uses it (waited stop_timeout_ms={}); that frame is retried",
                    ranked.kind(), settings.stopTimeoutMs());
        }
    }

    private void signalServicesChanged() {
        servicesLock.lock();
        try {
            servicesChanged.signalAll();
        } finally {
            servicesLock.unlock();
        }
    }

    // ---- readers ----

    private void startReader(SourceHandle h) {
        Thread t = new Thread(() -> runReader(h), "facegate-pipeline-reader-" + h.id);
        t.setDaemon(true);
        h.reader = t;
        t.start();
    }

    private static void stopReader(SourceHandle h) {
        Thread t = h.reader;
        if (t != null) {
            t.interrupt();
        }
    }

    private static void joinReader(SourceHandle h, long ms) {
        Thread t = h.reader;
        if (t != null) {
            join(t, ms);
            if (t.isAlive()) {
                LOG.warn("reader of source {} did not stop within {} ms", h.id, ms);
            }
            h.reader = null;
        }
    }

    private void runReader(SourceHandle h) {
        Thread self = Thread.currentThread();
        Duration poll = Duration.ofMillis(settings.pollTimeoutMs());
        boolean dropOldest = (h.overflow != null ? h.overflow : settings.overflow())
                == PipelineSettings.Overflow.DROP_OLDEST;
        boolean failing = false;
        while (running && !h.stopping && !self.isInterrupted()) {
            Frame f;
            try {
                f = h.source.next(poll);
                failing = false;
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warn("source {} threw from next(); retrying every second", h.id, e);
                    failing = true;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    break;
                }
                continue;
            }
            if (f == null) {
                continue;
            }
            received.incrementAndGet();
            FrameQueue.Item item = new FrameQueue.Item(f, h, System.nanoTime());
            h.enter();
            FrameQueue.Item evicted;
            try {
                evicted = queue.put(item, dropOldest);
            } catch (InterruptedException e) {
                h.leave();
                LOG.debug("source {}: stopping with {} not queued; it stays unacknowledged", h.id, f.origin());
                break;
            }
            if (evicted != null) {
                dropped.incrementAndGet();
                acknowledge(evicted, false, DROPPED_REASON);
                evicted.source().leave();
            }
        }
    }

    // ---- workers ----

    private void runWorker() {
        while (running) {
            FrameQueue.Item item;
            try {
                item = queue.poll(settings.pollTimeoutMs(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // stop() interrupts only after stop_timeout_ms; the loop condition decides
            }
            if (item == null) {
                continue;
            }
            try {
                if (!item.source().stopping) {
                    process(item);
                }
            } catch (VirtualMachineError e) {
                throw e; // out of memory or a broken JVM: the process must end (-XX:+ExitOnOutOfMemoryError)
            } catch (RuntimeException | Error e) {
                LOG.error("unexpected failure processing {}", describe(item.frame()), e);
            } finally {
                item.source().leave();
            }
        }
    }

    /** Runs one frame to its event and acknowledgement, or leaves it unacknowledged if stopping. */
    private void process(FrameQueue.Item item) {
        Frame frame = item.frame();
        for (int attempt = 1; ; attempt++) {
            Stages stages = awaitStages(item.source());
            if (stages == null) {
                return; // stopping while waiting for services: the frame stays with its source
            }
            RecognitionEvent event;
            try {
                event = recognize(frame, stages);
            } catch (StageFailure failure) {
                boolean vanished = stages.anyRemoved();
                if (vanished && attempt < MAX_ATTEMPTS) {
                    retried.incrementAndGet();
                    LOG.info("{}: a stage service went away during {} ({}); starting the frame again", describe(frame),
                            failure.stage, describeCause(failure.getCause()));
                    continue;
                }
                if (!running) {
                    LOG.info("{}: {} failed while stopping; left unacknowledged for re-delivery", describe(frame),
                            failure.stage);
                    return;
                }
                String reason = failure.stage + " failed: " + describeCause(failure.getCause());
                failed.incrementAndGet();
                noteError(failure.stage, describeCause(failure.getCause()));
                LOG.warn("{}: {}", describe(frame), reason);
                LOG.debug("{}: stack trace of the failure", describe(frame), failure.getCause());
                acknowledge(item, false, reason);
                return;
            } finally {
                stages.release();
            }
            String notStored = dispatch(event);
            if (notStored != null) {
                failed.incrementAndGet();
                acknowledge(item, false, notStored);
                return;
            }
            long now = System.nanoTime();
            window.record(now, now - item.receivedNanos());
            processed.incrementAndGet();
            faces.addAndGet(event.faces().size());
            acknowledge(item, true, null);
            return;
        }
    }

    /** Waits until a detector, an aligner and an embedder are bound and acquires them (and a gallery, if any). */
    private Stages awaitStages(SourceHandle source) {
        boolean logged = false;
        servicesLock.lock();
        try {
            while (running && !source.stopping) {
                Ranked.Entry<FaceDetector> d = detectors.acquire();
                Ranked.Entry<FaceAligner> a = aligners.acquire();
                Ranked.Entry<FaceEmbedder> e = embedders.acquire();
                boolean listenerBound = requiredListenerBound();
                if (d != null && a != null && e != null && listenerBound) {
                    if (logged) {
                        LOG.info("stage services present again; processing resumes");
                    }
                    waitingFor = List.of();
                    return new Stages(d, a, e, galleries.acquire());
                }
                List<String> missing = new ArrayList<>();
                for (Ranked.Entry<?> entry : new Ranked.Entry<?>[] {d, a, e}) {
                    if (entry != null) {
                        entry.release();
                    }
                }
                if (d == null) {
                    missing.add("FaceDetector");
                }
                if (a == null) {
                    missing.add("FaceAligner");
                }
                if (e == null) {
                    missing.add("FaceEmbedder");
                }
                if (!listenerBound) {
                    missing.add("RecognitionListener " + PROP_LISTENER_TYPE + "=" + settings.requiredListener());
                }
                waitingFor = List.copyOf(missing);
                if (!logged) {
                    LOG.info("frames wait for a {}; none is dropped or acknowledged meanwhile", String.join(", ", missing));
                    logged = true;
                }
                try {
                    servicesChanged.await(settings.pollTimeoutMs(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    return null;
                }
            }
            return null;
        } finally {
            servicesLock.unlock();
        }
    }

    /** detect, align, embed, match: one event, all faces with the one model captured at the start. */
    private RecognitionEvent recognize(Frame frame, Stages s) throws StageFailure {
        String stage = EMBED;
        try {
            FaceEmbedder embedder = s.embedder().service;
            ModelInfo model = embedder.model();
            float threshold = model.recommendedThreshold();

            stage = DETECT;
            long t0 = System.nanoTime();
            List<DetectedFace> found = s.detector().service.detect(frame.image());
            if (found == null) {
                throw new FaceGateException("detector returned null");
            }
            long t1 = System.nanoTime();

            stage = ALIGN;
            List<AlignedFace> aligned = new ArrayList<>(found.size());
            List<Integer> alignedIndex = new ArrayList<>(found.size());
            FaceAligner aligner = s.aligner().service;
            for (int i = 0; i < found.size(); i++) {
                AlignedFace a;
                try {
                    a = aligner.align(frame.image(), found.get(i), model.inputSize());
                } catch (IllegalArgumentException refused) {
                    // degenerate landmarks: the face is reported, unidentified
                    LOG.debug("{}: face {} not aligned: {}", describe(frame), i, refused.getMessage());
                    continue;
                }
                if (a.size() != model.inputSize()) {
                    throw new FaceGateException("aligner returned " + a.size() + "px, embedder " + model.key()
                            + " needs " + model.inputSize() + "px");
                }
                aligned.add(a);
                alignedIndex.add(i);
            }
            long t2 = System.nanoTime();

            stage = EMBED;
            List<Embedding> embeddings = aligned.isEmpty() ? List.of() : embedder.embed(aligned);
            if (embeddings == null || embeddings.size() != aligned.size()) {
                throw new FaceGateException("embedder " + model.key() + " returned "
                        + (embeddings == null ? "null" : embeddings.size() + " embeddings") + " for " + aligned.size()
                        + " faces");
            }
            for (Embedding e : embeddings) {
                if (!model.key().equals(e.modelKey())) {
                    throw new FaceGateException("embedder " + model.key() + " returned an embedding of "
                            + e.modelKey() + "; a frame never mixes models");
                }
            }
            long t3 = System.nanoTime();

            stage = MATCH;
            Identity[] identities = new Identity[found.size()];
            for (int j = 0; j < embeddings.size(); j++) {
                Identity id = s.gallery() == null ? null : s.gallery().service.identify(embeddings.get(j));
                identities[alignedIndex.get(j)] = id;
            }
            List<RecognizedFace> result = new ArrayList<>(found.size());
            for (int i = 0; i < found.size(); i++) {
                Identity id = identities[i] != null ? identities[i] : Identity.unknown(-1f, threshold);
                result.add(new RecognizedFace(found.get(i), id));
            }
            long t4 = System.nanoTime();

            Map<String, Duration> timings = Map.of(DETECT, Duration.ofNanos(t1 - t0), ALIGN,
                    Duration.ofNanos(t2 - t1), EMBED, Duration.ofNanos(t3 - t2), MATCH, Duration.ofNanos(t4 - t3));
            return new RecognitionEvent(frame.sourceId(), frame.sequence(), frame.timestamp(), frame.origin(),
                    model.id(), model.version(), result, timings);
        } catch (VirtualMachineError e) {
            throw e; // never a failed frame: the process must end
        } catch (RuntimeException | Error e) { // TensorFlow and image code throw linkage and assertion errors too
            throw new StageFailure(stage, e);
        }
    }

    /** Calls every listener; returns why the required listener did not take the event, or null. */
    private String dispatch(RecognitionEvent event) {
        String required = settings.requiredListener();
        boolean stored = required == null;
        String notStored = null;
        for (Listener x : listeners) {
            boolean isRequired = required != null && required.equals(x.type());
            try {
                x.listener().recognized(event);
                stored |= isRequired;
            } catch (RuntimeException e) {
                listenerFailures.incrementAndGet();
                noteError(LISTENER, x.listener().getClass().getSimpleName() + ": " + describeCause(e));
                if (isRequired) {
                    notStored = "event not stored: " + describeCause(e);
                    LOG.warn("{} #{}: the required listener {} refused the event; the frame is kept as failed: {}",
                            event.origin(), event.sequence(), required, describeCause(e));
                } else {
                    LOG.warn("listener {} threw on {} #{}; ignored: {}", x.listener().getClass().getName(),
                            event.origin(), event.sequence(), describeCause(e));
                }
                LOG.debug("stack trace of the listener failure", e);
            }
        }
        if (notStored == null && !stored) {
            // unbound between the wait for it and now: keep the frame's input rather than lose its event
            notStored = "event not stored: the " + required + " listener went away";
        }
        return notStored;
    }

    private void noteError(String stage, String message) {
        lastErrors.put(stage, java.time.Instant.now() + " " + message);
    }

    private static void acknowledge(FrameQueue.Item item, boolean success, String reason) {
        try {
            item.source().source.acknowledge(item.frame(), success, reason);
        } catch (RuntimeException e) {
            LOG.warn("source {} threw acknowledging {}", item.source().id, describe(item.frame()), e);
        }
    }

    // ---- status ----

    @Override
    public PipelineStatus status() {
        PipelineSettings s = settings;
        FrameQueue q = queue;
        long now = System.nanoTime();
        LatencyWindow.Snapshot w = window.snapshot(now, TimeUnit.SECONDS.toNanos(s.statsWindowS()), startedNanos);
        return new PipelineStatus(running, activeModel(), q == null ? 0 : q.size(),
                q == null ? s.queueCapacity() : q.capacity(), received.get(), processed.get(), failed.get(),
                dropped.get(), faces.get(), w.framesPerSecond(), w.p50Millis(), w.p99Millis(), waitingFor,
                new java.util.TreeMap<>(lastErrors));
    }

    /** @return frames started again because a stage service went away mid-frame */
    long retried() {
        return retried.get();
    }

    /** @return listener calls that threw */
    long listenerFailures() {
        return listenerFailures.get();
    }

    private String activeModel() {
        return modelKey(embedders.peek());
    }

    private static String modelKey(FaceEmbedder e) {
        if (e == null) {
            return null;
        }
        try {
            return e.model().key();
        } catch (RuntimeException ex) {
            return null;
        }
    }

    private static String safeId(FrameSource s) {
        try {
            return s.id();
        } catch (RuntimeException e) {
            return s.getClass().getName();
        }
    }

    private static String describe(Frame f) {
        return f.sourceId() + " " + f.origin() + " #" + f.sequence();
    }

    private static String describeCause(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }
}
