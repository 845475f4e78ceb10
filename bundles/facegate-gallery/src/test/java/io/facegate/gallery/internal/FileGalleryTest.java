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
import io.facegate.api.Identity;
import io.facegate.api.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    void aSecondGalleryCannotOpenTheSameDirectory() {
        open();
        FaceGateException e = assertThrows(FaceGateException.class, this::open);
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
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
    void badConfigurationIsRefusedAtActivation() {
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
        // a directory that is a file cannot be used
        Path file = dir.resolve("afile");
        assertThrows(FaceGateException.class, () -> {
            Files.writeString(file, "x");
            new FileGallery(config(file.toString()));
        });
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
