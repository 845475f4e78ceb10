package io.facegate.detect.mtcnn.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PNetCellsTest {

    @Test
    void gridCellsMapToStride2Cell12BoxesWithTheGridTransposedBack() {
        // the net's grid: 5 rows (along image x, since its input was transposed) by 3 columns (along y)
        int gh = 5;
        int gw = 3;
        float[] prob = new float[gh * gw];
        float[] reg = new float[gh * gw * 4];
        int hit = 3 * gw + 1;               // net row 3, net column 1
        prob[hit] = 0.9f;
        reg[hit * 4] = 0.1f;
        reg[hit * 4 + 1] = 0.2f;
        reg[hit * 4 + 2] = -0.3f;
        reg[hit * 4 + 3] = -0.4f;
        prob[0] = 0.59f;                    // below the threshold
        prob[gh * gw - 1] = 0.6f;           // exactly at the threshold: kept
        MtcnnNets.PNetOutput out = new MtcnnNets.PNetOutput(prob, reg, gh, gw);

        // level at half the working size along x, a quarter along y
        List<MtcnnCascade.Candidate> c = MtcnnCascade.cells(out, 0.5f, 0.25f, 0.6f);
        assertEquals(2, c.size());
        MtcnnCascade.Candidate first = c.get(0);
        assertEquals(0.9f, first.score());
        // x from the net row: level pixels [6, 18) -> working [12, 36) minus the half-pixel offset
        assertEquals(new Box(11.5f, 7.5f, 35.5f, 55.5f), first.box());
        assertArrayEquals(new float[] {0.1f, 0.2f, -0.3f, -0.4f}, first.reg());

        MtcnnCascade.Candidate last = c.get(1);   // net row 4, column 2
        assertEquals(new Box(15.5f, 15.5f, 39.5f, 63.5f), last.box());
    }

    @Test
    void emptyGridGivesNoCandidates() {
        MtcnnNets.PNetOutput out = new MtcnnNets.PNetOutput(new float[0], new float[0], 0, 0);
        assertEquals(List.of(), MtcnnCascade.cells(out, 1, 1, 0.6f));
    }
}
