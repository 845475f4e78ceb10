package io.facegate.camera.internal;

import io.facegate.api.Frame;
import io.facegate.api.FrameSource;
import io.facegate.api.image.ImageDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FrameSource} over a folder: every image file that lands in the inbox becomes one frame.
 *
 * <p><b>Discovery.</b> A {@link WatchService} wakes a scanner thread as soon as something changes
 * in the inbox; a full rescan every {@code poll_interval_ms} backs it up, since the WatchService
 * misses events on network and some container file systems (and is skipped entirely where it
 * cannot be registered). Only regular files directly in the inbox whose name ends in one of the
 * configured extensions (case-insensitive) are considered; hidden files (leading dot) and other
 * names, such as an uploader's {@code photo.jpg.part}, are left alone.
 *
 * <p><b>Settling.</b> A file is read only once its size and modification time have stayed
 * unchanged for {@code settle_ms}, measured on this gateway's monotonic clock from when the scanner
 * first saw that size and time, so a file still being copied in is not read early. Writers that
 * pause longer than that mid-file should write under another name and rename into the inbox.
 *
 * <p><b>Order.</b> Settled files are handed out oldest modification time first, then by name.
 * Decoding happens in {@link #next(Duration)}, on the caller's thread.
 *
 * <p><b>Nothing is lost.</b> A handed-out file stays in the inbox until it is acknowledged: then it
 * moves to {@code done/} or, with a {@code <name>.reason.txt} beside it, to {@code failed/}.
 * Unacknowledged frames are tracked in memory only, so after a restart the files still in the inbox
 * are delivered again; {@link #release(Collection)} re-queues frames of a consumer that went away
 * without acknowledging. Files that cannot be decoded (empty, truncated, corrupt, not an image,
 * unsupported format, too large) go to {@code failed/} with the reason, by the source itself.
 * A name already taken in {@code done/} or {@code failed/} gets a {@code -1}, {@code -2}, ...
 * suffix before its extension.
 */
final class FolderFrameSource implements FrameSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FolderFrameSource.class);

    /** Bursts of watch events (a file being written) are coalesced into one scan per this many ms. */
    private static final long EVENT_COALESCE_MS = 20;
    private static final long PRUNE_EVERY_MS = 60_000;
    private static final String REASON_SUFFIX = ".reason.txt";

    /** A file that has settled and waits to be handed out. */
    private record Candidate(Path path, String name, long size, FileTime mtime) {
    }

    private static final Comparator<Candidate> ARRIVAL = Comparator.comparing(Candidate::mtime)
            .thenComparing(Candidate::name);

    /** Size and mtime of a file as last seen, and since when (nanoTime) it has looked like that. */
    private record Observation(long size, FileTime mtime, long sinceNanos) {
    }

    /** A frame handed out and not yet acknowledged. */
    private record InFlight(Candidate file, Instant timestamp) {
    }

    private final FolderSettings settings;
    private final boolean useWatchService;
    private final ImageDecoder decoder;
    private final AtomicLong sequence = new AtomicLong();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readyChanged = lock.newCondition();
    // all guarded by lock
    private final TreeSet<Candidate> ready = new TreeSet<>(ARRIVAL);
    private final Map<Path, Candidate> readyByPath = new HashMap<>();
    private final Map<Path, Observation> settling = new HashMap<>();
    /** Files taken out of {@link #ready}: being decoded, in flight, or stuck (could not be moved). */
    private final Set<Path> claimed = new HashSet<>();
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    private boolean closed;

    private volatile Thread scanner;
    private WatchService watcher;
    private WatchKey watchKey;
    private boolean scanFailing;

    /**
     * Creates the inbox, done and failed folders if missing.
     *
     * @param settings        the validated configuration
     * @param useWatchService false to rely on the periodic scan only
     * @throws IllegalArgumentException if a folder cannot be created or is not writable
     */
    FolderFrameSource(FolderSettings settings, boolean useWatchService) {
        this.settings = settings;
        this.useWatchService = useWatchService;
        this.decoder = new ImageDecoder(settings.maxPixels());
        for (Path dir : List.of(settings.inbox(), settings.done(), settings.failed())) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot create folder " + dir + ": " + ImageDecoder.describe(e), e);
            }
            if (!Files.isWritable(dir)) {
                throw new IllegalArgumentException("folder " + dir + " is not writable");
            }
        }
    }

    /** Starts watching. */
    void start() {
        if (useWatchService) {
            try {
                watcher = settings.inbox().getFileSystem().newWatchService();
            } catch (IOException | UnsupportedOperationException e) {
                LOG.info("{}: no WatchService ({}), scanning every {} ms only", settings.sourceId(),
                        ImageDecoder.describe(e), settings.pollIntervalMs());
            }
        }
        Thread t = new Thread(this::runScanner, "facegate-camera-" + settings.inbox().getFileName());
        t.setDaemon(true);
        scanner = t;
        t.start();
        LOG.info("{}: watching {} for {} (done: {}, failed: {}, settle {} ms, rescan every {} ms)",
                settings.sourceId(), settings.inbox(), settings.sortedExtensions(), settings.done(),
                settings.failed(), settings.settleMs(), settings.pollIntervalMs());
    }

    @Override
    public String id() {
        return settings.sourceId();
    }

    FolderSettings settings() {
        return settings;
    }

    @Override
    public Frame next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            Candidate c;
            lock.lockInterruptibly();
            try {
                while (!closed && ready.isEmpty()) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return null;
                    }
                    readyChanged.awaitNanos(remaining);
                }
                if (closed) {
                    return null;
                }
                c = ready.pollFirst();
                readyByPath.remove(c.path());
                claimed.add(c.path());
            } finally {
                lock.unlock();
            }
            Frame frame = load(c);
            if (frame != null) {
                return frame;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** Decodes a claimed file; on failure moves it to failed/ and returns null. */
    private Frame load(Candidate c) {
        BasicFileAttributes before = attributes(c.path());
        if (before == null || before.size() != c.size() || !before.lastModifiedTime().equals(c.mtime())) {
            resettle(c.path(), before);
            return null;
        }
        ImageDecoder.Result result = decoder.decode(c.path());
        BasicFileAttributes after = attributes(c.path());
        if (after == null || after.size() != c.size() || !after.lastModifiedTime().equals(c.mtime())) {
            // changed while being read: treat as still being written, whatever the decoder said
            resettle(c.path(), after);
            return null;
        }
        if (!result.ok()) {
            LOG.warn("{}: {} is unreadable, moving it to {}: {}", settings.sourceId(), c.name(), settings.failed(),
                    result.reason());
            finish(c, false, result.reason());
            return null;
        }
        long seq = sequence.incrementAndGet();
        Instant timestamp = c.mtime().toInstant();
        lock.lock();
        try {
            inFlight.put(seq, new InFlight(c, timestamp));
        } finally {
            lock.unlock();
        }
        return new Frame(settings.sourceId(), seq, timestamp, c.name(), result.image());
    }

    /** A claimed file vanished or changed: forget the claim; if it still exists, let it settle again. */
    private void resettle(Path path, BasicFileAttributes now) {
        lock.lock();
        try {
            claimed.remove(path);
            if (now != null) {
                settling.put(path, new Observation(now.size(), now.lastModifiedTime(), System.nanoTime()));
            }
        } finally {
            lock.unlock();
        }
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void acknowledge(Frame frame, boolean success, String reason) {
        if (frame == null) {
            LOG.warn("{}: acknowledge of a null frame ignored", settings.sourceId());
            return;
        }
        InFlight f;
        lock.lock();
        try {
            f = inFlight.get(frame.sequence());
            if (f == null || !settings.sourceId().equals(frame.sourceId()) || !f.file().name().equals(frame.origin())
                    || !f.timestamp().equals(frame.timestamp())) {
                f = null;
            } else {
                inFlight.remove(frame.sequence());
            }
        } finally {
            lock.unlock();
        }
        if (f == null) {
            LOG.warn("{}: acknowledge of {} #{} ignored: not a frame in flight here (already acknowledged,"
                    + " released, or from another source)", settings.sourceId(), frame.origin(), frame.sequence());
            return;
        }
        if (!success) {
            LOG.info("{}: {} failed, moving it to {}: {}", settings.sourceId(), f.file().name(), settings.failed(),
                    reason);
        }
        finish(f.file(), success, success ? null : (reason == null || reason.isBlank() ? "failed" : reason));
    }

    /**
     * Moves a claimed file to done/ or failed/ and drops the claim. If the move fails for a reason
     * other than the file having vanished, the claim stays so it is not handed out again before restart.
     */
    private void finish(Candidate c, boolean success, String reason) {
        boolean release = true;
        try {
            Path target = moveInto(c.path(), success ? settings.done() : settings.failed(), c.name());
            if (!success) {
                writeReason(target, c.name(), reason);
            }
        } catch (NoSuchFileException e) {
            LOG.warn("{}: {} vanished from the inbox before it could be moved", settings.sourceId(), c.name());
        } catch (IOException | RuntimeException e) {
            release = false;
            LOG.error("{}: cannot move {} to {}; it stays in the inbox and is retried after a restart: {}",
                    settings.sourceId(), c.name(), success ? settings.done() : settings.failed(),
                    ImageDecoder.describe(e));
        }
        if (release) {
            lock.lock();
            try {
                claimed.remove(c.path());
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Moves {@code src} into {@code dir} under {@code name}, or {@code name-1}, {@code name-2}, ...
     * before the extension if taken. The target name is reserved by creating it exclusively first,
     * so concurrent movers (two sources sharing a done/ folder) never overwrite each other.
     */
    static Path moveInto(Path src, Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        if (!Files.exists(src)) {
            throw new NoSuchFileException(src.toString());
        }
        for (int i = 0; ; i++) {
            Path target = dir.resolve(i == 0 ? name : withSuffix(name, i));
            try {
                Files.createFile(target);
            } catch (FileAlreadyExistsException e) {
                if (i >= 100_000) {
                    throw e;
                }
                continue;
            }
            try {
                try {
                    Files.move(src, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(src, target, StandardCopyOption.REPLACE_EXISTING); // other file system: copy + delete
                }
                return target;
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            }
        }
    }

    /** @return {@code photo-3.jpg} for {@code photo.jpg} and 3 */
    static String withSuffix(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name + "-" + n : name.substring(0, dot) + "-" + n + name.substring(dot);
    }

    private void writeReason(Path target, String originalName, String reason) {
        Path file = target.resolveSibling(target.getFileName() + REASON_SUFFIX);
        String text = reason + "\n"
                + "source: " + settings.sourceId() + "\n"
                + "file: " + originalName + "\n"
                + "time: " + Instant.now() + "\n";
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.warn("{}: cannot write {}: {}", settings.sourceId(), file, ImageDecoder.describe(e));
        }
    }

    /**
     * Puts frames that were handed out but not acknowledged back in line, to be delivered again
     * (with new sequence numbers). Unknown or already acknowledged sequences are ignored.
     *
     * @param sequences sequence numbers of frames from this source
     * @return how many were re-queued
     */
    int release(Collection<Long> sequences) {
        int n = 0;
        lock.lock();
        try {
            for (Long seq : sequences) {
                InFlight f = inFlight.remove(seq);
                if (f != null) {
                    claimed.remove(f.file().path());
                    if (!closed) {
                        ready.add(f.file());
                        readyByPath.put(f.file().path(), f.file());
                    }
                    n++;
                }
            }
            if (n > 0) {
                readyChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (n > 0) {
            LOG.info("{}: {} unacknowledged frame(s) released for re-delivery", settings.sourceId(), n);
        }
        return n;
    }

    /** @return how many frames are handed out and not yet acknowledged */
    int inFlightCount() {
        lock.lock();
        try {
            return inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops watching; {@link #next(Duration)} returns null from now on. Unacknowledged files stay in
     * the inbox (delivered again by the next start); late acknowledgements still move their files.
     */
    @Override
    public void close() {
        int pending;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pending = inFlight.size();
            ready.clear();
            readyByPath.clear();
            readyChanged.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t = scanner;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the WatchService", e);
            }
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("{}: stopped{}", settings.sourceId(),
                pending == 0 ? "" : "; " + pending + " unacknowledged file(s) stay in the inbox for the next start");
    }

    /** Applies the retention to done/ and failed/: at start and then every minute, from the scanner thread. */
    private void prune() {
        for (Path folder : List.of(settings.done(), settings.failed())) {
            try {
                int deleted = settings.retention().prune(folder, java.time.Instant.now());
                if (deleted > 0) {
                    LOG.info("{}: deleted {} kept file(s) from {} (retention: {})", settings.sourceId(), deleted,
                            folder, settings.retention());
                }
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("{}: cannot apply the retention to {}: {}", settings.sourceId(), folder, e.toString());
            }
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void runScanner() {
        long pollNanos = TimeUnit.MILLISECONDS.toNanos(settings.pollIntervalMs());
        long nextPrune = System.nanoTime();
        while (!isClosed()) {
            long wait = pollNanos;
            try {
                ensureWatched();
                wait = Math.min(wait, scan());
            } catch (RuntimeException e) {
                LOG.error("{}: scan failed", settings.sourceId(), e);
            }
            if (System.nanoTime() - nextPrune >= 0) {
                prune();
                nextPrune = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PRUNE_EVERY_MS);
            }
            wait = Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1));
            try {
                if (watchKey != null && watchKey.isValid()) {
                    WatchKey key = watcher.poll(wait, TimeUnit.NANOSECONDS);
                    if (key != null) {
                        Thread.sleep(EVENT_COALESCE_MS);
                        for (; key != null; key = watcher.poll()) {
                            key.pollEvents(); // content does not matter: any event (or overflow) means rescan
                            key.reset();
                        }
                    }
                } else {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                if (isClosed()) {
                    return;
                }
                Thread.interrupted(); // stray interrupt: keep scanning
            }
        }
    }

    /** (Re-)registers the inbox with the WatchService, e.g. after the folder was recreated. */
    private void ensureWatched() {
        if (watcher == null || (watchKey != null && watchKey.isValid())) {
            return;
        }
        try {
            watchKey = settings.inbox().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | RuntimeException e) {
            watchKey = null;
            LOG.debug("{}: cannot watch {}: {}", settings.sourceId(), settings.inbox(), ImageDecoder.describe(e));
        }
    }

    private record Seen(Path path, String name, long size, FileTime mtime) {
    }

    /**
     * Lists the inbox and moves files that have settled into the ready queue.
     *
     * @return nanoseconds until the next still-settling file may settle, or Long.MAX_VALUE
     */
    long scan() {
        List<Seen> seen = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(settings.inbox())) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!isCandidateName(name)) {
                    continue;
                }
                BasicFileAttributes a = attributes(p);
                if (a != null && a.isRegularFile()) {
                    seen.add(new Seen(p, name, a.size(), a.lastModifiedTime()));
                }
            }
            if (scanFailing) {
                scanFailing = false;
                LOG.info("{}: {} is readable again", settings.sourceId(), settings.inbox());
            }
        } catch (IOException | RuntimeException e) {
            if (!scanFailing) {
                scanFailing = true;
                LOG.warn("{}: cannot list {} (retrying every {} ms): {}", settings.sourceId(), settings.inbox(),
                        settings.pollIntervalMs(), ImageDecoder.describe(e));
            }
            return Long.MAX_VALUE;
        }
        long settleNanos = TimeUnit.MILLISECONDS.toNanos(settings.settleMs());
        long next = Long.MAX_VALUE;
        lock.lock();
        try {
            if (closed) {
                return Long.MAX_VALUE;
            }
            long now = System.nanoTime();
            Set<Path> present = new HashSet<>();
            boolean added = false;
            for (Seen s : seen) {
                present.add(s.path());
                if (claimed.contains(s.path()) || readyByPath.containsKey(s.path())) {
                    continue;
                }
                Observation o = settling.get(s.path());
                if (o == null || o.size() != s.size() || !o.mtime().equals(s.mtime())) {
                    o = new Observation(s.size(), s.mtime(), now);
                    settling.put(s.path(), o);
                }
                long age = now - o.sinceNanos();
                if (age >= settleNanos) {
                    settling.remove(s.path());
                    Candidate c = new Candidate(s.path(), s.name(), s.size(), s.mtime());
                    ready.add(c);
                    readyByPath.put(s.path(), c);
                    added = true;
                } else {
                    next = Math.min(next, settleNanos - age);
                }
            }
            settling.keySet().retainAll(present);
            readyByPath.keySet().removeIf(p -> {
                if (present.contains(p)) {
                    return false;
                }
                ready.removeIf(c -> c.path().equals(p));
                return true;
            });
            if (added) {
                readyChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return next;
    }

    private boolean isCandidateName(String name) {
        if (name.startsWith(".")) {
            return false;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && settings.extensions().contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
