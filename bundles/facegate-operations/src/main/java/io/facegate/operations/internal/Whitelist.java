package io.facegate.operations.internal;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings an operator may read and change remotely, and nothing else: each maps an operator key to one
 * property of one component's configuration. The bounds are the ones the component itself checks (its settings
 * record), so a value refused here would be refused by the component too; the component has the last word (rules
 * across properties, e.g. the minimum face size against the maximum image side). Immutable.
 */
final class Whitelist {
    static final String MTCNN_PID = "io.facegate.detect.mtcnn";
    static final String GALLERY_PID = "io.facegate.gallery";
    static final String PIPELINE_PID = "io.facegate.pipeline";

    /** The shipped table, in the order operators see it. */
    static final Whitelist DEFAULT = new Whitelist(List.of(
            integer("detect.min_face_size", MTCNN_PID, "minFaceSize", 20, 12, null,
                    "Smallest face the MTCNN detector finds, in pixels of the working image (>= 12, and at most"
                            + " detect.max_image_side); smaller finds smaller faces, more slowly"),
            number("detect.scale_factor", MTCNN_PID, "scaleFactor", 0.709, "0.3", "0.95",
                    "Ratio between neighbouring pyramid scales (0.3..0.95); closer to 1 finds more faces at more cost"),
            number("detect.pnet_threshold", MTCNN_PID, "pnetThreshold", 0.3, "0", "1",
                    "Minimum face probability of a P-Net candidate (0..1)"),
            number("detect.rnet_threshold", MTCNN_PID, "rnetThreshold", 0.6, "0", "1",
                    "Minimum face probability of an R-Net candidate (0..1)"),
            number("detect.onet_threshold", MTCNN_PID, "onetThreshold", 0.9, "0", "1",
                    "Minimum face probability of a reported face (0..1); lower reports more faces and more false ones"),
            integer("detect.max_image_side", MTCNN_PID, "maxImageSide", 1280, 48, 2896L,
                    "Larger images are downscaled to this longest side before detection (48..2896)"),
            new SettingSpec("gallery.thresholds", GALLERY_PID, "thresholds", SettingSpec.STRING, "",
                    "Per-model cosine thresholds overriding the model's recommended one: model=threshold, several"
                            + " comma-separated; model is a model id (every version) or id:version, threshold in"
                            + " [-1,1]; empty for none. e.g. mobilefacenet-112=0.35",
                    null, null, List.of()),
            new SettingSpec("pipeline.overflow", PIPELINE_PID, "overflow", SettingSpec.STRING, "block",
                    "When the pipeline's queue is full: block (back-pressure) or drop_oldest (the oldest queued frame"
                            + " of the same source is dropped, acknowledged as failed)",
                    null, null, List.of("block", "drop_oldest")),
            integer("pipeline.queue_capacity", PIPELINE_PID, "queue_capacity", 16, 1, 100_000L,
                    "Frames queued between the sources and the workers (1..100000)"),
            integer("pipeline.workers", PIPELINE_PID, "workers", 1, 1, 64L,
                    "Worker threads processing frames in parallel (1..64); events may leave out of order above 1")));

    private final Map<String, SettingSpec> byKey = new LinkedHashMap<>();

    /**
     * @param specs the settings
     * @throws IllegalArgumentException if a key, or a pid and property, is listed twice
     */
    Whitelist(List<SettingSpec> specs) {
        for (SettingSpec s : specs) {
            if (byKey.put(s.key(), s) != null) {
                throw new IllegalArgumentException("setting " + s.key() + " listed twice");
            }
        }
        long distinct = specs.stream().map(s -> s.pid() + "/" + s.property()).distinct().count();
        if (distinct != specs.size()) {
            throw new IllegalArgumentException("two settings name the same property");
        }
    }

    private static SettingSpec integer(String key, String pid, String property, long defaultValue, long min, Long max,
                                       String description) {
        return new SettingSpec(key, pid, property, SettingSpec.INTEGER, defaultValue, description,
                BigDecimal.valueOf(min), max == null ? null : BigDecimal.valueOf(max), List.of());
    }

    private static SettingSpec number(String key, String pid, String property, double defaultValue, String min,
                                      String max, String description) {
        return new SettingSpec(key, pid, property, SettingSpec.NUMBER, defaultValue, description,
                new BigDecimal(min), new BigDecimal(max), List.of());
    }

    /** @return every setting, in table order */
    List<SettingSpec> all() {
        return List.copyOf(byKey.values());
    }

    /**
     * @param key an operator key
     * @return its setting, or null if it is not whitelisted
     */
    SettingSpec find(String key) {
        return key == null ? null : byKey.get(key);
    }
}
