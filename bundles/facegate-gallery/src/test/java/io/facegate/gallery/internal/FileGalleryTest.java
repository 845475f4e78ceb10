package io.facegate.gallery.internal;

import static io.facegate.gallery.internal.FakeEmbedder.face;
import static io.facegate.gallery.internal.FakeEmbedder.photos;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceGateException;
import io.facegate.api.GalleryHealth;
import io.facegate.api.Identity;
import io.facegate.api.PersonSummary;
import io.facegate.api.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gallery on a real file system, with fake embedders. */
class FileGalleryTest {
    static final long ALICE = 1;
    static final long BOB = 2;
    static final long CAROL = 3;
    static final long STRANGER = 99;

    @TempDir
    Path dir;

    /** 112 px, 128-d. */
    final FakeEmbedder modelA = new FakeEmbedder("fake-a", 112, 128, 0.7f, 11);
    /** 96 px, 96-d: another model, other input size, other dimension. */
    final FakeEmbedder modelB = new FakeEmbedder("fake-b", 96, 96, 0.6f, 22);

    private final List<FileGallery> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileGallery::deactivate);
    }

    FileGallery open(String... thresholds) {
        return open(FAST, thresholds);
    }

    /** Atomic but not forced to the device: fsync is slow on a busy build machine and irrelevant to the logic. */
    static final AtomicFiles FAST = new AtomicFiles((target, stage) -> { }, false);

    FileGallery open(AtomicFiles files, String... thresholds) {
        FileGallery g = new FileGallery(GallerySettings.parse(dir.toString(), thresholds, null), files);
        opened.add(g);
        return g;
    }

    static void settle(FileGallery g) throws InterruptedException {
        assertTrue(g.awaitReembedding(Duration.ofSeconds(120)), "re-embedding finished in time");
    }

    static Embedding probe(FakeEmbedder m, long person) {
        return m.probe(face(person, 777, 112));
    }

    private List<Path> filesUnder(String sub) throws IOException {
        Path p = dir.resolve(sub);
        if (!Files.exists(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    // ------------------------------------------------------------------ basics

    @Test
    void enrolIdentifyUnknownForget() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        g.enroll("Bob", photos(BOB, 1, 112));
        g.enroll("Alice", photos(ALICE, 2, 112));
        assertEquals(List.of("Alice", "Bob"), g.people());

        Identity a = g.identify(probe(modelA, ALICE));
        assertEquals("Alice", a.name());
        assertTrue(a.similarity() >= 0.7f && a.similarity() <= 1f, "similarity " + a.similarity());
        assertEquals(0.7f, a.threshold());
        assertEquals("Bob", g.identify(probe(modelA, BOB)).name());

        Identity s = g.identify(probe(modelA, STRANGER));
        assertFalse(s.known());
        assertTrue(s.similarity() < 0.7f && s.similarity() > -1f, "best similarity is reported: " + s.similarity());

        assertTrue(g.forget("Bob"));
        assertFalse(g.forget("Bob"));
        assertFalse(g.forget("nobody"));
        assertEquals(List.of("Alice"), g.people());
        assertFalse("Bob".equals(g.identify(probe(modelA, BOB)).name()));
        // Bob's crops and embeddings are gone from disk: only Alice's two crops and one embedding file remain
        assertEquals(2, filesUnder("crops").size());
        assertEquals(1, filesUnder("embeddings").size());
    }

    @Test
    void enrollingAnExistingNameAddsPhotos() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        g.enroll("  Alice ", List.of(FakeEmbedder.aligned(face(ALICE, 5, 112))));
        assertEquals(List.of("Alice"), g.people());
        assertEquals(2, g.snapshot().byName("Alice").photos().size());
        assertEquals(2, g.snapshot().vectorCount(modelA.model().key()));
    }

    @Test
    void emptyGalleryAnswersUnknownWithMinusOne() {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        Identity id = g.identify(probe(modelA, ALICE));
        assertFalse(id.known());
        assertEquals(-1f, id.similarity());
        assertEquals(0.7f, id.threshold());
    }

    @Test
    void badNamesAndArgumentsAreRefusedAndWriteNothing() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        List<AlignedFace> faces = photos(ALICE, 1, 112);
        for (String bad : new String[] {null, "", "   ", "a/b", "..\\x", "../../etc/passwd", "tab\there", "x\ny",
                "x".repeat(Names.MAX_LENGTH + 1), "\ud800"}) {
            assertThrows(IllegalArgumentException.class, () -> g.enroll(bad, faces), "name " + bad);
        }
        assertThrows(IllegalArgumentException.class, () -> g.enroll("Alice", List.of()));
        assertThrows(IllegalArgumentException.class, () -> g.enroll("Alice", null));
        assertEquals(List.of(), g.people());
        assertEquals(List.of(), filesUnder("crops"));
        // odd but valid names are fine and never become paths
        g.enroll("Zoë O'Brien = #1: \u4e2d\u6587 \ud83d\ude00", faces);
        g.enroll("..", photos(BOB, 1, 112));
        assertEquals(List.of("..", "Zoë O'Brien = #1: \u4e2d\u6587 \ud83d\ude00"), g.people());
        for (Path p : filesUnder("crops")) {
            assertTrue(p.getFileName().toString().matches("[0-9a-f]{16}\\.png"), p.toString());
        }
        g.deactivate();
        assertEquals(List.of("..", "Zoë O'Brien = #1: \u4e2d\u6587 \ud83d\ude00"), open().people());
    }

    @Test
    void cropsAreKeptLosslesslyAtTheGivenSizeAndResizedForTheEmbedder() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA); // 112 px: the fake refuses any other size
        RgbImage crop = face(ALICE, 1, 150);
        g.enroll("Alice", List.of(FakeEmbedder.aligned(crop)));
        List<Path> crops = filesUnder("crops");
        assertEquals(1, crops.size());
        assertEquals(crop, Crops.decodePng(Files.readAllBytes(crops.get(0))));
        assertEquals(150, g.snapshot().byName("Alice").photos().get(0).size());
        assertEquals("Alice", g.identify(probe(modelA, ALICE)).name());
    }

    @Test
    void enrolWithoutEmbedderKeepsCropsAndEmbedsWhenOneArrives() throws Exception {
        FileGallery g = open();
        g.enroll("Alice", photos(ALICE, 2, 112));
        settle(g);
        assertEquals(ReembedStatus.Phase.NO_EMBEDDER, g.reembedStatus().phase());
        Identity before = g.identify(probe(modelA, ALICE));
        assertFalse(before.known());
        assertEquals(-1f, before.similarity());

        g.bindEmbedder(modelA);
        settle(g);
        assertEquals(ReembedStatus.Phase.DONE, g.reembedStatus().phase());
        assertEquals("Alice", g.identify(probe(modelA, ALICE)).name());
    }

    // ------------------------------------------------------------------ rename, summaries, health

    @Test
    void renameKeepsPhotosAndEmbeddingsAndSurvivesARestart() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        List<Path> crops = filesUnder("crops");
        List<Path> embeddings = filesUnder("embeddings");

        assertTrue(g.rename(" Alice ", " Ada Lovelace "));
        assertEquals(List.of("Ada Lovelace", "Bob"), g.people());
        assertEquals("Ada Lovelace", g.identify(probe(modelA, ALICE)).name());
        assertEquals(2, g.snapshot().byName("Ada Lovelace").photos().size());
        assertEquals(crops, filesUnder("crops"), "no crop moved or rewritten");
        assertEquals(embeddings, filesUnder("embeddings"));

        assertFalse(g.rename("Alice", "Eve"), "no longer enrolled under that name");
        assertFalse(g.rename("nobody", "Eve"));
        assertTrue(g.rename("Bob", "Bob"), "already so called");
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> g.rename("Ada Lovelace", "Bob"));
        assertTrue(taken.getMessage().contains("Bob"), taken.getMessage());
        for (String bad : new String[] {null, "", "  ", "a/b", "x\ny", "x".repeat(Names.MAX_LENGTH + 1)}) {
            assertThrows(IllegalArgumentException.class, () -> g.rename("Bob", bad), "name " + bad);
            assertThrows(IllegalArgumentException.class, () -> g.rename("nobody", bad), "checked first: " + bad);
        }
        assertEquals(List.of("Ada Lovelace", "Bob"), g.people());
        g.deactivate();

        FileGallery again = open();
        assertEquals(List.of("Ada Lovelace", "Bob"), again.people());
        assertEquals(List.of(), again.loadProblems());
        assertEquals("Ada Lovelace", again.identify(probe(modelA, ALICE)).name());
        // the new name can be enrolled into and forgotten like any other
        again.bindEmbedder(modelA);
        again.enroll("Ada Lovelace", photos(ALICE, 1, 112));
        assertEquals(3, again.snapshot().byName("Ada Lovelace").photos().size());
        assertTrue(again.forget("Ada Lovelace"));
        assertEquals(List.of("Bob"), again.people());
    }

    @Test
    void aFailedRenameChangesNothing() throws Exception {
        boolean[] fail = {false};
        FileGallery g = open(new AtomicFiles((target, stage) -> {
            if (fail[0]) {
                throw new IOException("No space left on device");
            }
        }, false));
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        fail[0] = true;
        FaceGateException e = assertThrows(FaceGateException.class, () -> g.rename("Alice", "Ada"));
        assertTrue(e.getMessage().contains("No space left") && e.getMessage().contains("unchanged"), e.getMessage());
        assertEquals(List.of("Alice"), g.people());
        fail[0] = false;
        g.deactivate();
        assertEquals(List.of("Alice"), open().people());
    }

    @Test
    void summariesCountPhotosAndEmbeddingsOfEveryModel() throws Exception {
        FileGallery g = open();
        assertEquals(List.of(), g.summaries());
        g.bindEmbedder(modelA);
        g.enroll("Bob", photos(BOB, 1, 112));
        g.enroll("Alice", photos(ALICE, 2, 112));
        String a = modelA.model().key();
        String b = modelB.model().key();
        assertEquals(List.of(new PersonSummary("Alice", 2, Map.of(a, 2)), new PersonSummary("Bob", 1, Map.of(a, 1))),
                g.summaries());
        g.unbindEmbedder(modelA);
        g.enroll("Carol", photos(CAROL, 3, 112)); // no embedder: stored, not embedded
        assertEquals(new PersonSummary("Carol", 3, Map.of(a, 0)), g.summaries().get(2));

        modelB.delayMillisPerCall = 200;
        g.bindEmbedder(modelB);
        // the active model is listed at once, with 0 where nothing is embedded yet
        assertTrue(g.summaries().stream().allMatch(p -> p.embeddings().containsKey(b)), g.summaries().toString());
        settle(g);
        assertEquals(List.of(new PersonSummary("Alice", 2, Map.of(a, 2, b, 2)),
                new PersonSummary("Bob", 1, Map.of(a, 1, b, 1)), new PersonSummary("Carol", 3, Map.of(a, 0, b, 3))),
                g.summaries());
        g.deactivate();
        // after a restart without any embedder: the models held on disk
        assertEquals(new PersonSummary("Carol", 3, Map.of(a, 0, b, 3)), open().summaries().get(2));
    }

    @Test
    void healthSaysOkReembeddingWithProgressAndWhyAPassStopped() throws Exception {
        FileGallery g = open();
        assertEquals(new GalleryHealth(GalleryHealth.OK, 0, 0, null), g.health(), "no embedder, nobody enrolled");
        g.bindEmbedder(modelA);
        for (int p = 0; p < 6; p++) {
            g.enroll("p" + p, photos(100 + p, 1, 112));
        }
        assertEquals(new GalleryHealth(GalleryHealth.OK, 6, 6, null), g.health());

        modelB.delayMillisPerCall = 150; // one call per person
        g.bindEmbedder(modelB);
        g.unbindEmbedder(modelA);
        GalleryHealth during = g.health();
        assertEquals(GalleryHealth.REEMBEDDING, during.state(), during.toString());
        assertEquals(6, during.total());
        assertTrue(during.done() < 6, during.toString());
        settle(g);
        assertEquals(new GalleryHealth(GalleryHealth.OK, 6, 6, null), g.health());

        FakeEmbedder broken = new FakeEmbedder("fake-c", 112, 64, 0.5f, 33);
        broken.failure = new FaceGateException("inference failed");
        g.bindEmbedder(broken);
        settle(g);
        GalleryHealth stuck = g.health();
        assertEquals(GalleryHealth.REEMBEDDING, stuck.state(), stuck.toString());
        assertEquals(0, stuck.done());
        assertEquals(6, stuck.total());
        assertTrue(stuck.problem().contains("inference failed") && stuck.problem().contains("fake-c:1"),
                stuck.problem());
        g.deactivate();
        assertEquals(GalleryHealth.FAILED, g.health().state(), "closed");
    }

    // ------------------------------------------------------------------ persistence

    @Test
    void survivesARestart() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.enroll("Bob", photos(BOB, 1, 112));
        Identity before = g.identify(probe(modelA, ALICE));
        g.deactivate();

        FileGallery again = open(); // no embedder bound: stored embeddings (and their threshold) still match
        assertEquals(List.of("Alice", "Bob"), again.people());
        assertEquals(List.of(), again.loadProblems());
        Identity after = again.identify(probe(modelA, ALICE));
        assertEquals(before, after);
        assertEquals("Bob", again.identify(probe(modelA, BOB)).name());
        // nothing is re-embedded when the same model comes back
        int calls = modelA.facesEmbedded.get();
        again.bindEmbedder(modelA);
        settle(again);
        assertEquals(calls, modelA.facesEmbedded.get());
    }

    @Test
    void aSecondGalleryOnTheSameDirectoryIsFailedAndTouchesNothing() throws Exception {
        FileGallery first = open();
        first.bindEmbedder(modelA);
        first.enroll("Alice", photos(ALICE, 1, 112));
        FileGallery second = open();
        GalleryHealth h = second.health();
        assertEquals(GalleryHealth.FAILED, h.state());
        assertTrue(h.problem().contains("in use"), h.problem());
        assertEquals(List.of(), second.people());
        second.bindEmbedder(modelA);
        FaceGateException e = assertThrows(FaceGateException.class, () -> second.enroll("Bob", photos(BOB, 1, 112)));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        assertThrows(FaceGateException.class, () -> second.forget("Alice"));
        assertThrows(FaceGateException.class, () -> second.rename("Alice", "Eve"));
        assertFalse(second.identify(probe(modelA, ALICE)).known());
        assertEquals(List.of("Alice"), first.people());
        assertEquals(GalleryHealth.OK, first.health().state());
    }

    // ------------------------------------------------------------------ models

    @Test
    void probesOfAnotherModelAreUnknownUntilReembedded() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));

        Identity viaB = g.identify(probe(modelB, ALICE));
        assertFalse(viaB.known());
        assertEquals(-1f, viaB.similarity());
        assertEquals(1f, viaB.threshold(), "a model the gallery knows nothing about matches nobody");

        g.bindEmbedder(modelB); // SCR: bind the better-ranked one, then unbind the old one
        g.unbindEmbedder(modelA);
        settle(g);
        ReembedStatus st = g.reembedStatus();
        assertEquals(ReembedStatus.Phase.DONE, st.phase(), st.toString());
        assertEquals(modelB.model().key(), st.modelKey());

        Identity b = g.identify(probe(modelB, ALICE));
        assertEquals("Alice", b.name());
        assertEquals(0.6f, b.threshold());
        // the old model's embeddings stay: a frame embedded with A just before the swap still matches
        assertEquals("Alice", g.identify(probe(modelA, ALICE)).name());
        assertEquals(2, filesUnder("embeddings").size());
    }

    @Test
    void swappingBackIsInstantAndOnlyEmbedsWhatIsNew() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 2, 112));
        g.bindEmbedder(modelB);
        g.unbindEmbedder(modelA);
        settle(g);
        g.enroll("Bob", photos(BOB, 1, 112)); // embedded with B only
        int calls = modelA.facesEmbedded.get();

        g.bindEmbedder(modelA);
        g.unbindEmbedder(modelB);
        settle(g);
        assertEquals(calls + 1, modelA.facesEmbedded.get(), "only Bob's one crop is embedded with A again");
        assertEquals("Bob", g.identify(probe(modelA, BOB)).name());
        assertEquals("Alice", g.identify(probe(modelA, ALICE)).name());
    }

    @Test
    void reembeddingResumesAfterARestart() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        for (int p = 0; p < 6; p++) {
            g.enroll("p" + p, photos(100 + p, 1, 112));
        }
        g.deactivate();

        FileGallery again = open();
        again.bindEmbedder(modelB);
        settle(again);
        assertEquals(6, modelB.facesEmbedded.get());
        for (int p = 0; p < 6; p++) {
            assertEquals("p" + p, again.identify(probe(modelB, 100 + p)).name());
        }
    }

    @Test
    void identifyRefusesAProbeWhoseDimensionContradictsItsModel() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        Embedding wrong = new Embedding("fake-a", "1", new float[] {1, 0, 0});
        assertThrows(IllegalArgumentException.class, () -> g.identify(wrong));
    }

    @Test
    void embedderFailureDuringEnrolmentChangesNothing() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        modelA.failure = new FaceGateException("inference failed");
        assertThrows(FaceGateException.class, () -> g.enroll("Alice", photos(ALICE, 1, 112)));
        assertEquals(List.of(), g.people());
        assertEquals(List.of(), filesUnder("crops"));
    }

    @Test
    void failedReembeddingIsReportedAndRetriedOnTheNextChange() throws Exception {
        FileGallery g = open();
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        modelB.failure = new FaceGateException("inference failed");
        g.bindEmbedder(modelB);
        settle(g);
        assertEquals(ReembedStatus.Phase.FAILED, g.reembedStatus().phase());
        assertEquals("Alice", g.identify(probe(modelA, ALICE)).name());

        modelB.failure = null;
        g.updatedEmbedder(modelB); // e.g. its ranking changed
        settle(g);
        assertEquals(ReembedStatus.Phase.DONE, g.reembedStatus().phase());
        assertEquals("Alice", g.identify(probe(modelB, ALICE)).name());
    }

    // ------------------------------------------------------------------ thresholds

    @Test
    void configuredThresholdOverridesTheModelsOwn() throws Exception {
        FileGallery g = open("fake-a=1", "fake-b:1=-0.5", "fake-b=0.99");
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        Identity a = g.identify(probe(modelA, ALICE));
        assertFalse(a.known(), "similarity " + a.similarity() + " is below the configured 1");
        assertEquals(1f, a.threshold());
        assertTrue(a.similarity() > 0.9f);
        // id:version wins over id
        Identity b = g.identify(probe(modelB, STRANGER));
        assertEquals(-0.5f, b.threshold());
    }

    @Test
    void badConfigurationIsRefusedAtActivation() throws Exception {
        String[][] bad = {
            {"fake-a"}, {"=0.3"}, {"fake-a="}, {"fake-a=abc"}, {"fake-a=1.5"}, {"fake-a=-1.01"}, {"fake-a=NaN"},
            {"fake-a=Infinity"}, {"fake-a=0x1p-2"}, {"fake-a=0.3f"}, {"fake a=0.3"}, {":1=0.3"}, {"fake-a:=0.3"},
            {"fake-a=0.3", "fake-a=0.4"},
        };
        for (String[] t : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FileGallery(config(dir.toString(), t)), String.join(",", t));
            assertTrue(e.getMessage().contains("threshold"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new FileGallery(config("${unknown}/gallery")));
        assertThrows(IllegalArgumentException.class, () -> new FileGallery(config("bad\0path")));
        // a directory that is a file cannot be used: not a configuration error but the file system's, so the
        // gallery activates FAILED (the gateway reports why) and never writes
        Path file = dir.resolve("afile");
        Files.writeString(file, "x");
        FileGallery g = new FileGallery(config(file.toString()));
        opened.add(g);
        assertEquals(GalleryHealth.FAILED, g.health().state());
        assertTrue(g.health().problem().contains(file.toString()), g.health().problem());
        assertThrows(FaceGateException.class, () -> g.enroll("Alice", photos(ALICE, 1, 112)));
        assertEquals("x", Files.readString(file));
    }

    @Test
    void directoryDefaultsUnderKarafData() {
        Path base = dir.toAbsolutePath();
        assertEquals(base.resolve("facegate/gallery"), GallerySettings.parse("", null, base.toString()).directory());
        assertEquals(base.resolve("g2"), GallerySettings.parse("${karaf.data}/g2", null, base.toString()).directory());
        assertEquals(base.resolve("rel/x"), GallerySettings.parse("rel/x", null, base.toString()).directory());
        assertEquals(Path.of("data/facegate/gallery").toAbsolutePath(),
                GallerySettings.parse("", new String[] {""}, null).directory());
        GallerySettings s = GallerySettings.parse("", new String[] {" mobilefacenet-112 = 0.35 ", "", "m:2=1"}, null);
        assertEquals(0.35f, s.override("mobilefacenet-112", "mobilefacenet-112:1"));
        assertEquals(1f, s.override("m", "m:2"));
        assertNull(s.override("m", "m:3"));
        GallerySettings cfg = GallerySettings.parse("", new String[] {"a=0.1, b:2=-0.2,"}, null);
        assertEquals(0.1f, cfg.override("a", "a:1"));
        assertEquals(-0.2f, cfg.override("b", "b:2"));
    }

    @Test
    void activatesThroughTheTypedConfiguration() throws Exception {
        FileGallery g = new FileGallery(config(dir.resolve("sub").toString(), "fake-a=0.5"));
        opened.add(g);
        g.bindEmbedder(modelA);
        g.enroll("Alice", photos(ALICE, 1, 112));
        assertEquals(0.5f, g.identify(probe(modelA, ALICE)).threshold());
        assertTrue(Files.exists(dir.resolve("sub").resolve(GalleryStore.INDEX)));
    }

    static FileGallery.Config config(String directory, String... thresholds) {
        return configWithKey(directory, "", thresholds);
    }

    static FileGallery.Config configWithKey(String directory, String keyFile, String... thresholds) {
        return new FileGallery.Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return FileGallery.Config.class;
            }

            @Override
            public String directory() {
                return directory;
            }

            @Override
            public String[] thresholds() {
                return thresholds;
            }

            @Override
            public String encryption__key__file() {
                return keyFile;
            }
        };
    }

    // ------------------------------------------------------------------ unit checks of the resize

    @Test
    void resizeScalesAboutTheOriginLikeTheTemplate() {
        int from = 112;
        int to = 96;
        byte[] px = new byte[from * from * 3];
        for (int y = 0, o = 0; y < from; y++) {
            for (int x = 0; x < from; x++, o += 3) {
                px[o] = (byte) (x * 2); // linear ramps: bilinear reproduces them exactly
                px[o + 1] = (byte) (y * 2);
                px[o + 2] = 7;
            }
        }
        RgbImage r = Crops.resize(new RgbImage(from, from, px), to);
        assertEquals(to, r.width());
        for (int u = 0; u < to; u += 5) {
            assertEquals(Math.round(u * from / (double) to * 2), r.sample(u, 0, 0), 1, "x " + u);
            assertEquals(Math.round(u * from / (double) to * 2), r.sample(0, u, 1), 1, "y " + u);
            assertEquals(7, r.sample(u, u, 2));
        }
        RgbImage same = new RgbImage(from, from, px);
        assertTrue(Crops.resize(same, from) == same);
        RgbImage up = Crops.resize(r, 112);
        assertEquals(112, up.width());
    }

    @Test
    void pngRoundTripIsLossless() throws Exception {
        RgbImage noise = face(5, 6, 37);
        byte[] all = new byte[37 * 37 * 3];
        new java.util.Random(3).nextBytes(all);
        RgbImage random = new RgbImage(37, 37, all);
        assertEquals(noise, Crops.decodePng(Crops.encodePng(noise)));
        assertEquals(random, Crops.decodePng(Crops.encodePng(random)));
        assertThrows(IOException.class, () -> Crops.decodePng(new byte[] {1, 2, 3}));
    }

    @Test
    void resizedEnrolmentAndNativeSizeAgree() {
        // the same synthetic face enrolled at 112 and probed at 96 via B matches
        FakeEmbedder b = modelB;
        Embedding viaResize = b.probe(face(ALICE, 1, 112));
        Embedding native96 = b.probe(face(ALICE, 1, 96));
        assertTrue(viaResize.cosine(native96) > 0.95f, String.valueOf(viaResize.cosine(native96)));
        assertArrayEquals(viaResize.values(), b.probe(face(ALICE, 1, 112)).values());
    }

    @Test
    void theFakeModelsSeparatePeopleLikeARealOne() {
        long[] people = new long[30];
        for (int i = 0; i < 24; i++) {
            people[i] = 100 + i;
        }
        people[24] = ALICE;
        people[25] = BOB;
        people[26] = CAROL;
        people[27] = STRANGER;
        people[28] = 500;
        people[29] = 5;
        for (FakeEmbedder m : List.of(modelA, modelB)) {
            Embedding[] enrolled = new Embedding[people.length];
            for (int i = 0; i < people.length; i++) {
                enrolled[i] = m.probe(face(people[i], 1000, 112));
                assertTrue(enrolled[i].cosine(m.probe(face(people[i], 777, 150))) > 0.95f, "same person");
            }
            float worst = -1;
            for (int i = 0; i < people.length; i++) {
                for (int j = i + 1; j < people.length; j++) {
                    worst = Math.max(worst, enrolled[i].cosine(enrolled[j]));
                }
            }
            assertTrue(worst < 0.5f, m.model().key() + ": two different people at cosine " + worst);
        }
    }
}
