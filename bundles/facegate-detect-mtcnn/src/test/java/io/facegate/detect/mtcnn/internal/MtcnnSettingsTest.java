package io.facegate.detect.mtcnn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.junit.jupiter.api.function.Executable;

class MtcnnSettingsTest {

    /** A DS configuration as SCR would hand it over. */
    static MtcnnDetectorConfig config(int minFace, float factor, float p, float r, float o, int maxSide) {
        return new MtcnnDetectorConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MtcnnDetectorConfig.class;
            }

            @Override
            public int minFaceSize() {
                return minFace;
            }

            @Override
            public float scaleFactor() {
                return factor;
            }

            @Override
            public float pnetThreshold() {
                return p;
            }

            @Override
            public float rnetThreshold() {
                return r;
            }

            @Override
            public float onetThreshold() {
                return o;
            }

            @Override
            public int maxImageSide() {
                return maxSide;
            }
        };
    }

    private static void refused(String name, Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(name), ex.getMessage());
    }

    @Test
    void defaultsFavourRecallAtPNetAndPrecisionAtONet() {
        MtcnnSettings d = MtcnnSettings.defaults();
        assertEquals(new MtcnnSettings(20, 0.709f, 0.3f, 0.6f, 0.9f, 1280), d);
        assertEquals(d, MtcnnSettings.from(config(20, 0.709f, 0.3f, 0.6f, 0.9f, 1280)));
    }

    @Test
    void badValuesAreRefusedByName() {
        refused("minFaceSize", () -> MtcnnSettings.from(config(11, 0.709f, 0.6f, 0.7f, 0.7f, 1280)));
        refused("scaleFactor", () -> MtcnnSettings.from(config(20, 0.99f, 0.6f, 0.7f, 0.7f, 1280)));
        refused("scaleFactor", () -> MtcnnSettings.from(config(20, 0f, 0.6f, 0.7f, 0.7f, 1280)));
        refused("scaleFactor", () -> MtcnnSettings.from(config(20, Float.NaN, 0.6f, 0.7f, 0.7f, 1280)));
        refused("pnetThreshold", () -> MtcnnSettings.from(config(20, 0.709f, 1.5f, 0.7f, 0.7f, 1280)));
        refused("rnetThreshold", () -> MtcnnSettings.from(config(20, 0.709f, 0.6f, -0.1f, 0.7f, 1280)));
        refused("onetThreshold", () -> MtcnnSettings.from(config(20, 0.709f, 0.6f, 0.7f, Float.NaN, 1280)));
        refused("maxImageSide", () -> MtcnnSettings.from(config(20, 0.709f, 0.6f, 0.7f, 0.7f, 47)));
        refused("maxImageSide", () -> MtcnnSettings.from(config(20, 0.709f, 0.6f, 0.7f, 0.7f, 5000)));
        refused("minFaceSize", () -> MtcnnSettings.from(config(100, 0.709f, 0.6f, 0.7f, 0.7f, 64)));
    }

    @Test
    void theComponentFailsFastOnBadConfiguration() {
        // refused before the component touches its bundle: no context is needed to see it fail
        refused("pnetThreshold", () -> new MtcnnFaceDetector((BundleContext) null, config(20, 0.709f, 2f, 0.7f, 0.7f, 1280)));
    }
}
