package io.facegate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.facegate.api.Embedding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rank-1 and open-set decisions on hand-placed 3-d unit vectors. */
class IdentificationTest {
    private static final double EPS = 1e-6;

    private static Embedding e(double x, double y, double z) {
        return new Embedding("m", "1", new float[] {(float) x, (float) y, (float) z});
    }

    // alice's two photos are similar, bob's two are far apart
    private static final List<Identification.Enrolled> GALLERY = List.of(
            new Identification.Enrolled("alice", e(1, 0, 0)),
            new Identification.Enrolled("alice", e(0.9, 0, Math.sqrt(0.19))),
            new Identification.Enrolled("bob", e(0, 1, 0)),
            new Identification.Enrolled("bob", e(0, 0, 1)));

    @Test
    void matchesTheNearestEnrolledPhotoNotAMeanTemplate() {
        // cosines: alice 0.6 and 0.54, bob 0.8 and 0. Mean templates would pick alice
        // (0.585 vs 0.566); the nearest photo is bob's.
        Identification.Match m = Identification.nearest(GALLERY, e(0.6, 0.8, 0));
        assertEquals("bob", m.identity());
        assertEquals(0.8, m.similarity(), EPS);
    }

    @Test
    void aFailedProbeMatchesNobodyAtTheWorstCosine() {
        Identification.Match m = Identification.nearest(GALLERY, null);
        assertNull(m.identity());
        assertEquals(-1, m.similarity(), 0);
        assertNull(Identification.nearest(List.of(), e(1, 0, 0)).identity());
    }

    @Test
    void countsRankOneAndOpenSetDecisions() {
        List<Identification.Probe> probes = List.of(
                new Identification.Probe("bob", e(0.6, 0.8, 0)),          // bob at 0.8: right, accepted
                new Identification.Probe("alice", e(0.99, 0.141, 0)),     // alice at ~0.99: right, accepted
                new Identification.Probe("alice", e(0.1, 0.995, 0)),      // bob at ~0.995: wrong
                new Identification.Probe("alice", e(0.6, 0, -0.8)),       // alice at 0.6: right, but below 0.7
                new Identification.Probe("alice", null),                  // unusable image: wrong
                new Identification.Probe(null, e(0, 0.6, 0.8)),           // bob at 0.8: falsely accepted
                new Identification.Probe(null, e(0.5, 0.5, -Math.sqrt(0.5))), // best 0.5: rejected
                new Identification.Probe(null, null));                    // unusable: rejected
        Identification.Result r = Identification.evaluate(GALLERY, probes, 0.7);
        assertEquals(5, r.knownProbes());
        assertEquals(3, r.rank1Correct());
        assertEquals(0.6, r.rank1(), EPS);
        assertEquals(2, r.knownAccepted());
        assertEquals(0.4, r.knownAcceptRate(), EPS);
        assertEquals(3, r.unknownProbes());
        assertEquals(2, r.unknownRejected());
        assertEquals(2 / 3.0, r.unknownRejectRate(), EPS);
        assertEquals(0.5, r.openSetAccuracy(), EPS); // (2 accepted right + 2 rejected) / 8
    }

    @Test
    void aSimilarityEqualToTheThresholdIsAccepted() {
        List<Identification.Probe> probe = List.of(new Identification.Probe("bob", e(0.6, 0.8, 0)));
        double s = Identification.nearest(GALLERY, probe.get(0).embedding()).similarity();
        assertEquals(1, Identification.evaluate(GALLERY, probe, s).knownAccepted());
        assertEquals(0, Identification.evaluate(GALLERY, probe, Math.nextUp(s)).knownAccepted());
        assertEquals(Double.NaN, Identification.evaluate(GALLERY, probe, s).unknownRejectRate());
    }
}
