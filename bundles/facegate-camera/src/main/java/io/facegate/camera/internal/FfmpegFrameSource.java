package io.facegate.camera.internal;

import io.facegate.api.Frame;
import io.facegate.api.FrameSource;
import io.facegate.api.RgbImage;
import io.facegate.camera.internal.FfmpegCameraStatus.State;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live {@link FrameSource} reading a camera, stream or video file through an {@code ffmpeg} child
 * process that writes raw {@code rgb24} frames of the configured size to its stdout.
 *
 * <p><b>Threads.</b> A supervisor thread runs one {@link FfmpegSession} after another: it starts
 * ffmpeg, watches for its end or a stall ({@code stall_timeout_ms} without a frame), reaps it, and
 * waits the backoff delay ({@code reconnect_min_ms}, doubling up to {@code reconnect_max_ms}; back to
 * the minimum after a session that delivered frames) before the next start. Each session's reader
 * thread puts frames, after the {@link MotionGate}, into a small {@link LiveFrameQueue} that
 * {@link #next(Duration)} takes from. {@link #close()} ends and joins them all and reaps ffmpeg.
 *
 * <p><b>Never throws for bad input.</b> A missing device or file, a refused connection, garbage,
 * a wrong password: ffmpeg exits or stalls, the reason goes into {@link #status()} and the log, and
 * the source tries again after the backoff; {@code next} simply returns null meanwhile.
 *
 * <p><b>Frames</b> are stamped with the time they were read; sequence numbers start at 1 on every
 * activation and keep increasing across reconnects. Nothing is kept for a frame once handed out, so
 * {@link #acknowledge} has nothing to do: a live picture that was not processed is gone.
 */
final class FfmpegFrameSource implements FrameSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegFrameSource.class);

    /** How often the supervisor looks at its session (end, stall, status). */
    private static final long TICK_MS = 100;
    /** Counters are published (service properties) at most this often, besides every state change. */
    static final long STATUS_PERIOD_MS = 10_000;

    private record Note(String message, Instant time) {
    }

    private final FfmpegSettings settings;
    private final Consumer<FfmpegCameraStatus> statusListener;
    private final LiveFrameQueue queue;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong motionSkipped = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();

    private volatile State state = State.STARTING;
    private volatile Note lastError;
    private volatile Instant lastFrameTime;
    private volatile boolean closed;
    private volatile Thread supervisor;
    private volatile FfmpegSession session;
    /** An HTTP connection being opened by the supervisor, cut by {@link #close()}. */
    private volatile HttpURLConnection connecting;
    private volatile String origin;

    /**
     * @param settings       the validated configuration
     * @param statusListener told the status on every state change and every {@value #STATUS_PERIOD_MS} ms,
     *                       on the supervisor thread
     */
    FfmpegFrameSource(FfmpegSettings settings, Consumer<FfmpegCameraStatus> statusListener) {
        this.settings = settings;
        this.statusListener = statusListener;
        this.queue = new LiveFrameQueue(settings.queueSize(), settings.dropOldest());
        this.origin = settings.sourceId();
    }

    /** Starts the supervisor, which starts ffmpeg. */
    void start() {
        Thread t = new Thread(this::supervise, threadName());
        t.setDaemon(true);
        supervisor = t;
        t.start();
        LOG.info("{}: reading {} through {} as {}x{}{}, at most {} fps, queue {} ({}), motion gate {}", id(),
                settings.input() != null ? settings.input() : "the URL in " + settings.inputFile(),
                settings.ffmpegPath(), settings.width(), settings.height(), settings.keepAspect() ? " (letterboxed)" : "",
                settings.maxFps() == 0 ? "all" : settings.maxFps(), settings.queueSize(), settings.overflow(),
                settings.motion() ? "on (" + settings.motionThreshold() + "% of " + settings.motionSize()
                        + "-cell thumbnail, every " + settings.motionMaxIntervalMs() + " ms anyway)" : "off");
    }

    private String threadName() {
        return "facegate-ffmpeg-" + settings.sourceId();
    }

    @Override
    public String id() {
        return settings.sourceId();
    }

    FfmpegSettings settings() {
        return settings;
    }

    @Override
    public Frame next(Duration timeout) throws InterruptedException {
        Frame f = queue.poll(Math.max(0, timeout.toNanos()));
        if (f != null) {
            delivered.incrementAndGet();
        }
        return f;
    }

    /** Live frames hold nothing to release; a frame that failed is simply gone. */
    @Override
    public void acknowledge(Frame frame, boolean success, String reason) {
        // nothing to do
    }

    /** @return the counters now (exact whenever no frame is on its way through the queue) */
    FfmpegCameraStatus status() {
        Note e = lastError;
        return new FfmpegCameraStatus(state, received.get(), delivered.get(), dropped.get(), motionSkipped.get(),
                queue.size(), reconnects.get(), e == null ? null : e.message(), e == null ? null : e.time(),
                lastFrameTime);
    }

    /** @return the running ffmpeg's pid, for tests */
    OptionalLong childPid() {
        FfmpegSession s = session;
        return s == null ? OptionalLong.empty() : OptionalLong.of(s.pid());
    }

    /** Stops: ends the supervisor, reaps ffmpeg, joins every thread; {@code next} returns null from now on. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.close();
        HttpFeed.abort(connecting);
        Thread t = supervisor;
        if (t != null) {
            t.interrupt();
            FfmpegSession.join(t, FfmpegSession.GRACE_MS + 15_000);
            if (t.isAlive()) {
                LOG.warn("{}: {} did not stop", id(), t.getName());
            }
        }
        state = State.STOPPED;
        FfmpegCameraStatus s = status();
        LOG.info("{}: stopped; {} frames received, {} delivered, {} dropped, {} skipped by the motion gate,"
                + " {} reconnects", id(), s.received(), s.delivered(), s.dropped(), s.motionSkipped(), s.reconnects());
    }

    // ---- supervisor ----

    private void supervise() {
        Backoff backoff = new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs());
        String previousError = null;
        boolean first = true;
        while (!closed) {
            if (!first) {
                reconnects.incrementAndGet();
            }
            first = false;
            setState(State.STARTING);
            Outcome o = runSession();
            if (closed) {
                break;
            }
            if (o.frames() > 0) {
                backoff.reset();
            }
            if (o.ended()) {
                setState(State.ENDED);
                LOG.info("{}: {} read to its end ({} frames); set loop = true to play it again", id(), origin,
                        o.frames());
                return;
            }
            lastError = new Note(o.reason(), Instant.now());
            long delay = backoff.next();
            setState(State.RECONNECTING);
            if (!o.reason().equals(previousError)) {
                LOG.warn("{}: {}; retrying in {} ms", id(), o.reason(), delay);
            } else {
                LOG.debug("{}: {}; retrying in {} ms", id(), o.reason(), delay);
            }
            previousError = o.reason();
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            }
        }
    }

    /** How one session went: frames read, and why it ended (null reason only when it just ended). */
    private record Outcome(long frames, boolean ended, String reason) {
    }

    private Outcome runSession() {
        FfmpegInput in;
        try {
            in = settings.resolveInput();
        } catch (IOException e) {
            return new Outcome(0, false, e.getMessage());
        }
        origin = in.display();
        HttpFeed feed = null;
        if (in.javaFetch()) {
            try {
                feed = HttpFeed.open(in, settings.stallTimeoutMs(), c -> connecting = c);
            } catch (IOException e) {
                return new Outcome(0, false, e.getMessage());
            } finally {
                connecting = null;
            }
            if (closed) {
                feed.close();
                return new Outcome(0, false, "closed");
            }
        }
        boolean file = in.kind() == FfmpegInput.Kind.FILE && isRegularFile(in.target());
        List<String> command = FfmpegCommand.build(settings, in, feed == null ? null
                : FfmpegCommand.formatOfContentType(feed.contentType()), file);
        LOG.debug("{}: starting {}", id(), settings.inputFile() == null ? command : "ffmpeg (input from input_file)");
        MotionGate gate = settings.motion() ? new MotionGate(settings.motionSize(), settings.motionThreshold(),
                TimeUnit.MILLISECONDS.toNanos(settings.motionMaxIntervalMs())) : null;
        FfmpegSession s;
        try {
            s = FfmpegSession.start(command, feed, settings.frameBytes(), threadName(),
                    (rgb, nanos) -> onFrame(rgb, nanos, gate));
        } catch (IOException e) {
            return new Outcome(0, false, e.getMessage());
        }
        session = s;
        boolean stalled;
        FfmpegSession.End end;
        try {
            stalled = watch(s);
        } finally {
            end = s.stop();
            session = null;
        }
        return closed ? new Outcome(end.frames(), false, "closed") : outcome(end, stalled, file);
    }

    /**
     * Waits for the session to end, to stall, or for {@link #close()}; publishes the status meanwhile.
     *
     * @return whether it stalled
     */
    private boolean watch(FfmpegSession s) {
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(settings.stallTimeoutMs());
        long periodNanos = TimeUnit.MILLISECONDS.toNanos(STATUS_PERIOD_MS);
        long nextPublish = System.nanoTime() + periodNanos;
        try {
            while (!closed && !s.awaitEnd(TICK_MS)) {
                if (s.stalled(stallNanos)) {
                    return true;
                }
                if (state == State.STARTING && s.frames() > 0) {
                    LOG.info("{}: receiving frames from {}", id(), origin);
                    setState(State.RUNNING);
                }
                long now = System.nanoTime();
                if (now - nextPublish >= 0) {
                    publish();
                    nextPublish = now + periodNanos;
                }
            }
        } catch (InterruptedException e) {
            // close()
        }
        return false;
    }

    private static boolean isRegularFile(String path) {
        try {
            return Files.isRegularFile(Path.of(path));
        } catch (InvalidPathException e) {
            return false; // ffmpeg will say what is wrong with it
        }
    }

    private Outcome outcome(FfmpegSession.End end, boolean stalled, boolean file) {
        String ffmpeg = end.stderr() == null ? "" : ": " + end.stderr();
        if (stalled) {
            return new Outcome(end.frames(), false, "no frame from " + origin + " for " + settings.stallTimeoutMs()
                    + " ms" + (end.stderr() == null ? "" : " (ffmpeg: " + end.stderr() + ")"));
        }
        if (end.feedError() != null) {
            return new Outcome(end.frames(), false, end.feedError() + " (" + origin + ")");
        }
        if (end.readError() != null) {
            return new Outcome(end.frames(), false, end.readError());
        }
        if (end.exitCode() == null) {
            return new Outcome(end.frames(), false, "ffmpeg did not exit after closing its output; killed" + ffmpeg);
        }
        if (end.exitCode() != 0) {
            return new Outcome(end.frames(), false, "ffmpeg exited with code " + end.exitCode() + ffmpeg);
        }
        if (end.frames() == 0) {
            return new Outcome(0, false, "ffmpeg exited without a frame" + ffmpeg);
        }
        if (file && !settings.loop()) {
            return new Outcome(end.frames(), true, null);
        }
        return new Outcome(end.frames(), false, "stream ended after " + end.frames() + " frames" + ffmpeg);
    }

    /** On the session's reader thread: count, gate, queue. */
    private void onFrame(byte[] rgb, long nanos, MotionGate gate) throws InterruptedException {
        received.incrementAndGet();
        lastFrameTime = Instant.now();
        if (gate != null && !gate.test(rgb, settings.width(), settings.height(), nanos)) {
            motionSkipped.incrementAndGet();
            return;
        }
        Frame f = new Frame(settings.sourceId(), sequence.incrementAndGet(), lastFrameTime, origin,
                new RgbImage(settings.width(), settings.height(), rgb));
        FfmpegSession s = session;
        switch (queue.put(f, () -> closed || (s != null && s.stopping()))) {
            case QUEUED_DROPPING_OLDEST -> dropped.incrementAndGet();
            case NOT_QUEUED -> dropped.incrementAndGet(); // stopping with a full queue (block)
            case QUEUED -> {
            }
        }
    }

    private void setState(State s) {
        if (state != s) {
            state = s;
            publish();
        }
    }

    private void publish() {
        try {
            statusListener.accept(status());
        } catch (RuntimeException e) {
            LOG.debug("{}: status listener failed", id(), e);
        }
    }
}
