package io.facegate.mqtt.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent, bounded store-and-forward queue of events: a journal of append-only segment files in one
 * directory, plus a small head file saying how far delivery got. Pure Java, no thread of its own.
 *
 * <ul>
 * <li>{@link #append} returns only when the record is forced to the device. Appends of several threads share a
 * force (group commit): while one thread forces, the others write their records and the next force covers them
 * all.</li>
 * <li>{@link #peek} returns stored, unacknowledged records in append order; {@link #acknowledge} marks one
 * delivered. Delivered segments are deleted; the delivered position is persisted every
 * {@value #HEAD_PERSIST_RECORDS} records or second (and on close), so a crash re-sends at most the records
 * acknowledged since (at-least-once; subscribers drop duplicates by event id).</li>
 * <li>The segment files never exceed {@code maxBytes} together. When an append does not fit,
 * {@link Overflow#DROP_OLDEST} deletes the oldest segment (its undelivered records are counted as dropped),
 * {@link Overflow#DROP_NEWEST} refuses the new record.</li>
 * <li>{@link #open} recovers after a crash or power loss at any point: a torn tail is cut, damaged records in the
 * middle are skipped, counted as lost and logged at ERROR.</li>
 * </ul>
 *
 * File formats: {@link OutboxFormat} (segments) and {@link OutboxHead}. The directory is locked while open
 * (file {@value #LOCK_NAME}), so two outboxes never share it.
 */
final class EventOutbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);

    /** What {@link #append} does when the new record does not fit into {@code maxBytes}. */
    enum Overflow {
        /** Delete the oldest segment, counting its undelivered records as dropped. */
        DROP_OLDEST,
        /** Do not store the new record; count it as dropped. */
        DROP_NEWEST
    }

    /** The smallest bound {@link #open(Path, long, Overflow)} accepts. */
    static final long MIN_MAX_BYTES = 64 * 1024;
    static final String LOCK_NAME = "lock";
    /** Head advances between two writes of the head file (also written after a second, and on close). */
    static final int HEAD_PERSIST_RECORDS = 64;
    private static final long HEAD_PERSIST_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long LOG_PERIOD_NS = TimeUnit.SECONDS.toNanos(60);

    private final Path dir;
    private final long maxBytes;
    private final Overflow overflow;
    private final OutboxTuning tuning;
    private final FileChannel lockChannel;
    private final FileLock dirLock;
    /** Guards all state below; never held during a force of a segment. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a force ends (group commit): waiting appenders learn their fate, one may lead the next. */
    private final Condition durable = lock.newCondition();

    private final List<OutboxSegment> segments = new ArrayList<>();
    /** The segment appended to, or null: the next append creates one. */
    private OutboxSegment active;
    private long nextSeq;
    /** Every record up to this sequence number is delivered (acknowledged, dropped or lost). */
    private long head;
    /** Records up to this sequence number are on the device (or failed and removed). */
    private long durableSeq;
    private long totalBytes;
    private long undelivered;
    /** Appends written but not yet forced, in sequence order. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Segments written since the last force. */
    private final LinkedHashSet<OutboxSegment> dirty = new LinkedHashSet<>();
    /** A segment was created since the last force of the directory. */
    private boolean dirDirty;
    /** A thread is forcing (outside the lock). */
    private boolean syncing;
    private boolean closed;

    private long appended;
    private long delivered;
    private long dropped;
    private long droppedTotal;
    private long lost;
    private long failed;
    private long forces;

    private boolean headDirty;
    private int headAdvancesSincePersist;
    private long lastPersistNs;
    private long lastDropLogNs;
    private long dropsSinceLog;
    private long lastIoLogNs;

    /** One append waiting for its force. Guarded by {@link #lock}. */
    private static final class Pending {
        final long seq;
        boolean done;
        IOException failure;

        Pending(long seq) {
            this.seq = seq;
        }
    }

    private EventOutbox(Path dir, long maxBytes, Overflow overflow, OutboxTuning tuning, FileChannel lockChannel,
                        FileLock dirLock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.overflow = overflow;
        this.tuning = tuning;
        this.lockChannel = lockChannel;
        this.dirLock = dirLock;
    }

    /**
     * Opens (creating the directory with mode 0700 if missing) and recovers. Files are created with mode 0600.
     *
     * @param dir      the outbox directory, used by nothing else
     * @param maxBytes bound on the bytes of the segment files, at least {@value #MIN_MAX_BYTES}
     * @param overflow what to do when an append does not fit
     * @return the open outbox
     * @throws IOException if the directory cannot be created, read or locked (another outbox has it open), or
     *                     holds files of an unknown format version
     */
    static EventOutbox open(Path dir, long maxBytes, Overflow overflow) throws IOException {
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("outbox bound " + maxBytes + " bytes is below the minimum "
                    + MIN_MAX_BYTES);
        }
        return open(dir, maxBytes, overflow, OutboxTuning.forBound(maxBytes));
    }

    /**
     * {@link #open(Path, long, Overflow)} with explicit tuning (tests: small segments, faults, no fsync).
     *
     * @param dir      the outbox directory
     * @param maxBytes bound on the bytes of the segment files, at least twice the segment size
     * @param overflow what to do when an append does not fit
     * @param tuning   segment size, sync, fault seam
     * @return the open outbox
     * @throws IOException as {@link #open(Path, long, Overflow)}
     */
    static EventOutbox open(Path dir, long maxBytes, Overflow overflow, OutboxTuning tuning) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(tuning, "tuning");
        if (maxBytes < 2L * tuning.segmentBytes()) {
            throw new IllegalArgumentException("outbox bound " + maxBytes + " bytes is below two segments of "
                    + tuning.segmentBytes());
        }
        OutboxFiles.ensurePrivateDirectory(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve(LOCK_NAME),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), OutboxFiles.fileAttributes(dir));
        FileLock dirLock = null;
        try {
            try {
                dirLock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new IOException("outbox " + dir + " is already open in this JVM", e);
            }
            if (dirLock == null) {
                throw new IOException("outbox " + dir + " is open in another process");
            }
            OutboxFiles.restrict(dir.resolve(LOCK_NAME), OutboxFiles.FILE_MODE);
            EventOutbox outbox = new EventOutbox(dir, maxBytes, overflow, tuning, lockChannel, dirLock);
            outbox.recover();
            return outbox;
        } catch (IOException | RuntimeException e) {
            try {
                lockChannel.close(); // releases the lock too
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Durably appends one event: returns only after the record is forced to disk. Thread-safe.
     *
     * @param eventId the event's id (UTF-8, at most 65535 bytes)
     * @param payload the message body; the outbox copies it to disk and keeps no reference
     * @return the record's sequence number (increasing, never reused), or -1 when {@link Overflow#DROP_NEWEST}
     *         refused it because the outbox is full (counted as dropped)
     * @throws IllegalArgumentException if the record could never fit into the bound
     * @throws IOException              if the record could not be stored (nothing of it will be delivered, except
     *                                  when even cleaning up failed: then it may be, see the README); the outbox
     *                                  stays usable, so a later append succeeds once the cause is gone
     */
    long append(String eventId, byte[] payload) throws IOException {
        byte[] id = Objects.requireNonNull(eventId, "eventId").getBytes(StandardCharsets.UTF_8);
        Objects.requireNonNull(payload, "payload");
        if (id.length > OutboxFormat.MAX_EVENT_ID_BYTES) {
            throw new IllegalArgumentException("event id of " + id.length + " bytes, at most "
                    + OutboxFormat.MAX_EVENT_ID_BYTES);
        }
        long frameSize = OutboxFormat.frameSize(id.length, payload.length);
        if (frameSize + OutboxFormat.SEGMENT_HEADER_BYTES > maxBytes || frameSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a record of " + frameSize + " bytes cannot fit into the outbox"
                    + " bound of " + maxBytes + " bytes");
        }
        ByteBuffer frame = OutboxFormat.encode(id, payload);
        Pending ticket;
        lock.lock();
        try {
            ensureOpen();
            OutboxSegment target;
            try {
                target = makeRoom(frameSize);
            } catch (IOException e) {
                failed++;
                logIo("cannot make room for an event", e);
                throw e;
            }
            if (target == null) {
                return -1;
            }
            long seq = nextSeq;
            OutboxFormat.seal(frame, seq);
            long at = target.size();
            try {
                target.append(frame);
            } catch (IOException e) {
                writeFailed(target, e);
                throw e;
            }
            nextSeq++;
            target.addRecord(seq, at, (int) frameSize);
            totalBytes += frameSize;
            undelivered++;
            dirty.add(target);
            ticket = new Pending(seq);
            pending.add(ticket);
        } finally {
            lock.unlock();
        }
        awaitDurable(ticket);
        return ticket.seq;
    }

    /**
     * Up to {@code max} undelivered records with a sequence number above {@code afterSeq}, in order. Only
     * records whose append has been forced are returned. Thread-safe.
     *
     * @param afterSeq the last sequence number the caller has; -1 or 0 for all
     * @param max      at most this many
     * @return the records, possibly none
     * @throws IOException if the outbox is closed
     */
    List<OutboxRecord> peek(long afterSeq, int max) throws IOException {
        if (max < 0) {
            throw new IllegalArgumentException("max " + max + " < 0");
        }
        lock.lock();
        try {
            ensureOpen();
            List<OutboxRecord> out = new ArrayList<>(Math.min(max, 256));
            long from = Math.max(afterSeq, head);
            boolean lostSome = false;
            for (int si = 0; si < segments.size() && out.size() < max; si++) {
                OutboxSegment s = segments.get(si);
                if (s.lastSeq() <= from) {
                    continue;
                }
                for (int i = Math.max(s.headIndex(), s.firstAfter(from)); i < s.count() && out.size() < max; i++) {
                    if (s.seqAt(i) > durableSeq) {
                        si = segments.size();
                        break;
                    }
                    if (s.acked(i)) {
                        continue;
                    }
                    OutboxRecord r = readChecked(s, i);
                    if (r == null) {
                        lostSome = true;
                    } else {
                        out.add(r);
                    }
                }
            }
            if (lostSome) {
                advanceHead();
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The broker acknowledged this record. Acknowledgements may come in any order; the delivered head moves over
     * the acknowledged records at its front and deletes the segments it leaves behind. Unknown, already
     * acknowledged and not yet durable sequence numbers are ignored, and so is any call after {@link #close}.
     * A failure to write the head file is logged and retried with the next acknowledgement, not thrown.
     *
     * @param seq the record's sequence number
     * @throws IOException never at present; kept so that a stricter store can be swapped in
     */
    void acknowledge(long seq) throws IOException {
        lock.lock();
        try {
            if (closed || seq <= head || seq > durableSeq) {
                return;
            }
            OutboxSegment s = segmentOf(seq);
            int i = s == null ? -1 : s.indexOf(seq);
            if (i < 0 || s.acked(i)) {
                return;
            }
            s.ack(i);
            undelivered--;
            delivered++;
            if (s == segments.get(0) && i == s.headIndex()) {
                advanceHead();
                maybePersistHead();
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the current state and counters; also after {@link #close} (the last values) */
    OutboxStats stats() {
        lock.lock();
        try {
            return new OutboxStats(undelivered, oldestUndelivered(), totalBytes, maxBytes, segments.size(),
                    appended, delivered, dropped, droppedTotal, lost, failed);
        } finally {
            lock.unlock();
        }
    }

    /** @return forces of the journal so far (group commits): for tests and benchmarks */
    long forceCount() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }

    /** @return the outbox directory */
    Path directory() {
        return dir;
    }

    /**
     * Completes the appends in progress, writes the head file, closes the files and unlocks the directory.
     * Idempotent.
     *
     * @throws IOException if the final force or head write failed (the data stays recoverable: at worst some
     *                     delivered records are sent again after the next open)
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            while (syncing) {
                durable.awaitUninterruptibly();
            }
            if (closed) {
                return;
            }
            closed = true;
            IOException error = null;
            if (!pending.isEmpty()) {
                List<Pending> batch = new ArrayList<>(pending);
                pending.clear();
                try {
                    forceAll(new ArrayList<>(dirty), dirDirty);
                    complete(batch);
                } catch (IOException e) {
                    fail(batch, e);
                    error = e;
                }
                durable.signalAll();
            }
            dirty.clear();
            try {
                persistHead();
            } catch (IOException e) {
                error = addTo(error, e);
            }
            for (OutboxSegment s : segments) {
                try {
                    s.retire();
                } catch (IOException e) {
                    error = addTo(error, e);
                }
            }
            try {
                dirLock.release();
                lockChannel.close();
            } catch (IOException e) {
                error = addTo(error, e);
            }
            LOG.info("outbox {} closed: {} undelivered events, {} bytes", dir, undelivered, totalBytes);
            if (error != null) {
                throw error;
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- append internals (under lock) ----

    /**
     * Finds the segment for a record of this size: rolls over to a new segment when the active one is full and
     * applies the overflow policy when the bound would be exceeded.
     *
     * @return the segment to append to, or null when {@link Overflow#DROP_NEWEST} refuses the record
     */
    private OutboxSegment makeRoom(long frameSize) throws IOException {
        if (active != null && (active.sealed()
                || active.count() > 0 && active.size() + frameSize > tuning.segmentBytes())) {
            active.seal();
            active = null;
            advanceHead(); // deletes the old active segment if it was entirely delivered
        }
        long projected = totalBytes + frameSize + (active == null ? OutboxFormat.SEGMENT_HEADER_BYTES : 0);
        if (projected > maxBytes) {
            if (overflow == Overflow.DROP_NEWEST) {
                dropped++;
                droppedTotal++;
                headDirty = true;
                logDrop(1, "refused the newest event");
                maybePersistHead();
                return null;
            }
            while (projected > maxBytes && !segments.isEmpty() && segments.get(0) != active) {
                projected -= dropOldest();
            }
            if (projected > maxBytes) {
                // cannot happen: the active segment alone holds at most one segment or one record
                throw new IOException("outbox " + dir + " cannot make room for " + frameSize + " bytes");
            }
        }
        if (active == null) {
            OutboxSegment newest = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (newest != null && newest.firstSeq() >= nextSeq) {
                nextSeq = newest.firstSeq() + 1; // never two segments of one name (defensive: should not happen)
            }
            OutboxSegment created = OutboxSegment.create(dir, nextSeq, tuning);
            segments.add(created);
            active = created;
            totalBytes += created.size();
            dirDirty = true;
            dirty.add(created);
        }
        return active;
    }

    /**
     * Drops the oldest segment: persists the head past it first (so the drop count survives a crash), then
     * deletes it.
     *
     * @return the bytes freed
     */
    private long dropOldest() throws IOException {
        OutboxSegment oldest = segments.get(0);
        int count = oldest.undelivered();
        long newHead = Math.max(head, oldest.lastSeq());
        new OutboxHead(newHead, nextSeq, droppedTotal + count).write(dir, tuning);
        lastPersistNs = System.nanoTime();
        headDirty = false;
        headAdvancesSincePersist = 0;
        segments.remove(0);
        if (oldest == active) {
            active = null;
        }
        totalBytes -= oldest.size();
        undelivered -= count;
        head = newHead;
        droppedTotal += count;
        dropped += count;
        deleteQuietly(oldest);
        logDrop(count, "dropped the oldest events (seq " + oldest.firstSeq() + ".." + oldest.lastSeq() + ")");
        advanceHead();
        return oldest.size();
    }

    /** A record write failed: cut the partial record off, or, if even that fails, stop using the segment. */
    private void writeFailed(OutboxSegment target, IOException e) {
        failed++;
        try {
            target.truncateToSize();
        } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
            target.seal();
            if (target == active) {
                active = null;
            }
            nextSeq++; // a complete copy of the record might be on disk: its number is never given again
        }
        logIo("an event could not be written", e);
    }

    /**
     * Waits until the ticket's record is forced. The first waiter finding no force running becomes the leader:
     * it forces everything written so far, for every waiter, outside the lock, while the others keep writing.
     */
    private void awaitDurable(Pending ticket) throws IOException {
        List<Pending> batch;
        List<OutboxSegment> toForce;
        boolean syncDir;
        lock.lock();
        try {
            while (true) {
                if (ticket.done || ticket.failure != null) {
                    throwIfFailed(ticket);
                    return;
                }
                if (!syncing) {
                    break;
                }
                durable.awaitUninterruptibly(); // the record is written: the caller must learn its fate
            }
            syncing = true;
            batch = new ArrayList<>(pending);
            pending.clear();
            toForce = new ArrayList<>(dirty);
            dirty.clear();
            syncDir = dirDirty;
            dirDirty = false;
        } finally {
            lock.unlock();
        }
        IOException error = null;
        boolean forced = false;
        try {
            forceAll(toForce, syncDir);
            forced = true;
        } catch (IOException e) {
            error = e;
        } finally {
            lock.lock();
            try {
                if (forced) {
                    complete(batch);
                } else {
                    dirDirty |= syncDir;
                    // also after a RuntimeException or Error (which goes on up): nobody may wait forever
                    fail(batch, error != null ? error : new IOException("forcing the outbox to disk did not complete"));
                }
                syncing = false;
                durable.signalAll();
            } finally {
                lock.unlock();
            }
        }
        throwIfFailed(ticket);
    }

    private void forceAll(List<OutboxSegment> toForce, boolean syncDir) throws IOException {
        for (OutboxSegment s : toForce) {
            try {
                s.force();
            } catch (ClosedChannelException e) {
                if (!s.retired()) {
                    throw e;
                } // deleted meanwhile (dropped, or emptied by a failure): nothing left to force
            }
        }
        if (syncDir) {
            OutboxFiles.syncDirectory(dir, tuning);
        }
    }

    /** Under lock: the batch is on the device. */
    private void complete(List<Pending> batch) {
        forces++;
        for (Pending p : batch) {
            p.done = true;
            durableSeq = Math.max(durableSeq, p.seq);
        }
        appended += batch.size();
    }

    /**
     * Under lock: the force of the batch failed, so neither the batch nor anything written after it can be
     * trusted to be on the device. All of them fail; their records leave the index and, as far as possible, the
     * files; the segments concerned are not appended to any more (empty ones are deleted).
     */
    private void fail(List<Pending> batch, IOException error) {
        forces++;
        List<Pending> all = new ArrayList<>(batch);
        all.addAll(pending);
        pending.clear();
        if (all.isEmpty()) {
            return;
        }
        long from = Long.MAX_VALUE;
        for (Pending p : all) {
            p.failure = error;
            from = Math.min(from, p.seq);
        }
        failed += all.size();
        for (int si = segments.size() - 1; si >= 0; si--) {
            OutboxSegment s = segments.get(si);
            if (s.lastSeq() < from && s != active) {
                break;
            }
            int index = s.firstAfter(from - 1);
            long before = s.size();
            undelivered -= s.count() - index;
            s.removeFrom(index);
            totalBytes -= before - s.size();
            s.seal();
            if (s == active) {
                active = null;
            }
            if (s.count() == 0) {
                try {
                    s.delete();
                    segments.remove(si);
                    totalBytes -= s.size();
                } catch (IOException e) {
                    error.addSuppressed(e);
                }
            } else {
                try {
                    s.truncateToSize();
                } catch (IOException e) {
                    error.addSuppressed(e);
                }
            }
        }
        logIo(all.size() + " appended events could not be forced to disk and were not stored", error);
    }

    private static void throwIfFailed(Pending ticket) throws IOException {
        if (ticket.failure != null) {
            throw new IOException("the event could not be stored durably: " + ticket.failure.getMessage(),
                    ticket.failure);
        }
    }

    // ---- delivery internals (under lock) ----

    /** Moves the head over acknowledged records and deletes the segments entirely delivered (not the active). */
    private void advanceHead() {
        while (!segments.isEmpty()) {
            OutboxSegment s = segments.get(0);
            int before = s.headIndex();
            long passed = s.advanceHead();
            if (passed >= 0) {
                head = Math.max(head, passed);
                headDirty = true;
                headAdvancesSincePersist += s.headIndex() - before;
            }
            if (!s.fullyDelivered() || s == active) {
                return;
            }
            segments.remove(0);
            totalBytes -= s.size();
            head = Math.max(head, s.lastSeq());
            deleteQuietly(s);
        }
    }

    private void maybePersistHead() {
        if (!headDirty || headAdvancesSincePersist < HEAD_PERSIST_RECORDS
                && System.nanoTime() - lastPersistNs < HEAD_PERSIST_NS) {
            return;
        }
        try {
            persistHead();
        } catch (IOException e) {
            logIo("cannot write the head file (retried later)", e);
        }
    }

    private void persistHead() throws IOException {
        new OutboxHead(head, nextSeq, droppedTotal).write(dir, tuning);
        headDirty = false;
        headAdvancesSincePersist = 0;
        lastPersistNs = System.nanoTime();
    }

    /**
     * Reads and checks one record; a damaged one (bad sector, changed file) is counted as lost and marked so that
     * the head moves over it: delivery must never get stuck on it.
     */
    private OutboxRecord readChecked(OutboxSegment s, int index) {
        String problem;
        try {
            OutboxRecord r = OutboxFormat.decode(s.read(index));
            if (r != null && r.seq() == s.seqAt(index)) {
                return r;
            }
            problem = "CRC or sequence number mismatch";
        } catch (IOException e) {
            problem = e.toString();
        }
        LOG.error("outbox {}: event seq {} in {} is unreadable ({}) and is lost", dir, s.seqAt(index),
                s.file().getFileName(), problem);
        s.ack(index);
        undelivered--;
        lost++;
        return null;
    }

    private OutboxSegment segmentOf(long seq) {
        int lo = 0;
        int hi = segments.size() - 1;
        OutboxSegment found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            OutboxSegment s = segments.get(mid);
            if (s.firstSeq() <= seq) {
                found = s;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private long oldestUndelivered() {
        for (OutboxSegment s : segments) {
            for (int i = s.headIndex(); i < s.count(); i++) {
                if (!s.acked(i)) {
                    return s.seqAt(i);
                }
            }
        }
        return -1;
    }

    // ---- recovery ----

    /** Takes over what {@link OutboxRecovery} found, makes it durable and writes a fresh head file. */
    private void recover() throws IOException {
        OutboxRecovery.Result found = OutboxRecovery.scan(dir, tuning);
        segments.addAll(found.segments());
        head = found.head();
        nextSeq = found.nextSeq();
        droppedTotal = found.droppedTotal();
        lost = found.lost();
        try {
            for (OutboxSegment s : segments) {
                for (int i = 0; i < s.count() && s.seqAt(i) <= head; i++) {
                    s.ack(i);
                }
                undelivered += s.undelivered();
                totalBytes += s.size();
            }
            OutboxSegment newest = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (newest != null && !newest.sealed() && newest.lastSeq() + 1 == nextSeq
                    && newest.size() < tuning.segmentBytes()) {
                active = newest;
            } else if (newest != null) {
                newest.seal();
            }
            // what a killed process wrote is in the page cache, not necessarily on the device
            forceAll(segments, true);
            durableSeq = nextSeq - 1;
            persistHead();
            advanceHead();
        } catch (IOException | RuntimeException e) {
            for (OutboxSegment s : segments) {
                try {
                    s.retire();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        LOG.info("outbox {} opened: {} undelivered events{}, {} bytes in {} segments (bound {}), next seq {}",
                dir, undelivered, undelivered > 0 ? " from seq " + oldestUndelivered() : "", totalBytes,
                segments.size(), maxBytes, nextSeq);
    }

    // ---- helpers ----

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("outbox " + dir + " is closed");
        }
    }

    private void deleteQuietly(OutboxSegment s) {
        try {
            s.delete();
        } catch (IOException e) {
            // below the head: the next open deletes it (or sends it again if the head file is older)
            LOG.warn("outbox {}: cannot delete {}: {}", dir, s.file().getFileName(), e.toString());
        }
    }

    private void logDrop(long count, String what) {
        dropsSinceLog += count;
        long now = System.nanoTime();
        if (lastDropLogNs == 0 || now - lastDropLogNs >= LOG_PERIOD_NS) {
            LOG.warn("outbox {} full (bound {} bytes, policy {}): {}; {} events dropped since the last such"
                    + " message, {} in total", dir, maxBytes, overflow, what, dropsSinceLog, droppedTotal);
            lastDropLogNs = now;
            dropsSinceLog = 0;
        }
    }

    private void logIo(String what, IOException e) {
        long now = System.nanoTime();
        if (lastIoLogNs == 0 || now - lastIoLogNs >= LOG_PERIOD_NS) {
            LOG.warn("outbox {}: {}: {} (further such messages suppressed for a minute)", dir, what, e.toString());
            lastIoLogNs = now;
        }
    }

    private static IOException addTo(IOException error, IOException e) {
        if (error == null) {
            return e;
        }
        error.addSuppressed(e);
        return error;
    }
}
