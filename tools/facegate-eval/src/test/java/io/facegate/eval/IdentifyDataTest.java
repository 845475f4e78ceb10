package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The paper's gallery protocol on the 10 x 10 colour LFW photos: enrol 2, probe the other 8. */
class IdentifyDataTest {

    @Test
    void rankOneOnLfwColourIsAtLeastNinetyFivePercent() throws Exception {
        IdentifyCommand.Config c = new IdentifyCommand.Config(TestData.data("lfw-color-10x10"), null,
                TestData.models(), EvalCli.DEFAULT_MODEL, false, 2, 10, EvalCli.DEFAULT_SEED, Double.NaN, 0, 8, 2);
        IdentifyCommand.Report r = IdentifyCommand.run(c, new Progress(null, "identify"));
        System.out.print(r.table());

        assertEquals(10, r.knownIdentities());
        assertEquals(10, r.enrolledIdentities());
        assertEquals(80, r.result().knownProbes());
        assertTrue(r.result().rank1() >= 0.95, "rank-1 " + r.result().rank1());
    }
}
