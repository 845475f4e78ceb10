package io.facegate.models.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelDeclarationTest {

    @Test
    void parsesPathsWithRankingAndPid() {
        List<ModelDeclaration> d = ModelDeclaration.parse(
                "models/mobilefacenet-112;ranking:Integer=100;pid=io.facegate.embed.mobilefacenet, /models/b/ ;ranking=\"-5\"");
        assertEquals(List.of(new ModelDeclaration("models/mobilefacenet-112", 100, "io.facegate.embed.mobilefacenet"),
                new ModelDeclaration("models/b", -5, null)), d);
        assertEquals("io.facegate.embed.mobilefacenet", d.get(0).pidFor("x"));
        assertEquals("io.facegate.model.eca-96", d.get(1).pidFor("eca-96"));
    }

    @Test
    void refusesWhatItCannotServeSafely() {
        for (String bad : new String[] {"", " , ", "models/../etc", "models/a;ranking=high", "models/a;ranking",
            "models/a;colour=red", "models/a;pid=a b", "models/a;ranking=1;ranking=2", "models/a;pid=\"x", "/"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelDeclaration.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), bad);
        }
    }
}
