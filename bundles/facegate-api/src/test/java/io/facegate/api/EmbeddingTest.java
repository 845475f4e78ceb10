package io.facegate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void isNormalisedToUnitLength() {
        Embedding e = new Embedding("m", "1", new float[] {3, 4});
        assertEquals(0.6f, e.values()[0], 1e-6);
        assertEquals(0.8f, e.values()[1], 1e-6);
        assertEquals(1f, e.cosine(e), 1e-6);
    }

    @Test
    void cosineOfOrthogonalVectorsIsZero() {
        Embedding a = new Embedding("m", "1", new float[] {1, 0});
        Embedding b = new Embedding("m", "1", new float[] {0, 5});
        assertEquals(0f, a.cosine(b), 1e-6);
    }

    @Test
    void refusesToCompareDifferentModels() {
        Embedding a = new Embedding("mobilefacenet-112", "1", new float[] {1, 0});
        Embedding b = new Embedding("eca-mobilefacenet-96", "1", new float[] {1, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.cosine(b));
        assertEquals("cannot compare embeddings of different models: mobilefacenet-112:1 vs eca-mobilefacenet-96:1",
                e.getMessage());
    }

    @Test
    void refusesZeroAndNonFiniteVectors() {
        assertThrows(IllegalArgumentException.class, () -> new Embedding("m", "1", new float[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> new Embedding("m", "1", new float[] {Float.NaN, 1}));
        assertThrows(IllegalArgumentException.class, () -> new Embedding("m", "1", new float[0]));
    }
}
