package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One timed run of everything bench measures, so the command cannot rot; the numbers are not judged. */
class BenchDataTest {

    @Test
    void measuresEveryModelAndFrameSize() throws Exception {
        BenchCommand.Config c = new BenchCommand.Config(TestData.models(),
                TestData.data("demo").resolve("two_people.jpg"), 1, 0);
        BenchCommand.Report r = BenchCommand.run(c, new Progress(null, "bench"));
        System.out.print(r.table());

        assertEquals(List.of("mobilefacenet-112", "mtcnn-onet", "mtcnn-pnet", "mtcnn-rnet"),
                r.models().stream().map(m -> m.metadata().id()).toList());
        ModelDir mfn = r.models().get(0);
        assertTrue(mfn.embedder());
        assertEquals(1_292_992, mfn.parameters());
        assertTrue(mfn.bytes() > 1_000_000, "on-disk size " + mfn.bytes());

        assertEquals(1, r.embedders().size());
        BenchCommand.EmbedderResult e = r.embedders().get(0);
        assertEquals(List.of(1, 8), List.copyOf(e.perFace().keySet()));
        e.perFace().values().forEach(t -> assertTrue(t.median() > 0));

        assertEquals(List.of("320x240", "640x480", "1280x720"),
                r.mtcnn().stream().map(d -> d.width() + "x" + d.height()).toList());
        r.mtcnn().forEach(d -> assertEquals(2, d.faces(), "faces in the " + d.width() + "x" + d.height() + " frame"));
    }
}
