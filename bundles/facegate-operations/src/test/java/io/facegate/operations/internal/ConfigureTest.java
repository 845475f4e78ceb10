package io.facegate.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Setting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings changes through a fake Configuration Admin and a fake SCR whose components validate their configuration
 * on another thread, as real ones do: applied values, the {@code .cfg} file, refusals and roll-back.
 */
class ConfigureTest {
    @TempDir
    Path etc;

    private FakeConfigAdmin cm;
    private FakeScr scr;
    private FakeScr.Component mtcnn;
    private FakeScr.Component pipeline;
    private OperationsComponent ops;
    /** Whether the detector's .cfg file existed at each of its activations. */
    private final List<Boolean> fileAtActivation = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static int integer(Object v) {
        return Integer.parseInt(String.valueOf(v).strip());
    }

    @BeforeEach
    void setUp() {
        cm = new FakeConfigAdmin();
        scr = new FakeScr(cm);
        mtcnn = scr.add("mtcnn", Whitelist.MTCNN_PID, Map.of("minFaceSize", 20, "maxImageSide", 1280,
                "onetThreshold", 0.9f), p -> {
                    fileAtActivation.add(Files.exists(etc.resolve("io.facegate.detect.mtcnn.cfg")));
                    return integer(p.get("minFaceSize")) > integer(p.get("maxImageSide"))
                            ? "minFaceSize " + p.get("minFaceSize") + " exceeds maxImageSide " + p.get("maxImageSide")
                            : null;
                });
        pipeline = scr.add("pipeline", Whitelist.PIPELINE_PID, Map.of("queue_capacity", 16, "workers", 1,
                "overflow", "block"), p -> integer(p.get("workers")) > integer(p.get("queue_capacity"))
                ? "workers " + p.get("workers") + " exceeds queue_capacity " + p.get("queue_capacity") : null);
        ops = operations(scr);
    }

    private OperationsComponent operations(FakeScr runtime) {
        return new OperationsComponent(new OperationsSettings(1000, 10, 1 << 20, 5000), Whitelist.DEFAULT, cm,
                new ScrComponentStates(runtime), etc, id -> "bundle" + id);
    }

    @AfterEach
    void tearDown() {
        scr.close();
    }

    private static Map<String, Object> values(Object... keyValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValue.length; i += 2) {
            m.put((String) keyValue[i], keyValue[i + 1]);
        }
        return m;
    }

    private static Object value(List<Setting> settings, String key) {
        return settings.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow().value();
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    @Test
    void aSettingIsAppliedThroughConfigAdminAndGetsItsCfgFile() throws Exception {
        List<Setting> after = ops.configure(values("detect.min_face_size", 40));

        assertEquals(40L, value(after, "detect.min_face_size"));
        Map<String, Object> stored = cm.stored(Whitelist.MTCNN_PID);
        assertEquals("40", stored.get("minFaceSize"), "stored as a .cfg file holds it: a string");
        Path file = etc.resolve("io.facegate.detect.mtcnn.cfg");
        assertEquals(file.toFile().toURI().toString(), stored.get(CfgFiles.FILENAME));
        assertTrue(Files.readAllLines(file, StandardCharsets.ISO_8859_1).contains("minFaceSize = 40"));
        assertEquals(List.of("?"), cm.locations, "created with FileInstall's multi-location");
        assertEquals(ComponentStates.State.ACTIVE, mtcnn.state);
        assertEquals("40", mtcnn.activations.get(mtcnn.activations.size() - 1).get("minFaceSize"));
    }

    @Test
    void aValueTheComponentRefusesIsRolledBackWithTheComponentsReason() throws Exception {
        OperationException e = assertThrows(OperationException.class,
                () -> ops.configure(values("detect.min_face_size", 2000)));

        assertEquals(400, e.code());
        assertTrue(e.getMessage().contains("detect.min_face_size=2000"), e.getMessage());
        assertTrue(e.getMessage().contains("refused by mtcnn: minFaceSize 2000 exceeds maxImageSide 1280"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("the previous settings were restored"), e.getMessage());
        assertNull(cm.stored(Whitelist.MTCNN_PID), "there was no configuration, so there is none again");
        assertEquals(List.of(false, false), fileAtActivation, "a refused value never reaches etc/");
        assertFalse(Files.exists(etc.resolve("io.facegate.detect.mtcnn.cfg")));
        assertEquals(List.of("update " + Whitelist.MTCNN_PID, "delete " + Whitelist.MTCNN_PID), cm.events);
        eventually(() -> mtcnn.state == ComponentStates.State.ACTIVE && mtcnn.failure == null,
                "the detector runs with its defaults again");
        assertEquals(20L, value(ops.settings(), "detect.min_face_size"));
    }

    @Test
    void aRefusalRestoresEveryConfigurationTouchedBefore() throws Exception {
        Path pipelineFile = Files.writeString(etc.resolve("io.facegate.pipeline.cfg"), "queue_capacity = 32\n");
        Map<String, Object> preset = new HashMap<>(Map.of("queue_capacity", "32",
                CfgFiles.FILENAME, CfgFiles.key(pipelineFile)));
        cm.preset(Whitelist.PIPELINE_PID, preset);

        OperationException e = assertThrows(OperationException.class,
                () -> ops.configure(values("pipeline.workers", 64, "detect.min_face_size", 40)));

        assertEquals(400, e.code());
        assertTrue(e.getMessage().startsWith("pipeline.workers=64: refused by pipeline: workers 64 exceeds"
                + " queue_capacity 32"), e.getMessage());
        // the detector's change (applied first, in table order) was undone as well
        assertEquals(List.of("update " + Whitelist.MTCNN_PID, "update " + Whitelist.PIPELINE_PID,
                "update " + Whitelist.PIPELINE_PID, "delete " + Whitelist.MTCNN_PID), cm.events);
        assertNull(cm.stored(Whitelist.MTCNN_PID));
        Map<String, Object> restored = cm.stored(Whitelist.PIPELINE_PID);
        restored.remove("service.pid");
        assertEquals(preset, restored, "the pipeline's previous properties, exactly");
        assertEquals("queue_capacity = 32\n", Files.readString(pipelineFile), "an existing file is FileInstall's to write");
        eventually(() -> pipeline.state == ComponentStates.State.ACTIVE && pipeline.failure == null,
                "the pipeline runs again");
    }

    @Test
    void aComponentThatFailedBeforeIsJudgedByItsNextActivationNotItsOldFailure() throws Exception {
        cm.preset(Whitelist.PIPELINE_PID, Map.of("workers", "8", "queue_capacity", "4"));
        pipeline.properties = Map.of("workers", "8", "queue_capacity", "4", "overflow", "block");
        pipeline.failure = "java.lang.IllegalArgumentException: workers 8 exceeds queue_capacity 4";

        List<Setting> after = ops.configure(values("pipeline.queue_capacity", 16));

        assertEquals(16L, value(after, "pipeline.queue_capacity"));
        assertEquals(ComponentStates.State.ACTIVE, pipeline.state);
        assertNull(pipeline.failure, "activated with the new value");
    }

    @Test
    void wrongTypesAndUnknownKeysAreRefusedBeforeAnythingChanges() {
        assertRefused(values("detect.min_face_size", "forty"), "detect.min_face_size must be an integer, got \"forty\"");
        assertRefused(values("detect.min_face_size", 40.5), "detect.min_face_size must be an integer, got 40.5");
        assertRefused(values("detect.min_face_size", 5), "detect.min_face_size must be >= 12, got 5");
        assertRefused(values("detect.onet_threshold", 1.5), "detect.onet_threshold must be within 0..1, got 1.5");
        assertRefused(values("pipeline.overflow", 3), "pipeline.overflow must be a string, got 3");
        assertRefused(values("pipeline.overflow", "drop"), "pipeline.overflow must be one of block, drop_oldest,"
                + " got \"drop\"");
        assertRefused(values("detect.min_face_size", 40, "detect.minFaceSize", 40),
                "unknown setting 'detect.minFaceSize'");
        assertRefused(values(), "no settings given");
        assertEquals(List.of(), cm.events, "nothing reached Configuration Admin");
    }

    private void assertRefused(Map<String, Object> values, String message) {
        OperationException e = assertThrows(OperationException.class, () -> ops.configure(values));
        assertEquals(400, e.code());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void nullResetsASettingToTheComponentsDefault() throws Exception {
        cm.preset(Whitelist.MTCNN_PID, Map.of("minFaceSize", "40", "maxImageSide", "1000"));
        Map<String, Object> reset = new HashMap<>();
        reset.put("detect.min_face_size", null);

        List<Setting> after = ops.configure(reset);

        assertEquals(20L, value(after, "detect.min_face_size"));
        assertEquals(1000L, value(after, "detect.max_image_side"));
        assertFalse(cm.stored(Whitelist.MTCNN_PID).containsKey("minFaceSize"));
        // a configuration without a file gets one, with what it holds now
        assertEquals(List.of("maxImageSide = 1000"), Files.readAllLines(etc.resolve("io.facegate.detect.mtcnn.cfg"))
                .stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
    }

    @Test
    void theSameValueAgainChangesNothing() throws Exception {
        cm.preset(Whitelist.PIPELINE_PID, Map.of("overflow", "drop_oldest"));
        List<Setting> after = ops.configure(values("pipeline.overflow", "DROP-OLDEST"));
        assertEquals("drop_oldest", value(after, "pipeline.overflow"));
        assertEquals(List.of(), cm.events, "no update, so no restart");
    }

    @Test
    void aSettingWhoseComponentIsMissingIsNotWritten() {
        OperationException e = assertThrows(OperationException.class,
                () -> ops.configure(values("gallery.thresholds", "mobilefacenet-112=0.4")));
        assertEquals(503, e.code());
        assertTrue(e.getMessage().contains("no component uses configuration io.facegate.gallery"), e.getMessage());
        assertEquals(List.of(), cm.events);
    }

    @Test
    void settingsListTheWhitelistWithConfiguredValuesAndComponentDefaults() throws Exception {
        cm.preset(Whitelist.PIPELINE_PID, Map.of("queue_capacity", "32"));
        List<Setting> settings = ops.settings();

        assertEquals(Whitelist.DEFAULT.all().stream().map(SettingSpec::key).toList(),
                settings.stream().map(Setting::key).toList());
        assertEquals(32L, value(settings, "pipeline.queue_capacity"), "configured");
        assertEquals(0.9, value(settings, "detect.onet_threshold"), "the component's default (a Float 0.9)");
        assertEquals(1L, value(settings, "pipeline.workers"));
        assertEquals("", value(settings, "gallery.thresholds"), "the table's default without a component");
        Setting s = settings.get(0);
        assertEquals(Whitelist.MTCNN_PID, s.pid());
        assertEquals("minFaceSize", s.property());
        assertEquals("integer", s.type());
    }

    @Test
    void aComponentThatNeverRestartsTimesOutAndIsRestored() throws Exception {
        mtcnn.stuck = true;
        ConfigChanger changer = new ConfigChanger(cm, new ScrComponentStates(scr), etc, 200, 50, 10);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("minFaceSize", "40");

        OperationException e = assertThrows(OperationException.class,
                () -> changer.apply(List.of(new ConfigChanger.Change(Whitelist.MTCNN_PID, props, "x=40"))));

        assertEquals(500, e.code());
        assertTrue(e.getMessage().contains("did not restart with the new values within 200 ms"), e.getMessage());
        assertNull(cm.stored(Whitelist.MTCNN_PID));
        assertFalse(Files.exists(etc.resolve("io.facegate.detect.mtcnn.cfg")));
    }
}
