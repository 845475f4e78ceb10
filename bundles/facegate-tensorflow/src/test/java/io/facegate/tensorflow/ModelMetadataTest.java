package io.facegate.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.api.ChannelOrder;
import io.facegate.api.ModelInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {

    private static final String EMBEDDER = """
            model.id = mobilefacenet-112
            model.version = 1
            model.input.size = 112
            model.channel.order = RGB
            model.input.mean = 127.5
            model.input.scale = 128
            model.inputs = input
            model.outputs = embedding
            model.embedding.size = 192
            model.recommended.threshold = 0.42
            """;

    @Test
    void parsesAnEmbedderAndConvertsToModelInfo() {
        ModelMetadata m = ModelMetadata.parse(EMBEDDER);
        assertEquals(List.of("embedding"), m.outputs());
        assertEquals(new ModelInfo("mobilefacenet-112", "1", 112, ChannelOrder.RGB, 127.5f, 128f, 192, 0.42f),
                m.toModelInfo());
    }

    @Test
    void detectorNetsAreNotEmbedders() {
        ModelMetadata pnet = ModelMetadata.parse("""
                model.id = mtcnn-pnet
                model.version = 1
                model.input.transposed = true
                model.inputs = input
                model.outputs = prob, regression
                """);
        assertTrue(pnet.transposed());
        assertEquals(List.of("prob", "regression"), pnet.outputs());
        IllegalStateException e = assertThrows(IllegalStateException.class, pnet::toModelInfo);
        assertTrue(e.getMessage().startsWith("model mtcnn-pnet is not an embedding model"), e.getMessage());
    }

    @Test
    void namesTheMissingOrMalformedKey() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ModelMetadata.parse("model.id = x\nmodel.inputs = a\nmodel.outputs = b\n"));
        assertEquals("model metadata lacks model.version", missing.getMessage());
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
                () -> ModelMetadata.parse(EMBEDDER.replace("= 112", "= big")));
        assertEquals("model metadata model.input.size is not an integer: big", malformed.getMessage());
    }
}
