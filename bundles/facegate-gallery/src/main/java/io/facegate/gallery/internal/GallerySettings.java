package io.facegate.gallery.internal;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated configuration of the gallery.
 *
 * @param directory  where the gallery lives, absolute
 * @param thresholds threshold overrides by model id or model key ({@code id:version})
 * @param keyFile    the key file for encryption at rest, absolute; null: files are not encrypted
 */
record GallerySettings(Path directory, Map<String, Float> thresholds, Path keyFile) {
    /** Placeholder accepted in {@code directory}, as Karaf writes it in {@code etc/*.cfg}. */
    static final String KARAF_DATA = "${karaf.data}";
    /** Placeholder accepted in {@code encryption_key_file}. */
    static final String KARAF_ETC = "${karaf.etc}";

    GallerySettings {
        thresholds = Collections.unmodifiableMap(new LinkedHashMap<>(thresholds));
    }

    /**
     * @param directory  configured directory: empty for {@code <karaf.data>/facegate/gallery}; may contain
     *                   {@code ${karaf.data}}; relative paths are resolved against {@code karaf.data}
     * @param thresholds entries {@code model=threshold}, where model is a model id (every version) or
     *                   {@code id:version}, and the threshold a cosine in [-1, 1]; an entry may hold several,
     *                   comma-separated; blank entries are ignored
     * @param karafData  value of the system property {@code karaf.data}, or null outside Karaf ({@code ./data})
     * @return the settings
     * @throws IllegalArgumentException on a malformed entry, a threshold outside [-1, 1], a model named twice,
     *                                  or an unusable path
     */
    static GallerySettings parse(String directory, String[] thresholds, String karafData) {
        return parse(directory, thresholds, "", karafData, null);
    }

    /**
     * @param directory  as in {@link #parse(String, String[], String)}
     * @param thresholds as in {@link #parse(String, String[], String)}
     * @param keyFile    {@code encryption_key_file}: empty for no encryption; may contain {@code ${karaf.etc}}
     *                   and {@code ${karaf.data}}; a relative path is resolved against {@code karaf.etc}
     * @param karafData  value of the system property {@code karaf.data}, or null outside Karaf ({@code ./data})
     * @param karafEtc   value of the system property {@code karaf.etc}, or null outside Karaf ({@code ./etc})
     * @return the settings
     * @throws IllegalArgumentException on a bad value, naming its key (the key file itself is read later)
     */
    static GallerySettings parse(String directory, String[] thresholds, String keyFile, String karafData,
                                 String karafEtc) {
        Path base = base("karaf.data", karafData, "data");
        return new GallerySettings(resolveDirectory(directory, base), parseThresholds(thresholds),
                resolveKeyFile(keyFile, base, base("karaf.etc", karafEtc, "etc")));
    }

    private static Path base(String property, String value, String fallback) {
        try {
            return Path.of(value == null || value.isBlank() ? fallback : value).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("system property " + property + " is not a usable path: " + value, e);
        }
    }

    private static Path resolveKeyFile(String keyFile, Path data, Path etc) {
        String k = keyFile == null ? "" : keyFile.strip();
        if (k.isEmpty()) {
            return null;
        }
        k = k.replace(KARAF_DATA, data.toString()).replace(KARAF_ETC, etc.toString());
        if (k.contains("${")) {
            throw new IllegalArgumentException(FileCipher.CONFIG_KEY + " has an unresolved placeholder: " + keyFile);
        }
        try {
            Path p = Path.of(k);
            return (p.isAbsolute() ? p : etc.resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(FileCipher.CONFIG_KEY + " is not a valid path: " + keyFile, e);
        }
    }

    private static Path resolveDirectory(String directory, Path base) {
        String d = directory == null ? "" : directory.strip();
        if (d.isEmpty()) {
            return base.resolve("facegate").resolve("gallery").normalize();
        }
        d = d.replace(KARAF_DATA, base.toString());
        if (d.contains("${")) {
            throw new IllegalArgumentException("directory has an unresolved placeholder: " + directory);
        }
        try {
            Path p = Path.of(d);
            return (p.isAbsolute() ? p : base.resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("directory is not a valid path: " + directory, e);
        }
    }

    private static Map<String, Float> parseThresholds(String[] entries) {
        Map<String, Float> out = new LinkedHashMap<>();
        if (entries == null) {
            return out;
        }
        List<String> items = new ArrayList<>();
        for (String entry : entries) {
            // a plain etc/*.cfg cannot hold an array: accept "a=0.3, b:2=0.4" in one value as well
            items.addAll(Arrays.asList(entry == null ? new String[0] : entry.split(",")));
        }
        for (String raw : items) {
            if (raw.isBlank()) {
                continue;
            }
            int eq = raw.lastIndexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("thresholds entry '" + raw
                        + "' must be model=threshold, e.g. mobilefacenet-112=0.35 or mobilefacenet-112:1=0.35");
            }
            String model = raw.substring(0, eq).strip();
            String value = raw.substring(eq + 1).strip();
            if (model.isEmpty() || model.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("thresholds entry '" + raw + "' has no valid model id before '='");
            }
            if (model.startsWith(":") || model.endsWith(":")) {
                throw new IllegalArgumentException("thresholds entry '" + raw + "': model must be id or id:version");
            }
            float t;
            try {
                // BigDecimal: plain decimal numbers only, no NaN, Infinity, hex or 'f' suffixes
                BigDecimal v = new BigDecimal(value);
                if (v.compareTo(BigDecimal.ONE) > 0 || v.compareTo(BigDecimal.ONE.negate()) < 0) {
                    throw new IllegalArgumentException("thresholds entry '" + raw
                            + "': threshold must be a cosine similarity in [-1, 1], got " + value);
                }
                t = v.floatValue();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("thresholds entry '" + raw + "': '" + value + "' is not a number");
            }
            if (out.put(model, t) != null) {
                throw new IllegalArgumentException("thresholds names model '" + model + "' twice");
            }
        }
        return out;
    }

    /**
     * @param modelId  a model id
     * @param modelKey its {@code id:version}
     * @return the configured override, exact key before id, or null if there is none
     */
    Float override(String modelId, String modelKey) {
        Float t = thresholds.get(modelKey);
        return t != null ? t : thresholds.get(modelId);
    }
}
