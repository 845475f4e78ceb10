package io.facegate.gallery.internal;

import static io.facegate.gallery.internal.FakeEmbedder.face;
import static io.facegate.gallery.internal.FakeEmbedder.photos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.facegate.api.Embedding;
import io.facegate.api.FaceGateException;
import io.facegate.api.GalleryHealth;
import io.facegate.api.Identity;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes, damaged files and failing writes. */
class RecoveryTest {
    static final long ALICE = 1;
    static final long BOB = 2;
    static final long CAROL = 3;

    @TempDir
    Path tmp;

    final FakeEmbedder modelA = new FakeEmbedder("fake-a", 112, 128, 0.7f, 11);
    final FakeEmbedder modelB = new FakeEmbedder("fake-b", 96, 96, 0.6f, 22);
    private final List<FileGallery> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileGallery::deactivate);
    }

    FileGallery open(Path dir, AtomicFiles files) {
        FileGallery g = new FileGallery(GallerySettings.parse(dir.toString(), null, null), files);
        opened.add(g);
        return g;
    }

    FileGallery open(Path dir) {
        return open(dir, FileGalleryTest.FAST);
    }

    static Embedding probe(FakeEmbedder m, long person) {
        return m.probe(face(person, 777, 112));
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(GalleryStore.LOCK))
                    .sorted().toList();
        }
    }

    static List<Path> filesUnder(Path dir, String sub) throws IOException {
        Path p = dir.resolve(sub);
        return Files.exists(p) ? files(p) : List.of();
    }

    static List<Path> withoutBackup(List<Path> files) {
        return files.stream().filter(p -> !p.getFileName().toString().equals(GalleryStore.INDEX_PREV)).toList();
    }

    /** Copies the gallery directory as it is on disk at this instant: what a crash would leave. */
    static void snapshot(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    // ------------------------------------------------------------------ crashes

    /**
     * Kills the enrolment of Bob at every single file operation in turn, keeping a copy of
     * the directory as it was at that instant, and opens a gallery on each copy: every copy
     * must show exactly the last committed state (Alice) with no leftovers.
     */
    @Test
    void aCrashAtAnyPointOfAnEnrolmentLeavesTheLastGoodState() throws Exception {
        Path live = tmp.resolve("live");
        AtomicInteger step = new AtomicInteger(-1); // -1: not crashing yet
        List<String> points = new ArrayList<>();
        AtomicFiles files = new AtomicFiles((target, stage) -> {
            if (step.get() >= 0) {
                int k = step.getAndIncrement();
                points.add(k + ": " + stage + " " + live.relativize(target));
                snapshot(live, tmp.resolve("crash" + k));
            }
        }, false);
        FileGallery g = open(live, files);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        step.set(0);
        g.enroll("Bob", photos(BOB, 2, 112));
        int crashes = step.get();
        step.set(-1);
        g.deactivate();
        // 2 crops (write, rename each), the embedding file (write, rename), the index (write, rename to .prev, rename)
        assertEquals(9, crashes, String.join("\n", points));

        for (int k = 0; k < crashes; k++) {
            Path copy = tmp.resolve("crash" + k);
            Files.deleteIfExists(copy.resolve(GalleryStore.LOCK));
            FileGallery after = open(copy);
            String where = "crash before " + points.get(k);
            assertEquals(List.of("Alice"), after.people(), where);
            assertEquals(List.of(), after.loadProblems(), where + ": recovering from a crash is routine");
            assertEquals("Alice", after.identify(probe(modelA, ALICE)).name(), where);
            assertFalse("Bob".equals(after.identify(probe(modelA, BOB)).name()), where);
            for (Path f : files(copy)) {
                assertFalse(AtomicFiles.isTemp(f), where + ": temporary file left: " + f);
            }
            assertEquals(2, filesUnder(copy, "crops").size(), where + ": Bob's uncommitted crops are deleted");
            assertEquals(1, filesUnder(copy, "embeddings").size(), where);
            assertTrue(Files.exists(copy.resolve(GalleryStore.INDEX)), where);
            after.deactivate();
            assertEquals(List.of("Alice"), open(copy).people(), where + ", second start");
        }
        assertEquals(List.of("Alice", "Bob"), open(live).people());
    }

    /**
     * Kills a rename at every file operation: every copy shows the person under exactly one of the
     * two names, with all photos and embeddings, and the other person untouched.
     */
    @Test
    void aCrashAtAnyPointOfARenameLeavesOneNameAndEverything() throws Exception {
        Path live = tmp.resolve("live");
        AtomicInteger step = new AtomicInteger(-1);
        List<String> points = new ArrayList<>();
        AtomicFiles files = new AtomicFiles((target, stage) -> {
            if (step.get() >= 0) {
                int k = step.getAndIncrement();
                points.add(k + ": " + stage + " " + live.relativize(target));
                snapshot(live, tmp.resolve("crash" + k));
            }
        }, false);
        FileGallery g = open(live, files);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        step.set(0);
        assertTrue(g.rename("Alice", "Ada"));
        int crashes = step.get();
        step.set(-1);
        g.deactivate();
        // the index only: write, rename to .prev, rename
        assertEquals(3, crashes, String.join("\n", points));
        for (int k = 0; k < crashes; k++) {
            Path copy = tmp.resolve("crash" + k);
            Files.deleteIfExists(copy.resolve(GalleryStore.LOCK));
            FileGallery after = open(copy);
            String where = "crash before " + points.get(k);
            List<String> people = after.people();
            assertTrue(people.equals(List.of("Alice", "Bob")) || people.equals(List.of("Ada", "Bob")), where + ": " + people);
            String name = people.get(0);
            assertEquals(List.of(), after.loadProblems(), where);
            assertEquals(name, after.identify(probe(modelA, ALICE)).name(), where);
            assertEquals("Bob", after.identify(probe(modelA, BOB)).name(), where);
            assertEquals(2, after.snapshot().byName(name).photos().size(), where);
            assertEquals(3, after.snapshot().vectorCount(modelA.model().key()), where);
            assertEquals(3, filesUnder(copy, "crops").size(), where);
            after.deactivate();
        }
        FileGallery again = open(live);
        assertEquals(List.of("Ada", "Bob"), again.people());
        assertEquals("Ada", again.identify(probe(modelA, ALICE)).name());
    }

    /**
     * Kills a forget at every file operation (writes, renames and deletions): every copy shows the
     * person either fully enrolled (the removal did not commit) or gone without a trace: no crop,
     * no embedding file, and the name in no file. Copies taken after the commit, while the person's
     * files were still being deleted, are among them: the start finishes the deletion.
     */
    @Test
    void aCrashAtAnyPointOfAForgetLeavesThePersonOrNoTraceOfThem() throws Exception {
        Path live = tmp.resolve("live");
        AtomicInteger step = new AtomicInteger(-1);
        List<String> points = new ArrayList<>();
        AtomicFiles files = new AtomicFiles((target, stage) -> {
            if (step.get() >= 0) {
                int k = step.getAndIncrement();
                points.add(k + ": " + stage + " " + live.relativize(target));
                snapshot(live, tmp.resolve("crash" + k));
            }
        }, false);
        String zoe = "Zoë Forgetme";
        FileGallery g = open(live, files);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.enroll(zoe, photos(BOB, 2, 112));
        g.bindEmbedder(modelB); // embeddings of two models: two .emb files to delete
        assertTrue(g.awaitReembedding(Duration.ofSeconds(120)));
        String zid = g.snapshot().byName(zoe).id();
        step.set(0);
        assertTrue(g.forget(zoe));
        int crashes = step.get();
        step.set(-1);
        g.deactivate();
        assertTrue(points.stream().anyMatch(p -> p.contains("delete")), String.join("\n", points));
        int committedWithLeftovers = 0;
        for (int k = 0; k < crashes; k++) {
            Path copy = tmp.resolve("crash" + k);
            Files.deleteIfExists(copy.resolve(GalleryStore.LOCK));
            String where = "crash before " + points.get(k);
            boolean leftovers = Files.exists(copy.resolve("crops").resolve(zid));
            FileGallery after = open(copy);
            assertEquals(List.of(), after.loadProblems(), where);
            assertEquals("Alice", after.identify(probe(modelA, ALICE)).name(), where);
            if (after.people().contains(zoe)) {
                assertEquals(List.of("Alice", zoe), after.people(), where);
                assertEquals(zoe, after.identify(probe(modelB, BOB)).name(), where + ": still fully enrolled");
            } else {
                assertEquals(List.of("Alice"), after.people(), where);
                committedWithLeftovers += leftovers ? 1 : 0;
                assertFalse(Files.exists(copy.resolve("crops").resolve(zid)), where + ": crops deleted");
                for (Path f : files(copy)) {
                    assertFalse(f.toString().contains(zid), where + ": " + f);
                }
                AtRestTest.assertNameNowhere(copy, zoe, where);
            }
            after.deactivate();
        }
        assertTrue(committedWithLeftovers > 0, "some crashes hit the deletions after the commit");
    }

    @Test
    void filesOfAForgottenPersonLeftByACrashAreDeletedAtTheNextStart() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        Path saved = tmp.resolve("saved");
        snapshot(dir, saved);
        assertTrue(g.forget("Bob"));
        g.deactivate();
        // crash after the index commit, before the deletions: Bob's files are still there
        for (String sub : List.of("crops", "embeddings")) {
            for (Path f : filesUnder(saved, sub)) {
                Path t = dir.resolve(saved.relativize(f).toString());
                Files.createDirectories(t.getParent());
                Files.copy(f, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertEquals(2, filesUnder(dir, "crops").size());
        FileGallery again = open(dir);
        assertEquals(List.of("Alice"), again.people());
        assertEquals(1, filesUnder(dir, "crops").size(), "Bob's biometric data does not survive his removal");
        assertEquals(1, filesUnder(dir, "embeddings").size());
    }

    // ------------------------------------------------------------------ damaged files

    @Test
    void aTruncatedIndexFallsBackToThePreviousOneAndQuarantinesIt() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        g.deactivate();
        Path index = dir.resolve(GalleryStore.INDEX);
        byte[] full = Files.readAllBytes(index);
        // cut the file in the middle of Bob's entry: a plain properties reader would silently lose him
        Files.write(index, java.util.Arrays.copyOf(full, full.length - 40));

        FileGallery again = open(dir);
        assertEquals(List.of("Alice"), again.people(), "the state before the last change");
        String report = String.join("\n", again.loadProblems());
        assertTrue(report.contains("damaged") && report.contains(GalleryStore.INDEX), report);
        assertTrue(report.contains("restored"), report);
        assertEquals("Alice", again.identify(probe(modelA, ALICE)).name());
        List<Path> quarantined = filesUnder(dir, GalleryStore.QUARANTINE);
        assertTrue(quarantined.stream().anyMatch(p -> p.getFileName().toString().endsWith(GalleryStore.INDEX)),
                quarantined.toString());
        assertTrue(quarantined.stream().anyMatch(p -> p.getFileName().toString().endsWith(".png")),
                "Bob's crop is kept for an operator, not deleted: " + quarantined);

        again.bindEmbedder(modelA);
        again.enroll("Carol", photos(CAROL, 1, 112));
        again.deactivate();
        FileGallery third = open(dir);
        assertEquals(List.of("Alice", "Carol"), third.people());
        assertEquals(List.of(), third.loadProblems());
    }

    @Test
    void bothIndexesDamagedStartsEmptyAndKeepsEverythingInQuarantine() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        g.deactivate();
        Files.writeString(dir.resolve(GalleryStore.INDEX), "garbage");
        Files.write(dir.resolve(GalleryStore.INDEX_PREV), new byte[0]);

        FileGallery again = open(dir);
        assertEquals(List.of(), again.people());
        assertFalse(again.loadProblems().isEmpty());
        List<Path> quarantined = filesUnder(dir, GalleryStore.QUARANTINE);
        assertEquals(2, quarantined.stream().filter(p -> p.toString().endsWith(".png")).count(), quarantined.toString());
        assertEquals(2, quarantined.stream().filter(p -> p.toString().endsWith(".emb")).count(), quarantined.toString());
        assertEquals(List.of(), filesUnder(dir, "crops"));
        again.bindEmbedder(modelA);
        again.enroll("Carol", photos(CAROL, 1, 112));
        assertEquals("Carol", again.identify(probe(modelA, CAROL)).name());
    }

    @Test
    void aDeletedIndexNeverLetsUnknownFilesIn() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.deactivate();
        Files.delete(dir.resolve(GalleryStore.INDEX));
        Files.delete(dir.resolve(GalleryStore.INDEX_PREV));
        FileGallery again = open(dir);
        assertEquals(List.of(), again.people());
        assertTrue(String.join("\n", again.loadProblems()).contains("no gallery index"), again.loadProblems().toString());
        assertEquals(2, filesUnder(dir, GalleryStore.QUARANTINE).size());
    }

    @Test
    void aDamagedEmbeddingFileIsQuarantinedAndRebuiltFromTheCrops() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        String aliceId = g.snapshot().byName("Alice").id();
        g.deactivate();
        Path f = dir.resolve(EMBEDDINGS(modelA)).resolve(aliceId + GalleryStore.VECTORS_SUFFIX);
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x55;
        Files.write(f, b);

        FileGallery again = open(dir);
        assertEquals(List.of("Alice", "Bob"), again.people(), "never loses a person");
        String report = String.join("\n", again.loadProblems());
        assertTrue(report.contains(aliceId + ".emb") && report.contains("damaged") && report.contains("Alice"), report);
        GalleryHealth h = again.health();
        assertEquals(GalleryHealth.OK, h.state(), "a recovered load problem does not fail the gallery");
        assertTrue(h.problem().contains(aliceId + ".emb"), h.problem());
        assertFalse(h.problem().contains("Alice"), "the status names nobody: " + h.problem());
        assertEquals("Bob", again.identify(probe(modelA, BOB)).name());
        assertFalse(again.identify(probe(modelA, ALICE)).known(), "Alice has no embeddings until re-embedded");

        again.bindEmbedder(modelA);
        assertTrue(again.awaitReembedding(Duration.ofSeconds(120)));
        assertEquals("Alice", again.identify(probe(modelA, ALICE)).name());
        assertEquals(1, filesUnder(dir, GalleryStore.QUARANTINE).size());
    }

    @Test
    void aDamagedOrMissingCropIsReportedAndSkippedWithoutLosingAnyone() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        g.enroll("Carol", photos(CAROL, 1, 112));
        GalleryState s = g.snapshot();
        g.deactivate();
        GalleryState.Person bob = s.byName("Bob");
        GalleryState.Person carol = s.byName("Carol");
        Path bobCrop = dir.resolve("crops").resolve(bob.id()).resolve(bob.photos().get(0).id() + ".png");
        Files.write(bobCrop, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Files.delete(dir.resolve("crops").resolve(carol.id()).resolve(carol.photos().get(0).id() + ".png"));

        FileGallery again = open(dir);
        assertEquals(List.of("Alice", "Bob", "Carol"), again.people());
        assertTrue(String.join("\n", again.loadProblems()).contains("missing"), again.loadProblems().toString());
        again.bindEmbedder(modelB);
        assertTrue(again.awaitReembedding(Duration.ofSeconds(120)));
        assertEquals(ReembedStatus.Phase.DONE, again.reembedStatus().phase(), again.reembedStatus().toString());
        assertEquals("Alice", again.identify(probe(modelB, ALICE)).name());
        assertFalse(again.identify(probe(modelB, BOB)).known(), "Bob's only crop is unreadable");
        // their embeddings of model A are still valid and still match
        assertEquals("Bob", again.identify(probe(modelA, BOB)).name());
        assertEquals("Carol", again.identify(probe(modelA, CAROL)).name());
        assertTrue(filesUnder(dir, GalleryStore.QUARANTINE).stream().anyMatch(p -> p.toString().endsWith(".png")),
                "the damaged crop is quarantined");
    }

    static String EMBEDDINGS(FakeEmbedder m) {
        return GalleryStore.EMBEDDINGS + "/" + GalleryStore.modelDirName(m.model().key());
    }

    // ------------------------------------------------------------------ failing writes

    /** Fails the n-th file operation of an enrolment (disk full) and checks nothing changed anywhere. */
    @Test
    void aFailingWriteAtAnyPointOfAnEnrolmentChangesNothing() throws Exception {
        for (boolean existingPerson : new boolean[] {false, true}) {
            for (int failAt = 0; ; failAt++) {
                Path dir = tmp.resolve("g-" + existingPerson + "-" + failAt);
                AtomicInteger ops = new AtomicInteger(-1);
                int n = failAt;
                AtomicFiles files = new AtomicFiles((target, stage) -> {
                    if (ops.get() >= 0 && ops.getAndIncrement() == n) {
                        throw new IOException("No space left on device");
                    }
                }, false);
                FileGallery g = open(dir, files);
                g.bindEmbedder(modelA);
                g.enroll("Alice", photos(ALICE, 1, 112));
                if (existingPerson) {
                    g.enroll("Bob", photos(BOB, 1, 112));
                }
                GalleryState before = g.snapshot();
                List<Path> filesBefore = files(dir);
                Identity bobBefore = g.identify(probe(modelA, BOB));
                ops.set(0);
                FaceGateException e;
                try {
                    g.enroll("Bob", photos(BOB + 10, 2, 112));
                    e = null;
                } catch (FaceGateException ex) {
                    e = ex;
                }
                ops.set(-1);
                if (e == null) {
                    assertEquals(9, failAt, "every operation of the enrolment was failed once");
                    break;
                }
                String where = (existingPerson ? "adding photos" : "new person") + ", failing operation " + failAt;
                assertTrue(e.getMessage().contains("No space left") && e.getMessage().contains("Bob"),
                        where + ": " + e.getMessage());
                assertTrue(before == g.snapshot(), where + ": in-memory state unchanged");
                assertEquals(bobBefore, g.identify(probe(modelA, BOB)), where);
                // (index.properties.prev may be gone: a failed final rename moves it back into place)
                assertEquals(withoutBackup(filesBefore), withoutBackup(files(dir)), where + ": no file added or removed");
                g.deactivate();
                FileGallery again = open(dir);
                assertEquals(before.names(), again.people(), where);
                assertEquals(before.vectorCount(modelA.model().key()),
                        again.snapshot().vectorCount(modelA.model().key()), where);
                assertEquals(List.of(), again.loadProblems(), where);
                again.deactivate();
            }
        }
    }

    @Test
    void aFailingIndexWriteOnForgetKeepsThePerson() throws Exception {
        Path dir = tmp.resolve("g");
        boolean[] fail = {false};
        FileGallery g = open(dir, new AtomicFiles((target, stage) -> {
            if (fail[0]) {
                throw new IOException("Read-only file system");
            }
        }, false));
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        fail[0] = true;
        FaceGateException e = assertThrows(FaceGateException.class, () -> g.forget("Alice"));
        assertTrue(e.getMessage().contains("Read-only"), e.getMessage());
        assertEquals(List.of("Alice"), g.people());
        assertEquals("Alice", g.identify(probe(modelA, ALICE)).name());
        g.deactivate();
        assertEquals(List.of("Alice"), open(dir).people());
    }

    @Test
    void aReadOnlyDirectoryGivesAClearError() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        Path crops = dir.resolve("crops");
        Files.setPosixFilePermissions(crops, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(dir), "running as root: permissions do not stop writes");
            FaceGateException e = assertThrows(FaceGateException.class, () -> g.enroll("Bob", photos(BOB, 1, 112)));
            assertTrue(e.getCause() instanceof AccessDeniedException, String.valueOf(e.getCause()));
            assertEquals(List.of("Alice"), g.people());
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(crops, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void atomicWriteFailureLeavesTheTargetAndNoTemporaryFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a"));
        Path target = dir.resolve("f");
        Files.writeString(target, "old");
        AtomicFiles failing = new AtomicFiles((t, stage) -> {
            if (stage.equals("move")) {
                throw new IOException("boom");
            }
        }, true);
        assertThrows(IOException.class, () -> failing.write(target, "new".getBytes()));
        assertThrows(IOException.class, () -> failing.writeKeepingBackup(target, dir.resolve("f.prev"), new byte[1]));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), files(dir));

        // the second rename of writeKeepingBackup fails: the previous content is put back
        AtomicFiles secondMoveFails = new AtomicFiles((t, stage) -> {
            if (stage.equals("move") && t.equals(target)) {
                throw new IOException("boom");
            }
        }, true);
        assertThrows(IOException.class, () -> secondMoveFails.writeKeepingBackup(target, dir.resolve("f.prev"),
                "new".getBytes()));
        assertEquals("old", Files.readString(target));
        new AtomicFiles().writeKeepingBackup(target, dir.resolve("f.prev"), "new".getBytes());
        assertEquals("new", Files.readString(target));
        assertEquals("old", Files.readString(dir.resolve("f.prev")));
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void deactivationStopsAReembeddingInProgressAndTheNextStartResumesIt() throws Exception {
        Path dir = tmp.resolve("g");
        FileGallery g = open(dir);
        g.bindEmbedder(modelA);
        for (int p = 0; p < 20; p++) {
            g.enroll("p" + p, photos(100 + p, 1, 112));
        }
        modelB.delayMillisPerCall = 50;
        g.bindEmbedder(modelB);
        Thread.sleep(200);
        long t0 = System.nanoTime();
        g.deactivate();
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "deactivate does not wait for the whole pass");
        assertThrows(FaceGateException.class, () -> g.enroll("late", photos(5, 1, 112)));

        modelB.delayMillisPerCall = 0;
        FileGallery again = open(dir);
        assertEquals(List.of(), again.loadProblems());
        int before = again.snapshot().vectorCount(modelB.model().key());
        assertTrue(before < 20, "the pass was interrupted (" + before + " done)");
        again.bindEmbedder(modelB);
        assertTrue(again.awaitReembedding(Duration.ofSeconds(120)));
        assertEquals(20, again.snapshot().vectorCount(modelB.model().key()));
        assertNotNull(again.identify(probe(modelB, 105)).name());
    }
}
