package io.facegate.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.PersonSummary;
import io.facegate.api.RecognizedFace;
import io.facegate.api.operations.EnrollResult;
import io.facegate.api.operations.IdentifyResult;
import io.facegate.api.operations.ModelSummary;
import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Photo;
import io.facegate.api.operations.PhotoResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The operations around fake stages: what reaches the gallery, what operators are told, which codes. */
class OperationsTest {
    private FakeConfigAdmin cm;
    private FakeScr scr;
    private Fakes.Detector detector;
    private Fakes.Aligner aligner;
    private Fakes.MemoryGallery gallery;
    private OperationsComponent ops;

    @BeforeEach
    void setUp() {
        cm = new FakeConfigAdmin();
        scr = new FakeScr(cm);
        detector = new Fakes.Detector();
        aligner = new Fakes.Aligner();
        gallery = new Fakes.MemoryGallery();
        // max_pixels 10,000 (100 x 100) and max_image_bytes 2,000: small enough to hit in a test
        ops = new OperationsComponent(new OperationsSettings(10_000, 3, 2_000, 5000), Whitelist.DEFAULT, cm,
                new ScrComponentStates(scr), null, id -> "bundle-" + id);
        ops.bindDetector(detector, Map.of("service.id", 1L));
        ops.bindAligner(aligner, Map.of("service.id", 2L));
        ops.bindGallery(gallery, Map.of("service.id", 3L));
        ops.bindEmbedder(new Fakes.Embedder(Fakes.model("small", 96)), Map.of("service.id", 4L, "service.bundleid", 7L));
    }

    @AfterEach
    void tearDown() {
        scr.close();
    }

    private static Photo photo(String label, int width, int marker) {
        return new Photo(label, Fakes.png(width, 40, marker));
    }

    private static void assertCode(int code, String message, Executable call) {
        OperationException e = assertThrows(OperationException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void enrolsTheLargestFaceOfEveryUsablePhotoInOneGalleryCall() throws Exception {
        EnrollResult r = ops.enroll(" Ada ", List.of(photo("group.png", 60, 1), photo("empty.png", 10, 1),
                new Photo("notes.jpg", "not a photo".getBytes(StandardCharsets.UTF_8))));

        assertEquals("Ada", r.name());
        assertEquals(1, r.enrolled());
        assertEquals(new PhotoResult("group.png", true, 2, null), r.photos().get(0));
        assertEquals(new PhotoResult("empty.png", false, 0, "no face found"), r.photos().get(1));
        assertEquals(new PhotoResult("notes.jpg", false, 0, "not an image, or an unsupported image format"),
                r.photos().get(2));
        assertEquals(1, gallery.enrolCalls.get());
        assertEquals(List.of(FaceWork.ENROL_SIZE), gallery.enrolledSizes, "crops are kept at 112 px");
        assertEquals(30f, aligner.aligned.get(0).box().width(), "the largest face");
        assertEquals(List.of(new PersonSummary("Ada", 1, Map.of("m:1", 1))), ops.people());
    }

    @Test
    void photosThatCannotBeUsedAreReportedAndNothingIsEnrolledWithoutOne() {
        assertCode(400, "nothing enrolled: no usable photo of Ada (empty.png: no face found; big.png: png image too"
                + " large: 300x40 exceeds max_pixels=10000; huge.png: image of ", () -> ops.enroll("Ada",
                List.of(photo("empty.png", 10, 1), new Photo("big.png", Fakes.png(300, 40, 0)),
                        new Photo("huge.png", new byte[2_001]))));
        assertEquals(0, gallery.enrolCalls.get(), "the gallery is not called");
        assertEquals(List.of(), gallery.people());
    }

    @Test
    void aPhotoWhoseLargestFaceCannotBeAlignedIsReported() throws Exception {
        ops.unbindAligner(aligner);
        ops.bindAligner((image, face, size) -> {
            throw new IllegalArgumentException("degenerate landmarks");
        }, Map.of("service.id", 9L));
        assertCode(400, "one.png: the largest face could not be aligned: degenerate landmarks",
                () -> ops.enroll("Bob", List.of(photo("one.png", 20, 1))));
        assertEquals(0, gallery.enrolCalls.get());
    }

    @Test
    void badRequestsGetTheirCodes() {
        assertCode(400, "a person name is required", () -> ops.enroll(" ", List.of(photo("a.png", 60, 1))));
        assertCode(400, "at least one photo", () -> ops.enroll("Ada", List.of()));
        assertCode(413, "4 photos; at most max_photos=3", () -> ops.enroll("Ada", List.of(photo("a", 60, 1),
                photo("b", 60, 1), photo("c", 60, 1), photo("d", 60, 1))));
        assertCode(400, "path separator", () -> ops.enroll("a/b", List.of(photo("a.png", 60, 1))));
        assertEquals(List.of(), gallery.people());
        assertCode(404, "Bob is not enrolled", () -> ops.forget("Bob"));
        assertCode(400, "x.png: not an image", () -> ops.identify(new Photo("x.png", new byte[] {1, 2, 3})));
        assertCode(413, "x.png: image of 2001 bytes exceeds max_image_bytes=2000",
                () -> ops.identify(new Photo("x.png", new byte[2_001])));
        assertCode(400, "x.png: png image too large: 300x40 exceeds max_pixels=10000", () -> ops.identify(new Photo("x.png", Fakes.png(300, 40, 0))));
    }

    @Test
    void missingServicesAre503() {
        OperationsComponent bare = new OperationsComponent(OperationsSettings.defaults(), Whitelist.DEFAULT, cm,
                new ScrComponentStates(scr), null, id -> "");
        assertCode(503, "no face detector available", () -> bare.enroll("Ada", List.of(photo("a.png", 60, 1))));
        assertCode(503, "no gallery available", () -> bare.people());
        assertCode(503, "no gallery available", () -> bare.forget("Ada"));
        bare.bindDetector(detector, Map.of());
        bare.bindAligner(aligner, Map.of());
        bare.bindGallery(gallery, Map.of());
        assertCode(503, "no face embedder (model) available", () -> bare.identify(photo("a.png", 60, 1)));
    }

    @Test
    void identifiesEveryFaceAndReportsTheOneTheAlignerRefusesAsUnknown() throws Exception {
        ops.enroll("Ada", List.of(photo("ada.png", 20, 1)));

        IdentifyResult r = ops.identify(photo("group.png", 60, 1));

        assertEquals("small:1", r.model());
        assertEquals(60, r.width());
        assertEquals(40, r.height());
        assertEquals(2, r.faces().size());
        RecognizedFace refused = r.faces().get(0);
        assertEquals(10f, refused.face().box().width());
        assertFalse(refused.identity().known());
        assertEquals(-1f, refused.identity().similarity());
        assertEquals("Ada", r.faces().get(1).identity().name());

        IdentifyResult stranger = ops.identify(photo("stranger.png", 20, 2));
        assertNull(stranger.faces().get(0).identity().name());
    }

    @Test
    void identifyUsesTheBestRankedEmbedderAndFollowsItsRemoval() throws Exception {
        Fakes.Embedder big = new Fakes.Embedder(Fakes.model("big", 112));
        ops.bindEmbedder(big, Map.of("service.id", 20L, "service.ranking", 200, "service.bundleid", 8L));
        assertEquals("big:1", ops.identify(photo("a.png", 20, 1)).model());
        ops.unbindEmbedder(big);
        assertEquals("small:1", ops.identify(photo("a.png", 20, 1)).model());
    }

    @Test
    void modelsListEveryEmbedderBestFirstTheActiveOneMarked() throws Exception {
        ops.bindEmbedder(new Fakes.Embedder(Fakes.model("big", 112)),
                Map.of("service.id", 20L, "service.ranking", 200, "service.bundleid", 8L));
        ops.bindEmbedder(new Fakes.Embedder(Fakes.model("twin", 96)), Map.of("service.id", 30L, "service.bundleid", 9L));

        List<ModelSummary> models = ops.models();

        assertEquals(List.of("big", "small", "twin"), models.stream().map(m -> m.model().id()).toList(),
                "ranking first, then the older service (lower service.id) among equals");
        assertEquals(List.of(true, false, false), models.stream().map(ModelSummary::active).toList());
        assertEquals(200, models.get(0).ranking());
        assertEquals("bundle-8", models.get(0).bundle());
        assertEquals("bundle-7", models.get(1).bundle());
    }

    @Test
    void renameAndForgetMapTheGallerysAnswers() throws Exception {
        ops.enroll("Ada", List.of(photo("a.png", 20, 1)));
        ops.enroll("Bob", List.of(photo("b.png", 20, 2)));

        assertCode(404, "Eve is not enrolled", () -> ops.rename("Eve", "Zoe"));
        assertCode(409, "Bob is already enrolled", () -> ops.rename("Ada", "Bob"));
        assertCode(400, "path separator", () -> ops.rename("Ada", "A/B"));
        assertCode(400, "both the enrolled name and the new name are required", () -> ops.rename("Ada", " "));
        ops.rename("Ada", "Ada Lovelace");
        assertEquals(List.of("Ada Lovelace", "Bob"), gallery.people());

        ops.forget("Bob");
        assertEquals(List.of("Ada Lovelace"), gallery.people());
        assertCode(404, "Bob is not enrolled", () -> ops.forget("Bob"));
    }

    @Test
    void aFailingStageIsAnInternalError() {
        ops.unbindDetector(detector);
        ops.bindDetector(image -> {
            throw new io.facegate.api.FaceGateException("model not loaded");
        }, Map.of("service.id", 40L));
        assertCode(500, "face detection failed: FaceGateException: model not loaded",
                () -> ops.enroll("Ada", List.of(photo("a.png", 60, 1))));
        assertCode(500, "identification failed: FaceGateException: model not loaded",
                () -> ops.identify(photo("a.png", 60, 1)));
    }
}
