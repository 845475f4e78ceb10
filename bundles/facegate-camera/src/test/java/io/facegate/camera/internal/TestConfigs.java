package io.facegate.camera.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** DS configurations for tests: the annotation's defaults, overridden by key as spelled in a .cfg file. */
final class TestConfigs {
    private TestConfigs() {
    }

    /**
     * @param values keys as in the .cfg file ({@code max_fps}), values of the method's type
     * @return the configuration
     */
    static FfmpegCamera.Config ffmpeg(Map<String, ?> values) {
        for (String key : values.keySet()) {
            try {
                FfmpegCamera.Config.class.getMethod(key.replace("_", "__"));
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("no configuration key " + key);
            }
        }
        return (FfmpegCamera.Config) Proxy.newProxyInstance(TestConfigs.class.getClassLoader(),
                new Class<?>[] {FfmpegCamera.Config.class}, (proxy, m, args) -> {
                    String key = m.getName().replace("__", "_");
                    if (values.containsKey(key)) {
                        return values.get(key);
                    }
                    if (m.getDefaultValue() != null) {
                        return m.getDefaultValue();
                    }
                    return switch (m.getName()) {
                        case "annotationType" -> FfmpegCamera.Config.class;
                        case "toString" -> "Config" + values;
                        case "hashCode" -> values.hashCode();
                        case "equals" -> proxy == args[0];
                        default -> throw new IllegalStateException("no value for " + m.getName());
                    };
                });
    }
}
