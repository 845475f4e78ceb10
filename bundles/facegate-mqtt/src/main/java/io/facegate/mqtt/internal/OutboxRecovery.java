package io.facegate.mqtt.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the outbox finds in its directory at open: the head file and every segment, with what a crash or power
 * loss left repaired.
 *
 * <ul>
 * <li>A leftover temporary head file (a head write cut by the crash) is removed.</li>
 * <li>A missing or damaged head file: every stored record counts as undelivered (sent again).</li>
 * <li>A segment shorter than its header (creation cut by the crash), or with nothing readable: removed.</li>
 * <li>Unreadable bytes after the last record of the newest segment: a torn append, cut off (WARN; that append
 * never returned, so nothing acknowledged to a caller is lost).</li>
 * <li>Unreadable records elsewhere: skipped and counted as lost (ERROR); the records after them in the same
 * segment are kept when they can be found again, otherwise the rest of the segment is lost. Such a segment is
 * sealed: nothing is appended behind damage.</li>
 * <li>The next sequence number is the largest of the head file's, the last record's plus one and the newest
 * segment's name, so numbers are not reused even when all segments or the head file are gone.</li>
 * </ul>
 */
final class OutboxRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRecovery.class);

    /**
     * @param segments     the segments in sequence order, channels open, indexes filled
     * @param head         delivered up to this sequence number
     * @param nextSeq      the next sequence number to assign
     * @param droppedTotal from the head file, 0 without one
     * @param lost         undelivered records found damaged
     */
    record Result(List<OutboxSegment> segments, long head, long nextSeq, long droppedTotal, long lost) {
    }

    private final Path dir;
    private final OutboxTuning tuning;
    /** Sequence number ranges [from, to) missing because of damage. */
    private final List<long[]> missing = new ArrayList<>();

    private OutboxRecovery(Path dir, OutboxTuning tuning) {
        this.dir = dir;
        this.tuning = tuning;
    }

    /**
     * @param dir    the outbox directory, locked by the caller
     * @param tuning sync and fault seam
     * @return what was found
     * @throws IOException if a file cannot be read or has an unknown format version; no channel stays open then
     */
    static Result scan(Path dir, OutboxTuning tuning) throws IOException {
        return new OutboxRecovery(dir, tuning).run();
    }

    private Result run() throws IOException {
        Files.deleteIfExists(dir.resolve(OutboxHead.TEMP_NAME));
        OutboxHead.Read headRead = OutboxHead.read(dir);
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                long first = OutboxSegment.parseFileName(p.getFileName().toString());
                if (first >= 1 && Files.isRegularFile(p)) {
                    files.put(first, p);
                }
            }
        }
        if (headRead.head() == null && !files.isEmpty()) {
            LOG.warn("outbox {}: head file {}; every stored event will be sent again", dir, headRead.problem());
        }
        List<OutboxSegment> segments = new ArrayList<>();
        try {
            long lastRecord = 0;
            long maxFirst = 0;
            List<Long> firsts = new ArrayList<>(files.keySet());
            for (int k = 0; k < firsts.size(); k++) {
                long first = firsts.get(k);
                long limit = k + 1 < firsts.size() ? firsts.get(k + 1) : Long.MAX_VALUE;
                maxFirst = Math.max(maxFirst, first);
                OutboxSegment s = segment(files.get(first), first, lastRecord + 1, limit, k == firsts.size() - 1);
                if (s != null) {
                    segments.add(s);
                    lastRecord = Math.max(lastRecord, s.lastSeq());
                }
            }
            OutboxHead h = headRead.head();
            long firstStored = segments.stream().filter(s -> s.count() > 0).mapToLong(s -> s.seqAt(0)).min()
                    .orElse(Math.max(1, maxFirst));
            long head = h != null ? h.delivered() : firstStored - 1;
            long fromSegments = Math.max(lastRecord + 1, maxFirst);
            long nextSeq = Math.max(Math.max(1, head + 1), Math.max(fromSegments, h != null ? h.nextSeq() : 1));
            if (h != null && h.delivered() >= Math.max(h.nextSeq(), fromSegments)) {
                LOG.warn("outbox {}: the head file says delivered up to seq {}, beyond the last appended ({});"
                        + " everything stored counts as delivered, numbering continues after it", dir,
                        h.delivered(), Math.max(h.nextSeq(), fromSegments) - 1);
            }
            long lost = 0;
            for (long[] range : missing) {
                lost += Math.max(0, range[1] - Math.max(range[0], head + 1));
            }
            if (lost > 0) {
                LOG.error("outbox {}: {} undelivered events were lost to damaged files", dir, lost);
            }
            return new Result(segments, head, nextSeq, h != null ? h.droppedTotal() : 0, lost);
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
    }

    /** @return the segment, or null when its file held nothing readable and was removed */
    private OutboxSegment segment(Path file, long first, long minSeq, long limit, boolean newest)
            throws IOException {
        OutboxFiles.restrict(file, OutboxFiles.FILE_MODE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        OutboxSegment s = OutboxSegment.existing(file, first, ch, OutboxFormat.SEGMENT_HEADER_BYTES, tuning);
        OutboxScan scan;
        try {
            scan = OutboxScan.scan(s, ch, minSeq, limit);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        Path name = file.getFileName();
        if (scan.tooShort()) {
            LOG.warn("outbox {}: removed {} ({} bytes): its creation was interrupted", dir, name, scan.tailBytes());
            s.delete();
            if (!newest) {
                missing.add(new long[] {first, limit});
            }
            return null;
        }
        if (scan.badHeader() || scan.lostInside() > 0 || scan.skippedBytes() > 0) {
            LOG.error("outbox {}: {} is damaged: {}{} unreadable bytes between records, {} events lost there", dir,
                    name, scan.badHeader() ? "bad header, " : "", scan.skippedBytes(), scan.lostInside());
            addGaps(s, Math.max(first, minSeq));
        }
        if (scan.tailBytes() > 0) {
            if (newest) {
                // a torn write: the append it belonged to never returned, so nothing acknowledged is lost
                LOG.warn("outbox {}: cut a torn tail of {} bytes off {} at offset {} (an append interrupted by a"
                        + " crash or power loss)", dir, scan.tailBytes(), name, scan.validEnd());
                s.setSize(scan.validEnd());
                try {
                    s.truncateToSize();
                } catch (IOException e) {
                    LOG.warn("outbox {}: cannot cut {}: {}; appending to a new segment", dir, name, e.toString());
                    s.setSize(ch.size());
                    s.seal();
                }
            } else {
                LOG.error("outbox {}: {} has {} unreadable bytes at its end (offset {}); events up to seq {} there"
                        + " are lost", dir, name, scan.tailBytes(), scan.validEnd(), limit - 1);
                if (limit > s.lastSeq() + 1) {
                    missing.add(new long[] {s.lastSeq() + 1, limit});
                }
                s.setSize(scan.validEnd() + scan.tailBytes());
            }
        } else if (scan.skippedBytes() > 0 || scan.badHeader()) {
            s.setSize(scan.validEnd());
        }
        if (scan.damaged()) {
            if (s.count() == 0) {
                s.delete(); // nothing readable in it; its name must not block a new segment's
                return null;
            }
            s.seal(); // the damage stays in the file until it is delivered and deleted; never append behind it
        }
        return s;
    }

    /** Records the sequence number gaps between the valid records of a damaged segment. */
    private void addGaps(OutboxSegment s, long expectedFirst) {
        long expected = expectedFirst;
        for (int i = 0; i < s.count(); i++) {
            if (s.seqAt(i) > expected) {
                missing.add(new long[] {expected, s.seqAt(i)});
            }
            expected = s.seqAt(i) + 1;
        }
    }
}
