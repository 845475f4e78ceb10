package io.facegate.models.internal;

import java.util.Dictionary;
import java.util.Locale;

/**
 * The settings of one model's embedder, from its Configuration Admin PID over the defaults of its declaration and
 * metadata. Keys: {@code max_batch} (1..256, default 16), {@code flip_average} (default {@code true}: the
 * measurement behind it is in docs/results.md), {@code service.ranking} (default from the header), {@code threshold}
 * (a cosine in [-1, 1]; default the model's {@code model.recommended.threshold}).
 *
 * @param maxBatch    most faces per TensorFlow run
 * @param flipAverage whether each face is averaged with its mirror image
 * @param ranking     {@code service.ranking} of the embedder service
 * @param threshold   the recommended threshold it reports, or NaN for the model's own
 */
record ModelSettings(int maxBatch, boolean flipAverage, int ranking, float threshold) {
    static final int DEFAULT_MAX_BATCH = 16;

    ModelSettings {
        if (maxBatch < 1 || maxBatch > 256) {
            throw new IllegalArgumentException("max_batch must be within 1..256, got " + maxBatch);
        }
        if (!Float.isNaN(threshold) && !(threshold >= -1 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be a cosine in [-1, 1], got " + threshold);
        }
    }

    /**
     * @param config      the configuration, or {@code null} when there is none
     * @param declaration the model's declaration, for the default ranking
     * @return the validated settings
     * @throws IllegalArgumentException naming the first bad key
     */
    static ModelSettings from(Dictionary<String, ?> config, ModelDeclaration declaration) {
        return new ModelSettings(
                intValue(config, "max_batch", DEFAULT_MAX_BATCH),
                boolValue(config, "flip_average", true),
                intValue(config, "service.ranking", declaration.ranking()),
                floatValue(config, "threshold", Float.NaN));
    }

    private static Object get(Dictionary<String, ?> config, String key) {
        return config == null ? null : config.get(key);
    }

    private static int intValue(Dictionary<String, ?> config, String key, int fallback) {
        Object v = get(config, key);
        if (v == null || v.toString().isBlank()) {
            return fallback;
        }
        if (v instanceof Integer i) {
            return i;
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static boolean boolValue(Dictionary<String, ?> config, String key, boolean fallback) {
        Object v = get(config, key);
        if (v == null || v.toString().isBlank()) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        };
    }

    private static float floatValue(Dictionary<String, ?> config, String key, float fallback) {
        Object v = get(config, key);
        if (v == null || v.toString().isBlank()) {
            return fallback;
        }
        try {
            float f = v instanceof Number n ? n.floatValue() : Float.parseFloat(v.toString().trim());
            if (Float.isNaN(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }
}
