package io.facegate.models.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.AlignedFace;
import io.facegate.api.ChannelOrder;
import io.facegate.api.Embedding;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.ModelInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SelfTestTest {

    @Test
    void theRealModelPassesAndReportsItsOwnOrAConfiguredThreshold() {
        try (ModelEmbedder own = Models.eca(new ModelSettings(4, true, 0, Float.NaN));
             ModelEmbedder tuned = Models.eca(new ModelSettings(4, false, 0, 0.61f))) {
            assertEquals("eca-mobilefacenet-96:2", own.model().key());
            assertEquals(0.44f, own.model().recommendedThreshold(), 1e-6f);
            assertEquals(0.61f, tuned.model().recommendedThreshold(), 1e-6f);
            assertTrue(own.flipAverage());
        }
    }

    /** A stand-in for a broken model: only what {@link SelfTest} looks at. */
    private static FaceEmbedder broken(int declared, Function<Integer, float[]> output) {
        ModelInfo info = new ModelInfo("broken", "1", 32, ChannelOrder.RGB, 127.5f, 128f, declared, 0.5f);
        AtomicInteger calls = new AtomicInteger();
        return new FaceEmbedder() {
            @Override
            public ModelInfo model() {
                return info;
            }

            @Override
            public List<Embedding> embed(List<AlignedFace> faces) {
                return List.of(new Embedding("broken", "1", output.apply(calls.getAndIncrement())));
            }
        };
    }

    @Test
    void wrongSizeNanZeroAndUnstableOutputsFail() {
        float[] ok = new float[8];
        ok[0] = 1;
        assertThrows(FaceGateException.class, () -> SelfTest.check(broken(16, k -> ok)), "wrong size");
        float[] nan = ok.clone();
        nan[3] = Float.NaN;
        assertThrows(FaceGateException.class, () -> SelfTest.check(broken(8, k -> nan)), "NaN");
        assertThrows(FaceGateException.class, () -> SelfTest.check(broken(8, k -> new float[8])), "zeros");
        assertThrows(FaceGateException.class, () -> SelfTest.check(broken(8, k -> {
            float[] v = new float[8];
            v[k % 8] = 1;
            return v;
        })), "a different embedding each time");
        SelfTest.check(broken(8, k -> ok)); // and the check itself passes a sane output
    }

    @Test
    void theSyntheticFaceIsTheSameEveryTime() {
        AlignedFace a = SelfTest.syntheticFace(96);
        AlignedFace b = SelfTest.syntheticFace(96);
        assertEquals(96, a.image().width());
        assertTrue(java.util.Arrays.equals(a.image().toRgbBytes(), b.image().toRgbBytes()));
    }
}
