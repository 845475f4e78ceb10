package io.facegate.camera.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the ffmpeg child and the threads around it: a reader cutting stdout into frames of
 * exactly {@code width * height * 3} bytes, a drainer keeping stderr's last lines, and, for a stream
 * Java fetches, a feeder piping it into ffmpeg's stdin.
 *
 * <p>{@link #stop()} always reaps the child: it gets the grace period to exit by itself if it was
 * already ending, else {@link Process#destroy()} (SIGTERM), then {@link Process#destroyForcibly()}
 * (SIGKILL) after the grace period; then the threads are joined. Interrupts do not cut this short.
 */
final class FfmpegSession {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegSession.class);

    /** How long ffmpeg gets to exit after SIGTERM (or after closing its output) before SIGKILL. */
    static final long GRACE_MS = 2000;
    private static final long JOIN_MS = 2000;

    /** Receives each raw frame, on the reader thread. */
    interface FrameSink {
        /**
         * @param rgb   the frame; the buffer is reused for the next one, so copy what is kept
         * @param nanos when it was read, {@link System#nanoTime()}
         * @throws InterruptedException if interrupted (e.g. waiting for room)
         */
        void accept(byte[] rgb, long nanos) throws InterruptedException;
    }

    /**
     * How a session ended.
     *
     * @param exitCode  ffmpeg's exit code, or null if it had to be killed
     * @param frames    frames read
     * @param feedError why the HTTP feed stopped, or null
     * @param readError why reading stdout failed, or null
     * @param stderr    ffmpeg's last stderr lines joined, or null
     */
    record End(Integer exitCode, long frames, String feedError, String readError, String stderr) {
    }

    private final Process process;
    private final HttpFeed feed;
    private final int frameBytes;
    private final FrameSink sink;
    private final StderrTail stderr = new StderrTail();
    private final Thread reader;
    private final Thread drainer;
    private final Thread feeder;

    private volatile boolean stopping;
    private volatile long frames;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean inSink;
    private volatile String feedError;
    private volatile String readError;

    private FfmpegSession(Process process, HttpFeed feed, int frameBytes, String name, FrameSink sink) {
        this.process = process;
        this.feed = feed;
        this.frameBytes = frameBytes;
        this.sink = sink;
        this.reader = thread(name + "-reader", this::read);
        this.drainer = thread(name + "-stderr", () -> stderr.drain(process.getErrorStream()));
        this.feeder = feed == null ? null : thread(name + "-feed", () -> feedError = feed.pump(process.getOutputStream()));
    }

    /**
     * Starts ffmpeg and its threads.
     *
     * @param command    the command line
     * @param feed       an open HTTP stream to pipe into stdin, or null (stdin is closed at once)
     * @param frameBytes bytes per frame
     * @param name       thread name prefix
     * @param sink       takes the frames
     * @return the running session
     * @throws IOException if ffmpeg cannot be started; the feed is then closed
     */
    static FfmpegSession start(List<String> command, HttpFeed feed, int frameBytes, String name, FrameSink sink)
            throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException | RuntimeException e) {
            if (feed != null) {
                feed.close();
            }
            throw new IOException("cannot start " + command.get(0) + ": " + HttpFeed.describe(e), e);
        }
        FfmpegSession s;
        try {
            if (feed == null) {
                p.getOutputStream().close();
            }
            s = new FfmpegSession(p, feed, frameBytes, name, sink);
        } catch (IOException | RuntimeException | Error e) {
            if (feed != null) {
                feed.close();
            }
            reap(p);
            throw e;
        }
        s.reader.start();
        s.drainer.start();
        if (s.feeder != null) {
            s.feeder.start();
        }
        return s;
    }

    private static Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void read() {
        byte[] buf = new byte[frameBytes];
        InputStream in = process.getInputStream();
        try {
            while (!stopping) {
                if (in.readNBytes(buf, 0, frameBytes) < frameBytes) {
                    return; // end of stream; a partial last frame is dropped
                }
                frames++;
                inSink = true;
                try {
                    sink.accept(buf, System.nanoTime());
                } finally {
                    inSink = false;
                    lastProgressNanos = System.nanoTime();
                }
            }
        } catch (IOException e) {
            if (!stopping) {
                readError = "reading ffmpeg's output: " + HttpFeed.describe(e);
            }
        } catch (InterruptedException e) {
            // stopping
        } catch (RuntimeException e) {
            readError = "internal error: " + e;
            LOG.error("frame handling failed; restarting ffmpeg", e);
        }
    }

    /**
     * @param ms how long to wait
     * @return whether the reader has ended (ffmpeg closed its output or the session broke)
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitEnd(long ms) throws InterruptedException {
        reader.join(Math.max(1, ms));
        return !reader.isAlive();
    }

    /**
     * @param stallNanos how long without a frame counts as stalled
     * @return whether no frame came for that long, while the consumer was not the one holding things up
     */
    boolean stalled(long stallNanos) {
        return !inSink && System.nanoTime() - lastProgressNanos > stallNanos;
    }

    /** @return frames read so far */
    long frames() {
        return frames;
    }

    /** @return the child's pid */
    long pid() {
        return process.pid();
    }

    /** @return whether {@link #stop()} was called: a blocked frame hand-over gives up */
    boolean stopping() {
        return stopping;
    }

    /**
     * Ends the session: cuts the feed, reaps ffmpeg, joins the threads. Safe to call once.
     *
     * @return how it ended
     */
    End stop() {
        stopping = true;
        if (feed != null) {
            feed.close();
        }
        Integer code = null;
        if (!reader.isAlive() && waitFor(process, GRACE_MS)) {
            code = process.exitValue(); // it closed its output and exited by itself: its code means something
        }
        if (code == null) {
            reap(process);
        }
        for (Thread t : feeder == null ? List.of(reader, drainer) : List.of(reader, drainer, feeder)) {
            join(t, JOIN_MS);
            if (t.isAlive()) {
                // only if something outside the child holds a pipe; closing our ends unblocks the thread
                closeQuietly(process.getInputStream());
                closeQuietly(process.getErrorStream());
                closeQuietly(process.getOutputStream());
                join(t, JOIN_MS);
                if (t.isAlive()) {
                    LOG.warn("{} did not end", t.getName());
                }
            }
        }
        return new End(code, frames, feedError, readError, stderr.last(2));
    }

    /** SIGTERM, the grace period, SIGKILL; returns once the child is gone (or after 5 more seconds). */
    static void reap(Process p) {
        p.destroy();
        if (!waitFor(p, GRACE_MS)) {
            p.destroyForcibly();
            if (!waitFor(p, 5000)) {
                LOG.error("ffmpeg (pid {}) survived SIGKILL for 5 s", p.pid());
            }
        }
    }

    /** Waits for the child to exit, ignoring interrupts (restoring the flag), so a stop cannot leave it behind. */
    private static boolean waitFor(Process p, long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Joins, ignoring interrupts (restoring the flag). */
    static void join(Thread t, long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        boolean interrupted = false;
        try {
            while (t.isAlive()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    t.join(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing a pipe to a dead child
        }
    }
}
