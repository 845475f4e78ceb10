package io.facegate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelInfoTest {

    private static ModelInfo.Builder mobileFaceNet() {
        return ModelInfo.builder().id("mobilefacenet-112").version("1").inputSize(112).channelOrder(ChannelOrder.BGR)
                .inputMean(127f).inputScale(127f).embeddingSize(192).recommendedThreshold(0.42f);
    }

    @Test
    void builderEqualsCanonicalConstructor() {
        assertEquals(new ModelInfo("mobilefacenet-112", "1", 112, ChannelOrder.BGR, 127f, 127f, 192, 0.42f),
                mobileFaceNet().build());
    }

    @Test
    void defaultsAreThoseOfModelMetadata() {
        ModelInfo m = ModelInfo.builder().id("m").version("2").inputSize(96).embeddingSize(128)
                .recommendedThreshold(0.5f).build();
        assertEquals(new ModelInfo("m", "2", 96, ChannelOrder.RGB, 127.5f, 128f, 128, 0.5f), m);
    }

    @Test
    void buildValidatesAsTheConstructorDoes() {
        assertThrows(IllegalArgumentException.class, () -> mobileFaceNet().id(" ").build());
        assertThrows(IllegalArgumentException.class, () -> mobileFaceNet().version(null).build());
        assertThrows(IllegalArgumentException.class, () -> mobileFaceNet().inputSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> mobileFaceNet().embeddingSize(-1).build());
        assertThrows(IllegalArgumentException.class, () -> mobileFaceNet().inputScale(0).build());
        assertThrows(IllegalArgumentException.class, () -> mobileFaceNet().recommendedThreshold(1.5f).build());
        assertThrows(NullPointerException.class, () -> mobileFaceNet().channelOrder(null).build());
    }

    @Test
    void thresholdHasNoDefault() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelInfo.builder().id("m").version("1").inputSize(96).embeddingSize(128).build());
        assertEquals("recommendedThreshold must be a cosine in [-1,1], got NaN", e.getMessage());
    }

    @Test
    void toBuilderCopiesEveryField() {
        ModelInfo m = mobileFaceNet().build();
        assertEquals(m, m.toBuilder().build());
        ModelInfo stricter = m.toBuilder().recommendedThreshold(0.6f).build();
        assertEquals(new ModelInfo("mobilefacenet-112", "1", 112, ChannelOrder.BGR, 127f, 127f, 192, 0.6f), stricter);
        assertEquals(0.42f, m.recommendedThreshold());
    }

    @Test
    void eachBuildIsIndependent() {
        ModelInfo.Builder b = mobileFaceNet();
        ModelInfo first = b.build();
        ModelInfo second = b.version("2").build();
        assertNotSame(first, second);
        assertEquals("mobilefacenet-112:1", first.key());
        assertEquals("mobilefacenet-112:2", second.key());
    }
}
